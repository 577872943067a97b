package io.ipsecmesh.ike.engine;

import io.ipsecmesh.ike.crypto.SkIntegrityException;
import io.ipsecmesh.ike.wire.ReplyCache;
import io.ipsecmesh.ike.wire.Retransmitter;
import io.ipsecmesh.proto.ike.IkeDecodeException;
import io.ipsecmesh.proto.ikev2.IkeCodec;
import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.ikev2.IkeHeader;
import io.ipsecmesh.proto.ikev2.IkeMessage;
import io.ipsecmesh.proto.ikev2.Payload;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The exchanges of one IKE SA, after strongSwan's {@code task_manager_v2.c}. As requester: queued {@link Task}s,
 * one active with its request outstanding (RFC 7296 §2.3: a window of one), its message IDs and retransmission
 * (§2.1, {@link Retransmitter}). As responder: the peer's window of one, the {@link ReplyCache} (by the digest of
 * the whole request) and passive tasks made from each new request ({@link ResponderTasks}); a passive task of the
 * active one's {@link Task.Type} is a collision the active task resolves. SK protection, authentication and RFC
 * 7383 fragmentation ({@link IkeFragments}) happen here, so tasks see only whole, verified messages. A probe of
 * dpd-service rides on the exchange in flight, or on a new empty INFORMATIONAL.
 */
final class TaskManager {

  private final IkeSa sa;
  private final SaServices s;

  /** Our requests: exchanges waiting to start; each is the tasks that build and read one request together. */
  private final Deque<List<Task>> queued = new ArrayDeque<>();
  /** The tasks of the exchange in flight (empty when none): IKE_SA_INIT is IkeInitTask + NatDetectionTask. */
  private List<Task> active = List.of();
  private long activeId;
  /** The request in flight as sent: one datagram, or its IKE fragments (RFC 7383), retransmitted together. */
  private List<byte[]> activeDatagrams;
  private final Retransmitter retransmitter;
  private long nextRequestId;

  // the peer's requests: exact window of one (§2.3)
  private long expectedRequestId;
  private final ReplyCache replies = new ReplyCache(2, ReplyCache.Keying.MESSAGE_ID_AND_DIGEST, 1);
  private byte[] lastResponse;
  /** The request {@link #lastResponse} answered: its message ID (-1: none) and digest, for checkpoints. */
  private long lastResponseId = -1;
  private byte[] lastRequestDigest;
  /** Passive tasks whose answer waits (a CRL fetch), with their request; retransmissions of it are dropped. */
  private List<Task> deferred;
  private Inbound deferredRequest;
  private byte[] deferredDigest;
  /** The Child SAs the request being answered installed: the answer waits for them ({@link InstallConfirmations}). */
  private InstallConfirmations.Gate installs;

  private final IkeFragments fragments; // RFC 7383

  /** dpd-service's probe waiting for the response of the exchange in flight (one outcome at a time). */
  private Consumer<Boolean> probe;

  TaskManager(IkeSa sa, SaServices services) {
    this.sa = sa;
    this.s = services;
    this.retransmitter = new Retransmitter(services.scheduler, services.retransmit);
    this.fragments = new IkeFragments(sa, services);
  }

  // ============================================================================ our requests

  /**
   * Queues one exchange — a task, or several that share one request (strongSwan's {@code ike_init} and
   * {@code ike_natd} in IKE_SA_INIT), all of {@code first}'s exchange type — and starts it when no other
   * exchange is in flight.
   */
  void queue(Task first, Task... more) {
    queued.add(exchange(first, more));
    pump();
  }

  /** Queues a task to start once the exchange being processed is done. */
  void enqueue(Task task) {
    queued.add(List.of(task));
  }

  /** Queues a task ahead of the others (IKE_AUTH right after IKE_SA_INIT). */
  void queueFirst(Task task) {
    queued.addFirst(List.of(task));
  }

  private static List<Task> exchange(Task first, Task... more) {
    List<Task> tasks = new ArrayList<>(List.of(first));
    for (Task t : more) {
      if (t.exchangeType() != first.exchangeType()) {
        throw new IllegalArgumentException(t.name() + " does not belong in " + first.name() + "'s exchange");
      }
      tasks.add(t);
    }
    return List.copyOf(tasks);
  }

  /** Whether a task matching {@code which} is queued or active. */
  boolean has(Predicate<Task> which) {
    return active.stream().anyMatch(which) || queued.stream().flatMap(List::stream).anyMatch(which);
  }

