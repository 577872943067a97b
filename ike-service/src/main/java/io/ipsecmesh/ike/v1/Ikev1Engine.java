package io.ipsecmesh.ike.v1;

import io.ipsecmesh.ike.dos.DosCounters;
import io.ipsecmesh.ike.dos.HalfOpenQuota;
import io.ipsecmesh.ike.dos.RequestDigestCache;
import io.ipsecmesh.ike.engine.RetransmitPolicy;
import io.ipsecmesh.proto.bus.IkeMessages.IkeDatagram;
import io.ipsecmesh.proto.bus.IkeMessages.LivenessProof;
import io.ipsecmesh.proto.bus.IkeMessages.PeerDown;
import io.ipsecmesh.proto.bus.SaMessages.ChildSaDeleted;
import io.ipsecmesh.proto.ikev1.IsakmpCodec;
import io.ipsecmesh.proto.ikev1.IsakmpConstants;
import io.ipsecmesh.proto.ikev1.IsakmpDecodeException;
import io.ipsecmesh.proto.ikev1.IsakmpHeader;
import io.ipsecmesh.proto.ikev1.PayloadChain;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.KeyWrap;
import io.ipsecmesh.proto.time.Scheduler;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * The IKEv1 state machine (RFC 2409 Main Mode with pre-shared keys, Quick Mode, informational
 * exchanges with DPD per RFC 3706, NAT-T per RFC 3947) for initiator and responder. It owns the
 * ISAKMP SAs and routes each datagram by cookie and exchange type to the small exchange classes, which
 * hold the protocol rules; codecs live in {@code io.ipsecmesh.proto.ikev1}. Single-threaded: call it
 * on one thread (a Vert.x context), the {@link Scheduler} runs its timers there too.
 */
public final class Ikev1Engine {

  private static final Logger LOG = Logger.getLogger(Ikev1Engine.class.getName());
  /**
   * Main Mode responder state that one unauthenticated MM1 creates is kept until the negotiation ends or
   * times out; beyond this many half-open SAs new MM1s are dropped (ISAKMP has no stateless cookie
   * exchange like IKEv2's, RFC 2408 §2.5.3 leaves the defence to the implementation).
   */
  static final int MAX_HALF_OPEN = 1024;

  final Scheduler scheduler;
  final Ikev1Listener listener;
  final KeyWrap keyWrap;
  final RetransmitPolicy retransmit;
  final SecureRandom random = new SecureRandom();
  private Consumer<IkeDatagram> transport;
  private List<Ikev1Policy> policies = List.of();
  /** ISAKMP SAs by initiator cookie (ours when we initiated, the peer's otherwise). */
  final Map<Long, IsakmpSa> sas = new LinkedHashMap<>();
  /**
   * Child SAs whose ISAKMP SA ended (lifetime, the peer's DELETE of it) by peer address. IKEv1 does not tie
   * IPsec SAs to their ISAKMP SA (RFC 2409 §5.5, IOS keeps them): they live on to their own lifetime and
   * the next ISAKMP SA with the peer adopts them, so DPD and DELETE work for them again.
   */
  final Map<String, List<ChildSa>> orphans = new LinkedHashMap<>();
  /**
   * IKEv1 conn-ids start far above IKEv2's (1000 upwards) so both engines can share the IKE SA map
   * bookkeeping, which is keyed by conn-id.
   */
  private int nextConnId = 500_000;
  DosCounters stats = DosCounters.NONE;
  /** Responder Main Modes not yet authenticated, per peer address ({@code ike-half-open-per-peer}). */
  HalfOpenQuota halfOpenPerPeer = new HalfOpenQuota(HalfOpenQuota.DEFAULT_PER_PEER);
  /** Child SAs one ISAKMP SA may negotiate ({@code ike-max-child-sas}). */
  int maxChildSas = io.ipsecmesh.ike.engine.IkeEngine.Limits.DEFAULT_MAX_CHILD_SAS;
  private volatile boolean natTransparency = true;

  public Ikev1Engine(Scheduler scheduler, Ikev1Listener listener, KeyWrap keyWrap, RetransmitPolicy retransmit,
      Consumer<IkeDatagram> transport) {
    this.scheduler = scheduler;
    this.listener = listener;
    this.keyWrap = keyWrap;
    this.retransmit = retransmit;
    this.transport = transport;
  }