  /** The tasks whose request is outstanding (empty when none). */
  List<Task> active() {
    return active;
  }

  /** Starts the next queued exchange if none is in flight (the requester's window of one, §2.3). */
  void pump() {
    if (!active.isEmpty() || queued.isEmpty() || sa.state == IkeSa.State.DELETED) {
      return;
    }
    if (sa.outbound == null && queued.peek().getFirst().exchangeType() != IkeConstants.IKE_SA_INIT) {
      return; // no keys yet: waits for IKE_SA_INIT
    }
    start(queued.poll(), nextRequestId);
  }

  private void start(List<Task> tasks, long id) {
    Task t = tasks.getFirst();
    List<Payload> payloads = new ArrayList<>();
    for (Task x : tasks) {
      payloads.addAll(x.buildI(sa));
    }
    List<byte[]> datagrams;
    if (t.exchangeType() == IkeConstants.IKE_SA_INIT) {
      // §1.2: IKE_SA_INIT is not protected; SPIr is still zero
      datagrams = List.of(IkeCodec.encode(new IkeMessage(IkeHeader.of(sa.spiI, 0, IkeConstants.IKE_SA_INIT,
          IkeConstants.FLAG_INITIATOR, id), payloads)));
    } else {
      datagrams = fragments.protect(IkeHeader.of(sa.spiI, sa.spiR, t.exchangeType(), sa.requestFlags(), id),
          payloads);
    }
    if (id == nextRequestId) {
      nextRequestId++; // a new request (not IKE_SA_INIT's retry): its ID is used only once it could be built
    }
    retransmitter.stop();
    active = tasks;
    activeId = id;
    activeDatagrams = datagrams;
    tasks.forEach(x -> x.sent(sa, datagrams.getFirst()));
    s.debugLog(sa, "sending", id, () -> PayloadNames.exchange(t.exchangeType()) + " request "
        + PayloadNames.list(payloads) + " (" + names(tasks) + ")");
    sendAll(datagrams);
    if (t.retransmitted()) {
      retransmitter.start(datagrams, retransmitting(tasks));
    }
  }

  private void sendAll(List<byte[]> datagrams) {
    for (byte[] d : datagrams) {
      s.send(sa, d);
    }
  }

  private static String names(List<Task> tasks) {
    return String.join("+", tasks.stream().map(Task::name).toList());
  }

  /** Sends a request without waiting for its answer: the SA is about to go away. */
  void sendUnsolicited(List<Payload> payloads) {
    if (sa.outbound == null) {
      return;
    }
    long id = active.isEmpty() ? nextRequestId : activeId + 1;
    nextRequestId = id + 1;
    IkeHeader h = IkeHeader.of(sa.spiI, sa.spiR, IkeConstants.INFORMATIONAL, sa.requestFlags(), id);
    s.debugLog(sa, "sending", id, () -> "INFORMATIONAL request " + PayloadNames.list(payloads));
    sendAll(fragments.protect(h, payloads));
  }

  /** The schedule's events for the exchange {@code t}: resend its request, or give the SA up (§2.1). */
  private Retransmitter.Owner retransmitting(List<Task> t) {
    return new Retransmitter.Owner() {
      @Override
      public void retransmit(int n, List<byte[]> request) {
        if (active != t || sa.state == IkeSa.State.DELETED) {
          retransmitter.stop();
          return;
        }
        s.stats().retransmitted();
        s.debugLog(sa, "retransmit " + n + " of request", activeId, "");
        sendAll(request); // every fragment again (RFC 7383 §2.6.1)
      }

      @Override
      public void gaveUp(int retransmissions) {
        if (active != t || sa.state == IkeSa.State.DELETED) {
          return;
        }
        s.debugLog(sa, "giving up after " + retransmissions + " retransmits", activeId, "");
        active = List.of();
        t.forEach(x -> x.failed(sa));
        if (sa.state != IkeSa.State.DELETED) {
          s.teardown(sa, "timeout");
        }
      }
    };
  }

  // ============================================================================ inbound

  /** A message for this SA (its SPIs already matched): a response to our request or a request of the peer. */
  void receive(Datagram d, IkeMessage m) {
    if (m.header().isResponse()) {
      onResponse(d, m);
    } else {
      onRequest(d, m);
    }
  }