  public void setPolicies(List<Ikev1Policy> policies) {
    this.policies = List.copyOf(policies);
  }

  /**
   * {@code no crypto ipsec nat-transparency udp-encapsulation} ({@code on} false) "disables NAT traversal"
   * (IPsec Data Plane guide, IPsec NAT Transparency, Disabling NAT Traversal): we neither announce NAT-T
   * (the RFC 3947 vendor ID in MM1) nor accept the peer's (no vendor ID back in MM2), so no NAT-D
   * payloads are exchanged, IKE stays on port 500 and ESP goes raw, NAT or not.
   */
  public void setNatTransparency(boolean on) {
    this.natTransparency = on;
  }

  boolean natTransparency() {
    return natTransparency;
  }

  public List<Ikev1Policy> policies() {
    return policies;
  }

  // ----------------------------------------------------------------------------------- inbound

  /** One ISAKMP datagram (non-ESP marker already removed); replies go to {@code send}. */
  public void receive(IkeDatagram in, Consumer<IkeDatagram> send) {
    this.transport = send;
    IsakmpHeader h;
    try {
      h = IsakmpCodec.decodeHeader(in.message());
    } catch (IsakmpDecodeException e) {
      LOG.fine(() -> "ISAKMP: dropped datagram from " + in.peerAddress() + ": " + e.getMessage());
      return;
    }
    IsakmpSa sa = sas.get(h.initiatorCookie());
    if (sa != null && !sa.peerAddress.equals(in.peerAddress())) {
      // a cookie we know, from somebody else: not ours to answer (RFC 2408 §2.5.3 anti-clogging)
      return;
    }
    if (sa != null && sa.cookieR != 0 && h.responderCookie() != 0 && sa.cookieR != h.responderCookie()) {
      return;
    }
    byte[] digest = digest(in.message());
    byte[] cached = sa == null ? null : sa.replies.responseTo(digest);
    if (cached != null) {
      // RFC 2408 §5: the peer did not get our answer; send the same bytes again, change no state. Only to
      // the SA's own peer port: a copy from elsewhere (a replay with a spoofed source) reflects nothing
      if (in.peerPort() != sa.peerPort || in.localPort() != sa.localPort) {
        stats.requestDropped(1, DosCounters.RETRANSMISSION_FROM_ELSEWHERE);
        return;
      }
      stats.retransmissionAnswered(1);
      transmit(sa, cached);
      return;
    }
    try {
      switch (h.exchangeType()) {
        case IsakmpConstants.EXCH_IDENTITY_PROTECTION -> mainMode(sa, in, h, digest);
        case IsakmpConstants.EXCH_QUICK_MODE -> {
          if (sa != null && sa.established()) {
            QuickModeExchange.receive(this, sa, in, h, digest);
          }
        }
        case IsakmpConstants.EXCH_INFORMATIONAL -> {
          if (sa != null) {
            InformationalExchange.receive(this, sa, in, h);
          }
        }
        default -> LOG.fine(() -> "ISAKMP: exchange type " + h.exchangeType() + " not supported");
      }
    } catch (IsakmpDecodeException e) {
      LOG.fine(() -> "ISAKMP: malformed message from " + in.peerAddress() + ": " + e.getMessage());
    }
  }

  private void mainMode(IsakmpSa sa, IkeDatagram in, IsakmpHeader h, byte[] digest) throws IsakmpDecodeException {
    if (sa == null) {
      if (h.responderCookie() != 0 || h.encrypted()) {
        return;
      }
      Ikev1Policy policy = policyForPeer(in.peerAddress());
      if (policy == null) {
        LOG.info(() -> "ISAKMP: no crypto isakmp key / crypto map for peer " + in.peerAddress());
        return;
      }
      if (halfOpen() >= MAX_HALF_OPEN) {
        LOG.warning(() -> "ISAKMP: " + MAX_HALF_OPEN + " half-open Main Modes, MM1 from " + in.peerAddress()
            + " dropped");
        return;
      }
      if (!halfOpenPerPeer.admits(in.peerAddress())) {
        // RFC 8019 §4 (written for IKEv2, the same flood works on Main Mode): one address, bounded state
        stats.requestDropped(1, DosCounters.HALF_OPEN_PEER_QUOTA);
        LOG.fine(() -> "ISAKMP: half-open quota of " + in.peerAddress() + " reached, MM1 dropped");
        return;
      }
      PayloadChain chain = IsakmpCodec.decode(in.message());
      MainModeResponder.onMm1(this, policy, in, h, chain, digest);
      return;
    }
    if (sa.initiator) {
      MainModeInitiator.receive(this, sa, in, h);
    } else {
      MainModeResponder.receive(this, sa, in, h, digest);
    }
  }