  private void onResponse(Datagram d, IkeMessage m) {
    IkeHeader h = m.header();
    if (active.isEmpty() || activeId != h.messageId()) {
      s.debugLog(sa, "drop unexpected response", h.messageId(), "");
      return;
    }
    if (active.getFirst().exchangeType() != h.exchangeType()) {
      return;
    }
    List<Payload> payloads;
    if (h.exchangeType() == IkeConstants.IKE_SA_INIT) {
      payloads = m.payloads();
    } else {
      payloads = open(d, m);
      if (payloads == null) {
        return;
      }
      acknowledge();
    }
    List<Task> tasks = active;
    Inbound in = new Inbound(d, h, payloads);
    s.debugLog(sa, "received", h.messageId(), () -> PayloadNames.exchange(h.exchangeType()) + " response "
        + PayloadNames.list(in.payloads()));
    for (Task t : tasks) {
      Task.Status status = t.processI(sa, in);
      if (status == Task.Status.WAIT) {
        return; // not an acceptable answer (it may be forged): the request stays outstanding
      }
      if (status == Task.Status.RETRY && sa.state != IkeSa.State.DELETED) {
        start(tasks, activeId);
        return;
      }
      if (sa.state == IkeSa.State.DELETED) {
        return;
      }
    }
    retransmitter.stop();
    if (active == tasks) {
      active = List.of();
    }
    pump();
    s.exchangeDone(sa);
  }

  /** The response in hand answers the outstanding probe: that is its acknowledgement, and the only one. */
  private void acknowledge() {
    Consumer<Boolean> p = probe;
    probe = null;
    if (p != null) {
      p.accept(true);
    } else {
      s.livenessProof(sa);
    }
  }

  private void onRequest(Datagram d, IkeMessage m) {
    IkeHeader h = m.header();
    long id = h.messageId();
    byte[] digest = ReplyCache.digest(d.msg());
    if (fragments.laterFragmentOfAnswered(m, expectedRequestId) || answeredFromCache(d, id, digest)) {
      return;
    }
    if (id != expectedRequestId) {
      s.debugLog(sa, "drop request outside the window", id, "expected " + expectedRequestId);
      return;
    }
    if (deferred != null) {
      s.debugLog(sa, "drop request while its answer waits", id, "");
      return;
    }
    List<Payload> payloads = m.payloads();
    if (h.exchangeType() != IkeConstants.IKE_SA_INIT) {
      payloads = open(d, m);
      if (payloads == null) {
        return;
      }
      digest = fragments.requestDigest(m, digest);
      s.livenessProof(sa);
    }
    Inbound in = new Inbound(d, h, payloads);
    s.debugLog(sa, "received", id, () -> PayloadNames.exchange(h.exchangeType()) + " request "
        + PayloadNames.list(in.payloads()));
    List<Task> passive = ResponderTasks.forRequest(s, sa, in);
    if (passive == null) {
      respond(h, List.of(), List.of(Payload.Notify.of(IkeConstants.INVALID_SYNTAX, new byte[0])), digest);
      return;
    }
    if (passive.isEmpty()) {
      s.debugLog(sa, "drop request nothing answers in state " + sa.state, id, "");
      return;
    }
    process(passive, in, digest);
  }

  private void process(List<Task> passive, Inbound in, byte[] digest) {
    boolean waits = false;
    for (Task t : passive) {
      waits |= t.processR(sa, in) == Task.Status.DEFERRED;
      if (sa.state == IkeSa.State.DELETED) {
        s.confirmations.drop(installs);
        installs = null;
        return;
      }
    }
    if (waits) {
      deferred = passive;
      deferredRequest = in;
      deferredDigest = digest;
      return;
    }
    List<Payload> out = new ArrayList<>();
    for (Task t : passive) {
      out.addAll(t.buildR(sa));
      for (Task ours : active) {
        if (ours.type() == t.type()) {
          ours.collide(t); // §2.8.1, §2.8.2: the active task decides when its own response comes
        }
      }
    }
    respond(in.header(), passive, out, digest);
  }

  /** {@code inboundSpi}, installed by the request being answered, must be accepted before the answer leaves. */
  void installedAsResponder(long inboundSpi) {
    installs = s.confirmations.expect(installs, inboundSpi);
  }

  /** The deferred request can be answered now: its passive tasks process it again (the CRL is in). */
  void resume() {
    if (deferred == null || sa.state == IkeSa.State.DELETED) {
      return;
    }
    List<Task> passive = deferred;
    deferred = null;
    process(passive, deferredRequest, deferredDigest);
  }