  private int halfOpen() {
    int n = 0;
    for (IsakmpSa sa : sas.values()) {
      if (!sa.initiator && !sa.established()) {
        n++;
      }
    }
    return n;
  }

  Ikev1Policy policyForPeer(String peerAddress) {
    for (Ikev1Policy p : policies) {
      if (p.peerAddress().equals(peerAddress)) {
        return p;
      }
    }
    return null;
  }

  // ---------------------------------------------------------------------------------- commands

  /**
   * Negotiate a Child SA for this policy: Quick Mode on an established ISAKMP SA with the peer, else
   * Main Mode first. Returns false when a negotiation with the peer is already running.
   */
  public boolean initiate(Ikev1Policy policy) {
    IsakmpSa existing = findByPeer(policy.peerAddress());
    if (existing != null && existing.established()) {
      QuickModeExchange.start(this, existing, 0);
      return true;
    }
    if (existing != null) {
      existing.quickModeWanted = true;
      return false;
    }
    MainModeInitiator.start(this, policy, true);
    return true;
  }

  /**
   * RFC 3706 R-U-THERE with the next sequence number; {@code outcome} gets true on the matching ACK.
   * Never to a peer that did not send the DPD vendor ID (§5.1: both peers MUST have sent it before DPD
   * exchanges begin): that probe fails at once, without a message.
   */
  public void probe(String ikeSaId, long timeoutMillis, Consumer<Boolean> outcome) {
    IsakmpSa sa = findById(ikeSaId);
    if (sa == null || !sa.established()) {
      outcome.accept(false);
      return;
    }
    if (!sa.peerDpd) {
      LOG.info(() -> "ISAKMP: peer " + sa.peerAddress + " did not announce DPD (RFC 3706 §5.1), no R-U-THERE sent");
      outcome.accept(false);
      return;
    }
    InformationalExchange.sendProbe(this, sa, timeoutMillis, outcome);
  }

  /**
   * The forwarder's soft lifetime: a new Quick Mode; the old Child SA is deleted when the new one is up.
   * An orphaned Child SA (no ISAKMP SA) gets a new Main Mode + Quick Mode and ends at its hard lifetime.
   */
  public boolean rekeyChild(long inboundSpi) {
    for (IsakmpSa sa : sas.values()) {
      for (ChildSa c : sa.children) {
        if (c.inboundSpi() == inboundSpi) {
          if (sa.established()) {
            QuickModeExchange.start(this, sa, inboundSpi);
            return true;
          }
          return false;
        }
      }
    }
    for (List<ChildSa> list : orphans.values()) {
      for (ChildSa c : list) {
        Ikev1Policy p = c.inboundSpi() == inboundSpi ? policyForPeer(c.peerAddress()) : null;
        if (p != null) {
          return initiate(p);
        }
      }
    }
    return false;
  }

  /** Delete one Child SA (hard lifetime, idle timer): DELETE to the peer, then the event. */
  public void deleteChild(long inboundSpi, String reason) {
    for (IsakmpSa sa : List.copyOf(sas.values())) {
      for (ChildSa c : List.copyOf(sa.children)) {
        if (c.inboundSpi() == inboundSpi) {
          if (sa.established()) {
            InformationalExchange.sendDeleteEsp(this, sa, List.of(c));
          }
          removeChild(sa, c, reason);
        }
      }
    }
    for (List<ChildSa> list : orphans.values()) {
      for (ChildSa c : List.copyOf(list)) {
        if (c.inboundSpi() == inboundSpi) {
          // no ISAKMP SA to carry a DELETE: the peer's copy ends at its own lifetime
          list.remove(c);
          childGone(c, reason);
        }
      }
    }
  }