  private void respond(IkeHeader request, List<Task> passive, List<Payload> payloads, byte[] digest) {
    int flags = IkeConstants.FLAG_RESPONSE | sa.requestFlags();
    IkeHeader h = IkeHeader.of(sa.spiI, sa.spiR, request.exchangeType(), flags, request.messageId());
    List<byte[]> datagrams = request.exchangeType() == IkeConstants.IKE_SA_INIT
        ? List.of(IkeCodec.encode(new IkeMessage(h, payloads))) : fragments.protect(h, payloads);
    expectedRequestId = request.messageId() + 1;
    // a fragmented answer (RFC 7383) is kept whole: its fragments one after the other, each IKE header carrying
    // its length, so a checkpoint holds all of it and an adopter resends every fragment (§2.6.1)
    lastResponse = datagrams.size() == 1 ? datagrams.getFirst() : concat(datagrams);
    lastResponseId = request.messageId();
    lastRequestDigest = digest;
    replies.remember(request.messageId(), digest, datagrams); // answered: its retransmissions get the same bytes
    s.debugLog(sa, "sending", request.messageId(), () -> PayloadNames.exchange(request.exchangeType()) + " response "
        + PayloadNames.list(payloads));
    for (Task t : passive) {
      t.responded(sa);
    }
    // write-ahead: the state this answer moves the SA to is checkpointed (and, with scale-out, stored in the
    // cluster) before the answer leaves; an owner killed between the two leaves the peer no further than the
    // adopter (README, "Several ike-service instances")
    boolean checkpointed = sa.state != IkeSa.State.DELETED && s.exchangeDone(sa);
    Runnable answer = () -> {
      sendAll(datagrams);
      pump();
    };
    InstallConfirmations.Gate installed = installs;
    installs = null;
    // the checkpoint is stored and the forwarder confirms the new SAs at the same time; the answer waits for both
    s.confirmations.release(installed, checkpointed ? () -> s.afterCheckpoint(answer) : answer);
  }

  /** The fixed IKE header (RFC 7296 §3.1). */
  private static final int IKE_HEADER = 28;

  private static byte[] concat(List<byte[]> datagrams) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    datagrams.forEach(d -> out.write(d, 0, d.length));
    return out.toByteArray();
  }

  /**
   * The datagrams of a kept answer again: one IKE message, or fragments one after the other, split at the length
   * in each IKE header (RFC 7296 §3.1, octets 24–27). Null when the bytes do not split cleanly (a corrupt record).
   */
  static List<byte[]> split(byte[] kept) {
    List<byte[]> out = new ArrayList<>();
    int p = 0;
    while (p < kept.length) {
      if (kept.length - p < IKE_HEADER) {
        return null;
      }
      long len = ((kept[p + 24] & 0xffL) << 24) | ((kept[p + 25] & 0xff) << 16) | ((kept[p + 26] & 0xff) << 8)
          | (kept[p + 27] & 0xff);
      if (len < IKE_HEADER || len > kept.length - p) {
        return null;
      }
      out.add(java.util.Arrays.copyOfRange(kept, p, p + (int) len));
      p += (int) len;
    }
    return out.isEmpty() ? null : out;
  }

  // ============================================================================ checkpoints

  /** Both windows for a checkpoint: an exchange of ours in flight counts as sent (an adopter starts after it). */
  Windows windows() {
    boolean answered = lastResponseId >= 0 && lastRequestDigest != null;
    return new Windows(nextRequestId, expectedRequestId, answered ? lastResponseId : -1,
        answered ? lastRequestDigest : new byte[0], answered ? lastResponse : new byte[0]);
  }

  /** An adopted SA continues where its checkpoint left: the next IDs, and the last response for retransmissions. */
  void restore(Windows w) {
    nextRequestId = w.nextRequestId();
    expectedRequestId = w.expectedRequestId();
    List<byte[]> datagrams = w.lastResponse().length == 0 ? null : split(w.lastResponse());
    if (w.lastResponseId() >= 0 && w.lastRequestDigest().length > 0 && datagrams != null) {
      lastResponseId = w.lastResponseId();
      lastRequestDigest = w.lastRequestDigest();
      lastResponse = w.lastResponse();
      replies.remember(lastResponseId, lastRequestDigest, datagrams);
    }
  }

  /** The bytes of our last response (IKE_SA_INIT's: the responder's AUTH signs them, RFC 7296 §2.15). */
  byte[] lastResponse() {
    return lastResponse;
  }

  /**
   * RFC 7296 §2.1: a retransmission is bitwise identical to the request and gets our response again, no state
   * change; the answered ID with other bytes is dropped. Answered only to the SA's own peer address and port
   * (§2.11: anything else would reflect our response to a spoofer's choice); only an authenticated new message
   * moves the SA's ports (§2.23).
   *
   * @return whether the datagram was handled here (answered or dropped)
   */
  boolean answeredFromCache(Datagram d, long messageId, byte[] digest) {
    boolean fromPeer = d.peerAddress().equals(sa.peerAddress) && d.peerPort() == sa.peerPort
        && d.localPort() == sa.localPort;
    // a fragmented response (RFC 7383 §2.6.1) is resent as all its fragments, in order
    switch (replies.check(messageId, digest, fromPeer, response -> s.send(sa, response), s.stats())) {
      case RESENT -> s.debugLog(sa, "received retransmission", messageId, "resent cached response");
      case FROM_ELSEWHERE -> s.debugLog(sa, "drop retransmission from " + d.peerAddress() + ":" + d.peerPort(),
          messageId, "(the SA's peer is " + sa.peerAddress + ":" + sa.peerPort + ")");
      case ALTERED -> s.debugLog(sa, "drop request with an answered message ID but other bytes", messageId, "");
      case NEW -> {
        return false;
      }
    }
    return true;
  }

  /** Verifies and decrypts; only authenticated messages move ports or count as liveness. */
  private List<Payload> open(Datagram d, IkeMessage m) {
    if (sa.inbound == null || m.payloads().isEmpty()) {
      return null;
    }
    if (m.payloads().getLast() instanceof Payload.EncryptedFragment f) {
      return checked(d, fragments.reassemble(d, m, f)); // RFC 7383 §2.6: null until the last fragment
    }
    if (!(m.payloads().getLast() instanceof Payload.Encrypted sk)) {
      return null;
    }
    try {
      return checked(d, sa.inbound.open(d.msg(), sk));
    } catch (SkIntegrityException | IkeDecodeException e) {
      s.stats().malformed();
      s.debugLog(sa, "drop message failing SK checks: " + e.getMessage());
      return null;
    }
  }

  /** Authenticated inner payloads, refused with an unsupported critical one (§2.5); the peer's port may move. */
  private List<Payload> checked(Datagram d, List<Payload> inner) {
    if (inner == null) {
      return null;
    }
    for (Payload p : inner) {
      if (p instanceof Payload.Unknown u && u.critical()) {
        s.debugLog(sa, "unsupported critical payload " + u.payloadType());
        return null;
      }
    }
    s.nat.authenticatedFrom(sa, d);
    return inner;
  }

  // ============================================================================ liveness

  /**
   * dpd-service's probe (RFC 7296 §2.4), whose schedule is dpd-service's alone: no timer here. With an exchange
   * in flight, its response is the answer (as strongSwan does: a busy SA is checked by the exchange it runs);
   * a liveness check in flight, which only dpd-service's attempts retransmit, is resent. Otherwise an empty
   * INFORMATIONAL goes out. A newer attempt supersedes an older one, which is then answered "no".
   */
  void probe(int attempt, Consumer<Boolean> outcome) {
    if (sa.state != IkeSa.State.ESTABLISHED) {
      outcome.accept(false);
      return;
    }
    Consumer<Boolean> superseded = probe;
    probe = outcome;
    if (superseded != null) {
      superseded.accept(false);
    }
    if (active.isEmpty()) {
      if (queued.isEmpty()) {
        queued.add(List.of(new LivenessTask()));
      }
      pump();
    } else if (!active.getFirst().retransmitted()) {
      s.debugLog(sa, "retransmit", activeId, names(active) + " (attempt " + attempt + ")");
      sendAll(activeDatagrams);
    }
    if (active.isEmpty() && probe == outcome) {
      probe = null;
      outcome.accept(false);
    }
  }

  /** The SA is gone: nothing is sent or retransmitted any more; a waiting probe is answered "no". */
  void destroy() {
    retransmitter.stop();
    active = List.of();
    activeDatagrams = null;
    queued.clear();
    fragments.clear();
    deferred = null;
    replies.clear();
    Consumer<Boolean> p = probe;
    probe = null;
    if (p != null) {
      p.accept(false);
    }
  }
}