  /**
   * The forwarder reports a Child SA idle for its {@code idle-time}: delete it, and when it was the last
   * IPsec SA to that peer delete the ISAKMP SA as well (seed, "IPsec Security Association Idle Timers":
   * "If the last IPsec SA to a given peer is deleted due to idle timer expiration, the IKE SA to that peer
   * will also be deleted"). Returns false when the SPI is not one of ours.
   */
  public boolean idleChild(long inboundSpi) {
    String peer = null;
    for (IsakmpSa sa : sas.values()) {
      for (ChildSa c : sa.children) {
        if (c.inboundSpi() == inboundSpi) {
          peer = sa.peerAddress;
        }
      }
    }
    for (Map.Entry<String, List<ChildSa>> e : orphans.entrySet()) {
      for (ChildSa c : e.getValue()) {
        if (c.inboundSpi() == inboundSpi) {
          peer = e.getKey();
        }
      }
    }
    if (peer == null) {
      return false;
    }
    deleteChild(inboundSpi, "idle");
    String p = peer;
    boolean last = sas.values().stream().noneMatch(sa -> sa.peerAddress.equals(p) && !sa.children.isEmpty())
        && orphans.getOrDefault(p, List.of()).isEmpty();
    if (last) {
      clear(p, "idle");
    }
    return true;
  }

  /**
   * {@code clear crypto session [remote X]} and DPD's verdict: delete ISAKMP and Child SAs with DELETEs.
   * Returns how many ISAKMP SAs and Child SAs went, as {@code show}/{@code clear} report them.
   */
  public int[] clear(String peerAddress, String reason) {
    int isakmp = 0;
    int child = 0;
    for (IsakmpSa sa : List.copyOf(sas.values())) {
      if (peerAddress == null || sa.peerAddress.equals(peerAddress)) {
        isakmp++;
        child += sa.children.size();
        deleteSa(sa, reason, true);
      }
    }
    return new int[] {isakmp, child + dropOrphans(peerAddress, reason)};
  }

  private int dropOrphans(String peerAddress, String reason) {
    int n = 0;
    for (String peer : List.copyOf(orphans.keySet())) {
      if (peerAddress == null || peer.equals(peerAddress)) {
        List<ChildSa> gone = orphans.remove(peer);
        gone.forEach(c -> childGone(c, reason));
        n += gone.size();
      }
    }
    return n;
  }

  /**
   * {@code crypto isakmp invalid-spi-recovery}: ESP arrived with an SPI we do not know. Tell the peer
   * with a protected INVALID-SPI notify (RFC 2408 §3.14.1) over an ISAKMP SA, building one first when
   * there is none (that is the "recovery": the peer learns its SA is stale). Returns false when the
   * peer is not an IKEv1 peer of ours.
   */
  public boolean invalidSpi(String peerAddress, long spi) {
    return invalidSpi(peerAddress, spi, true);
  }

  /**
   * INVALID-SPI over an established ISAKMP SA always (IOS's default); a new ISAKMP SA for it only with
   * {@code crypto isakmp invalid-spi-recovery} ({@code recovery}).
   */
  public boolean invalidSpi(String peerAddress, long spi, boolean recovery) {
    IsakmpSa sa = findByPeer(peerAddress);
    if (sa != null && sa.established()) {
      InformationalExchange.send(this, sa, List.of(new io.ipsecmesh.proto.ikev1.IsakmpPayload.Notification(
          IsakmpConstants.DOI_IPSEC, IsakmpConstants.PROTO_IPSEC_ESP, IsakmpConstants.N_INVALID_SPI,
          IsakmpCodec.uint32(spi), new byte[0])));
      return true;
    }
    Ikev1Policy p = policyForPeer(peerAddress);
    if (p == null || !recovery) {
      return false;
    }
    if (sa == null) {
      MainModeInitiator.start(this, p, false).pendingInvalidSpi = spi;
    }
    return true;
  }

  /** The ISAKMP SA id ({@code cookieI:cookieR}) of an SA with this peer, or null. */
  public String ikeSaIdFor(String peerAddress) {
    IsakmpSa sa = findByPeer(peerAddress);
    return sa == null ? null : sa.id();
  }

  public int activeSaCount() {
    return sas.size();
  }

  // ------------------------------------------------------------------------- used by exchanges

  /** The newest established SA with the peer, else one in negotiation, else null. */
  IsakmpSa findByPeer(String peerAddress) {
    IsakmpSa found = null;
    for (IsakmpSa sa : sas.values()) {
      if (sa.peerAddress.equals(peerAddress) && sa.state != IsakmpSa.Phase1State.DEAD
          && (found == null || sa.established() || !found.established())) {
        found = sa;
      }
    }
    return found;
  }

  /** Whether we hold nothing with this peer but {@code sa}: then our MM5 says INITIAL-CONTACT. */
  boolean freshWith(IsakmpSa sa) {
    return sas.values().stream().noneMatch(o -> o != sa && o.peerAddress.equals(sa.peerAddress))
        && !orphans.containsKey(sa.peerAddress);
  }

  /** By {@code cookieI:cookieR} in hex: the initiator cookie is the table key. */
  IsakmpSa findById(String id) {
    if (id == null || id.length() != 33 || id.charAt(16) != ':') {
      return null;
    }
    try {
      IsakmpSa sa = sas.get(Long.parseUnsignedLong(id.substring(0, 16), 16));
      return sa != null && sa.id().equals(id) ? sa : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  long newCookie() {
    long c;
    do {
      c = random.nextLong();
    } while (c == 0 || sas.containsKey(c));
    return c;
  }

  /** A message ID that is neither 0 nor one this SA already used. */
  long newMessageId(IsakmpSa sa) {
    long m;
    do {
      m = random.nextInt() & 0xffffffffL;
    } while (m == 0 || sa.quickModes.containsKey(m) || sa.answered.containsKey(m));
    return m;
  }

  /** A new SA joins the table with its conn-id and its first {@code show crypto isakmp sa} row. */
  void register(IsakmpSa sa) {
    sa.connId = nextConnId++;
    sas.put(sa.cookieI, sa);
  }

  /** Phase-1 state moved on: the row of {@code show crypto isakmp sa} follows. */
  void state(IsakmpSa sa, IsakmpSa.Phase1State state) {
    sa.state = state;
    listener.summaryChanged(sa.summary());
  }

  void transmit(IsakmpSa sa, byte[] message) {
    transport.accept(new IkeDatagram(sa.localAddress, sa.localPort, sa.peerAddress, sa.peerPort, message));
  }

  /** Send a request and retransmit it until {@link #answered(IsakmpSa)} or the policy gives up. */
  void request(IsakmpSa sa, byte[] message) {
    answered(sa);
    sa.outstanding = message;
    sa.retransmissions = 0;
    transmit(sa, message);
    armRetransmit(sa);
  }

  private void armRetransmit(IsakmpSa sa) {
    sa.retransmitTimer = scheduler.schedule(retransmit.delayBefore(sa.retransmissions), () -> {
      if (sa.outstanding == null || sa.state == IsakmpSa.Phase1State.DEAD) {
        return;
      }
      if (sa.retransmissions >= retransmit.tries()) {
        LOG.info(() -> "ISAKMP: no answer from " + sa.peerAddress + " after " + retransmit.tries()
            + " retransmissions");
        fail(sa, "retransmissions-exceeded");
        return;
      }
      sa.retransmissions++;
      transmit(sa, sa.outstanding);
      armRetransmit(sa);
    });
  }

  void answered(IsakmpSa sa) {
    sa.outstanding = null;
    if (sa.retransmitTimer != null) {
      sa.retransmitTimer.cancel();
      sa.retransmitTimer = null;
    }
  }

  /** Send the answer to a request and remember both, for the peer's retransmissions of the request. */
  void reply(IsakmpSa sa, byte[] requestDigest, byte[] message) {
    sa.replies.remember(IsakmpCodec.getUint32(message, 20), requestDigest, message);
    transmit(sa, message);
  }

  /**
   * An authenticated message came from {@code in}'s address and port. Behind a NAT the mapping may have
   * changed (RFC 3947 §5.2 / RFC 3948 §3.2: use the ports of the last authenticated message): the ISAKMP
   * SA and its UDP-encapsulated Child SAs move to the new port.
   */
  void authenticatedFrom(IsakmpSa sa, IkeDatagram in) {
    if (!sa.natDetected || in.peerPort() == sa.peerPort || !in.peerAddress().equals(sa.peerAddress)) {
      return;
    }
    LOG.info(() -> "ISAKMP: peer " + sa.peerAddress + " moved from port " + sa.peerPort + " to " + in.peerPort());
    sa.peerPort = in.peerPort();
    sa.localPort = in.localPort();
    moveChildren(sa);
  }

  /**
   * {@code fwd.nat-mapping}: the forwarder followed a new port of the peer seen only in authenticated ESP
   * of the Child SA {@code inboundSpi}; the ISAKMP SA and its UDP-encapsulated Child SAs move there as they
   * would for an authenticated ISAKMP message ({@link #authenticatedFrom}). IKEv1's NAT-D result does not
   * say which side is behind the NAT, so this follows as the ISAKMP path does. False when the SPI is not an
   * IKEv1 Child SA.
   */
  public boolean natMappingSeenInEsp(long inboundSpi, String peerAddress, int peerPort) {
    for (IsakmpSa sa : sas.values()) {
      for (ChildSa c : sa.children) {
        if (c.inboundSpi() == inboundSpi) {
          if (sa.natDetected && c.udpEncapsulation() && peerPort > 0 && peerAddress.equals(sa.peerAddress)
              && sa.state == IsakmpSa.Phase1State.ESTABLISHED
              && (sa.peerPort != peerPort || c.peerPort() != peerPort)) {
            LOG.info(() -> "ISAKMP: peer " + sa.peerAddress + " moved from port " + sa.peerPort + " to " + peerPort
                + " (seen in ESP)");
            sa.peerPort = peerPort;
            moveChildren(sa);
          }
          return true;
        }
      }
    }
    return false;
  }

  private void moveChildren(IsakmpSa sa) {
    for (int i = 0; i < sa.children.size(); i++) {
      ChildSa c = sa.children.get(i);
      if (c.udpEncapsulation()) {
        ChildSa moved = ChildSas.withPeerPort(c, sa.peerPort);
        sa.children.set(i, moved);
        listener.childSaRebound(moved);
      }
    }
    listener.summaryChanged(sa.summary());
  }

  void liveness(IsakmpSa sa) {
    listener.livenessProof(new LivenessProof(sa.id(), sa.peerAddress));
  }

  /** A responder's Main Mode kept state for an unauthenticated MM1: it counts against the peer's quota. */
  void openedHalfOpen(IsakmpSa sa) {
    sa.halfOpen = true;
    halfOpenPerPeer.opened(sa.peerAddress);
  }

  /** Authenticated or gone: no longer half-open (once). */
  private void leftHalfOpen(IsakmpSa sa) {
    if (sa.halfOpen) {
      sa.halfOpen = false;
      halfOpenPerPeer.closed(sa.peerAddress);
    }
  }

  void established(IsakmpSa sa) {
    leftHalfOpen(sa);
    state(sa, IsakmpSa.Phase1State.ESTABLISHED);
    sa.establishedAtMillis = scheduler.nowMillis();
    answered(sa);
    // phase-1 lifetime (crypto isakmp policy … lifetime): the ISAKMP SA ends, Child SAs keep their own
    sa.lifetimeTimer = scheduler.schedule(sa.suite.lifetimeSeconds() * 1000, () -> expire(sa));
    listener.peerUp(new io.ipsecmesh.proto.bus.IkeMessages.PeerUp(sa.id(), sa.peerAddress, sa.peerPort,
        sa.peerId, 1, sa.policy.cryptoMap(), sa.policy.mapSequence()));
    LOG.info(() -> "ISAKMP: SA " + sa.id() + " with " + sa.peerAddress + " established (" + sa.suite
        + (sa.natDetected ? ", NAT-T" : "") + ")");
    // make before break: the SA this one replaces hands over its Child SAs, then goes with a DELETE
    IsakmpSa old = sa.replaces;
    sa.replaces = null;
    if (old != null && old.state != IsakmpSa.Phase1State.DEAD) {
      adopt(sa, List.copyOf(old.children));
      old.children.clear();
      retire(old, "reauthenticated");
    }
    List<ChildSa> waiting = orphans.remove(sa.peerAddress);
    if (waiting != null) {
      adopt(sa, waiting);
    }
    if (sa.pendingInvalidSpi != 0) {
      long spi = sa.pendingInvalidSpi;
      sa.pendingInvalidSpi = 0;
      invalidSpi(sa.peerAddress, spi);
    }
  }

  private void adopt(IsakmpSa sa, List<ChildSa> children) {
    for (ChildSa c : children) {
      ChildSa rebound = ChildSas.rebind(c, sa.id());
      sa.children.add(rebound);
      listener.childSaRebound(rebound);
    }
  }

  /**
   * The phase-1 lifetime ({@code crypto isakmp policy … lifetime}) ended. With Child SAs, an initiator
   * first builds a new ISAKMP SA that adopts them (IOS and strongSwan re-authenticate the same way);
   * otherwise the SA goes with a DELETE and its Child SAs live on as orphans.
   */
  private void expire(IsakmpSa sa) {
    if (sa.state == IsakmpSa.Phase1State.DEAD) {
      return;
    }
    if (sa.initiator && !sa.children.isEmpty()) {
      IsakmpSa next = MainModeInitiator.start(this, sa.policy, false);
      next.replaces = sa;
      return;
    }
    retire(sa, "isakmp-lifetime-expired");
  }

  /** DELETE of the ISAKMP SA to the peer; its Child SAs are kept (as orphans until adopted). */
  void retire(IsakmpSa sa, String reason) {
    if (sa.established()) {
      InformationalExchange.sendDeleteIsakmp(this, sa);
    }
    detach(sa, reason);
  }

  /** Forget the ISAKMP SA without a message, keeping its Child SAs (the peer deleted the ISAKMP SA). */
  void detach(IsakmpSa sa, String reason) {
    if (sa.state == IsakmpSa.Phase1State.DEAD) {
      return;
    }
    if (!sa.children.isEmpty()) {
      orphans.computeIfAbsent(sa.peerAddress, p -> new java.util.ArrayList<>()).addAll(sa.children);
      sa.children.clear();
    }
    leftHalfOpen(sa);
    sas.remove(sa.cookieI);
    sa.destroy();
    listener.ikeSaDown(sa.summary(), reason);
    listener.peerDown(new PeerDown(sa.id(), sa.peerAddress, sa.peerPort, sa.peerId, reason));
  }

  /** A negotiation that cannot complete: forget the SA, tell the listener. */
  void fail(IsakmpSa sa, String reason) {
    IsakmpSa old = sa.replaces;
    deleteSa(sa, "negotiation-failed: " + reason, false);
    if (old != null) {
      // re-authentication failed: the expired SA goes now, its Child SAs to their own lifetime
      retire(old, "isakmp-lifetime-expired");
    }
  }

  void deleteSa(IsakmpSa sa, String reason, boolean notifyPeer) {
    if (sa.state == IsakmpSa.Phase1State.DEAD) {
      return;
    }
    if (notifyPeer && sa.established()) {
      if (!sa.children.isEmpty()) {
        InformationalExchange.sendDeleteEsp(this, sa, sa.children);
      }
      InformationalExchange.sendDeleteIsakmp(this, sa);
    }
    for (ChildSa c : List.copyOf(sa.children)) {
      removeChild(sa, c, reason);
    }
    leftHalfOpen(sa);
    sas.remove(sa.cookieI);
    sa.destroy();
    listener.ikeSaDown(sa.summary(), reason);
    listener.peerDown(new PeerDown(sa.id(), sa.peerAddress, sa.peerPort, sa.peerId, reason));
  }

  void addChild(IsakmpSa sa, ChildSa child) {
    sa.children.add(child);
    listener.childSaEstablished(child);
  }

  void removeChild(IsakmpSa sa, ChildSa c, String reason) {
    if (sa.children.remove(c)) {
      childGone(c, reason);
    }
  }

  private void childGone(ChildSa c, String reason) {
    listener.childSaDeleted(new ChildSaDeleted(c.inboundSpi(), c.outboundSpi(), c.peerAddress(), reason));
  }

  /** RFC 2409 §5: INITIAL-CONTACT from a peer means it lost its state: ours with it is stale. */
  void initialContact(IsakmpSa current) {
    for (IsakmpSa other : new ArrayList<>(sas.values())) {
      if (other != current && other.peerAddress.equals(current.peerAddress)) {
        deleteSa(other, "initial-contact", false);
      }
    }
    dropOrphans(current.peerAddress, "initial-contact");
  }

  static byte[] digest(byte[] message) {
    return RequestDigestCache.digest(message);
  }
}
