package io.ipsecmesh.ike.engine;

import io.ipsecmesh.proto.esp.EspHeader;

import io.ipsecmesh.ike.seam.IkeEventSink;
import io.ipsecmesh.ike.crypto.ChildKeymat;
import io.ipsecmesh.ike.crypto.CrlSource;
import io.ipsecmesh.ike.crypto.IkeSaKeys;
import io.ipsecmesh.ike.crypto.IkeSuite;
import io.ipsecmesh.ike.dos.CookieSecret;
import io.ipsecmesh.ike.exchange.Proposals;
import io.ipsecmesh.ike.policy.PeerPolicy;
import io.ipsecmesh.ike.policy.PolicyStore;
import io.ipsecmesh.ike.seam.DebugTrace;
import io.ipsecmesh.proto.bus.MgmtMessages;
import io.ipsecmesh.proto.ike.IkeDecodeException;
import io.ipsecmesh.proto.ikev2.IkeHeader;
import io.ipsecmesh.proto.bus.SaMessages.ChildSaDeleted;
import io.ipsecmesh.proto.ikev2.IkeCodec;
import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.ikev2.Payload;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.KeyWrap;
import io.ipsecmesh.proto.time.Scheduler;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * What tasks and task managers share across the IKE SAs of one engine (strongSwan's daemon-wide services
 * plus the {@code ike_sa_t} operations its tasks call): the SA table and SPI allocation, the outside world
 * ({@link Transport}, {@link IkeEventSink}, {@link PolicyStore}, CRLs), timers, randomness, and the operations
 * on an IKE SA that several tasks perform — establishing it, installing and removing Child SAs, handing
 * them to a rekeyed IKE SA, deleting it. Single-threaded like the engine: the verticle's event loop only.
 */
final class SaServices {

  static final System.Logger LOG = System.getLogger("io.ipsecmesh.ike");
  static final int NONCE_BYTES = 32;

  final Scheduler scheduler;
  final Transport transport;
  final IkeEventSink events;
  final PolicyStore policies;
  final RetransmitPolicy retransmit;
  final IkeEngine.Limits limits;
  final IkeSaTable table;
  final CookieJar cookies;
  final NatMobility nat;
  final InvalidSpiRecovery invalidSpis;
  final InstallConfirmations confirmations;
  private final ChildSaFactory childFactory;
  private final SecureRandom random = new SecureRandom();
  private final LongSupplier wallClock;
  private CrlSource crls = CrlSource.NONE;
  /** {@code crypto ikev2 fragmentation}: null when off (RFC 7383 not offered). */
  private io.ipsecmesh.proto.config.Ikev2Fragmentation fragmentation;
  private CheckpointSink checkpoints = CheckpointSink.NONE;
  /** This ike-service instance, named in checkpoints it writes. */
  private String instanceId = "";
  /** Which IKE SPIs this instance may choose as initiator (it owns them, {@code IkeOwnership}); all by default. */
  private java.util.function.LongPredicate ownSpi = spi -> true;
  private EngineStats stats = EngineStats.NONE;
  private int nextConnId = 1000;
  /** {@code debug crypto ikev2}: this engine's IOS-style trace ({@link Ikev2Debug}). */
  final DebugTrace trace = new DebugTrace(MgmtMessages.Facility.IKEV2, "io.ipsecmesh.ike");

  SaServices(Scheduler scheduler, Transport transport, IkeEventSink events, PolicyStore policies, KeyWrap keyWrap,
      RetransmitPolicy retransmit, IkeEngine.Limits limits, LongSupplier wallClock) {
    this.scheduler = scheduler;
    this.transport = transport;
    this.events = events;
    this.policies = policies;
    this.retransmit = retransmit;
    this.limits = limits;
    this.wallClock = wallClock;
    this.childFactory = new ChildSaFactory(keyWrap);
    this.table = new IkeSaTable(new io.ipsecmesh.ike.dos.HalfOpenQuota(limits.maxHalfOpenPerPeer()));
    this.cookies = new CookieJar(new CookieSecret(random, scheduler::nowMillis, CookieSecret.DEFAULT_LIFETIME_MILLIS));
    this.nat = new NatMobility(this);
    this.invalidSpis = new InvalidSpiRecovery(this, scheduler::nowMillis);
    this.confirmations = new InstallConfirmations(scheduler, () -> stats);
  }

  // ============================================================================ settings

  void setStats(EngineStats stats) {
    this.stats = stats;
  }

  EngineStats stats() {
    return stats;
  }

  void setCrlSource(CrlSource crls) {
    this.crls = crls;
  }

  CrlSource crls() {
    return crls;
  }

  void setFragmentation(io.ipsecmesh.proto.config.Ikev2Fragmentation f) {
    fragmentation = f;
  }

  io.ipsecmesh.proto.config.Ikev2Fragmentation fragmentation() {
    return fragmentation;
  }

  void setCheckpoints(CheckpointSink sink, String instanceId, java.util.function.LongPredicate ownSpi) {
    this.checkpoints = sink;
    this.instanceId = instanceId;
    this.ownSpi = ownSpi;
  }

  void setDebug(boolean on) {
    trace.set(on);
  }

  // ============================================================================ a new IKE SA

  /** A new IKE SA with its task manager (not yet in the table). */
  IkeSa newSa(boolean initiator, long spiI, PeerPolicy policy, String localAddress, int localPort,
      String peerAddress, int peerPort) {
    return newSa(initiator, spiI, policy, nextConnId++, localAddress, localPort, peerAddress, peerPort,
        wallClock.getAsLong());
  }

  /** An IKE SA another instance created (adopted from its checkpoint): its conn-id and creation time stay. */
  IkeSa newSa(boolean initiator, long spiI, PeerPolicy policy, int connId, String localAddress, int localPort,
      String peerAddress, int peerPort, long createdEpochMillis) {
    IkeSa sa = new IkeSa(initiator, spiI, policy, connId, localAddress, localPort, peerAddress, peerPort,
        createdEpochMillis);
    sa.tasks = new TaskManager(sa, this);
    sa.owner = instanceId.isEmpty() ? null : instanceId;
    nextConnId = Math.max(nextConnId, connId + 1);
    return sa;
  }

  /** Keys of an IKE SA from IKE_SA_INIT's shared secret (RFC 7296 §2.14); the secret is zeroed. */
  void installKeys(IkeSa sa, byte[] secret) {
    try {
      sa.keys = IkeSaKeys.derive(sa.suite, secret, sa.ni, sa.nr, sa.spiI, sa.spiR);
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
    sa.outbound = sa.initiator ? sa.keys.initiatorCipher() : sa.keys.responderCipher();
    sa.inbound = sa.initiator ? sa.keys.responderCipher() : sa.keys.initiatorCipher();
    sa.dh = null; // the private value is not needed any more (an initiator's retry makes a new one)
  }

  /** IKE_AUTH completed (or a rekey created the SA): up, with its lifetime running. */
  void established(IkeSa sa) {
    sa.state = IkeSa.State.ESTABLISHED;
    table.leftHalfOpen(sa);
    table.identified(sa); // INITIAL_CONTACT finds it by address and identity
    debugLog(sa, "IKE SA established with " + sa.peerId + " (" + sa.suite.name() + ")");
    long life = sa.policy.ikeLifetimeSeconds();
    if (life > 0) {
      sa.rekeyAtEpochMillis = now() + life * 1000;
      armRekey(sa);
    }
    events.ikeSaUp(sa.summary("ACTIVE"), sa.policy.cryptoMap(), sa.policy.mapSequence());
    invalidSpis.established(sa);
    events.summaryChanged(sa.summary("ACTIVE"));
  }

  /**
   * Rekey (§2.8) when the lifetime runs out, at the SA's absolute rekey time (an adopted SA keeps its
   * schedule); the Child SAs move to the new IKE SA.
   */
  void armRekey(IkeSa sa) {
    if (sa.rekeyAtEpochMillis <= 0) {
      return;
    }
    sa.lifetimeTimer = schedule(Math.max(0, sa.rekeyAtEpochMillis - now()), () -> {
      if (sa.state == IkeSa.State.ESTABLISHED && sa.rekeyedTo == null) {
        sa.tasks.queue(new IkeRekeyTask(this));
      }
    });
  }

  // ============================================================================ checkpoints

  /**
   * An exchange of {@code sa} completed (its task manager's one hook): the state it leaves is checkpointed —
   * that of the IKE SA a rekey just created when this one was replaced, none while not established. @return
   * whether a checkpoint was written
   */
  boolean exchangeDone(IkeSa sa) {
    IkeSa current = sa.rekeyedTo != null ? sa.rekeyedTo : sa;
    if (checkpoints == CheckpointSink.NONE || current.state != IkeSa.State.ESTABLISHED || current.rekeyedTo != null) {
      return false;
    }
    try {
      current.checkpointGeneration++;
      checkpoints.write(IkeSaCheckpoints.capture(current, instanceId));
      return true;
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "IKEv2: checkpoint of " + current.id() + " failed: " + e);
      return false;
    }
  }

  /** Runs {@code send} once the checkpoints written so far are stored ({@link CheckpointSink#afterStored}). */
  void afterCheckpoint(Runnable send) {
    checkpoints.afterStored(send);
  }

  // ============================================================================ a new IKE SA

  /** Keys and state of {@code n}, the IKE SA that rekeying {@code old} created (§2.18); registers it. */
  void rekeyed(IkeSa old, IkeSa n, IkeSuite suite, byte[] secret) {
    n.suite = suite;
    try {
      n.keys = IkeSaKeys.deriveRekey(old.suite.prf(), old.keys.skD, suite, secret, n.ni, n.nr, n.spiI, n.spiR);
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
    n.outbound = n.initiator ? n.keys.initiatorCipher() : n.keys.responderCipher();
    n.inbound = n.initiator ? n.keys.responderCipher() : n.keys.initiatorCipher();
    n.natDetected = old.natDetected;
    n.fragmentation = old.fragmentation; // negotiated in IKE_SA_INIT (RFC 7383 §2.3), kept by the rekeyed SA
    n.localBehindNat = old.localBehindNat;
    n.peerId = old.peerId;
    table.add(n);
    established(n);
  }

  /** Keys for the new IKE SA {@code n}, which inherits the old one's Child SAs, peer and ports. */
  void takeOver(IkeSa old, IkeSa n, IkeSuite suite, byte[] secret) {
    rekeyed(old, n, suite, secret);
    moveChildren(old, n);
    debugLog(n, "IKE SA rekeyed: " + old.id() + " -> " + n.id() + " (" + suite.name() + ")");
  }

  /** The Child SAs of {@code from} now belong to {@code to}; {@code from} only waits for its deletion. */
  void moveChildren(IkeSa from, IkeSa to) {
    from.rekeyedTo = to;
    for (ChildSaState c : List.copyOf(from.children)) {
      ChildSaState moved = new ChildSaState(ChildSaFactory.rebind(c.sa(), to.id()));
      to.children.add(moved);
      table.childAdded(moved.inboundSpi(), to);
      events.childSaRebound(moved.sa());
    }
    from.children.clear();
  }

  // ============================================================================ Child SAs

  /**
   * A Child SA negotiated by IKE_AUTH or CREATE_CHILD_SA: KEYMAT from SK_d (RFC 7296 §2.17), oriented by the
   * exchange's initiator, PFS secret zeroed, keys wrapped at once.
   */
  ChildSa installChild(IkeSa sa, boolean exchangeInitiator, Proposals.EspChoice choice, ChildSa.Mode mode,
      long inboundSpi, List<Payload.Selector> tsi, List<Payload.Selector> tsr, byte[] pfsSecret, byte[] ni,
      byte[] nr) {
    long outboundSpi = IkeCodec.getUint32(choice.peerSpi(), 0);
    ChildKeymat keymat;
    try {
      keymat = ChildKeymat.derive(sa.suite.prf(), sa.keys.skD, choice.transform(), pfsSecret, ni, nr);
    } finally {
      if (pfsSecret != null) {
        Arrays.fill(pfsSecret, (byte) 0);
      }
    }
    ChildSa child = childFactory.build(sa, exchangeInitiator, choice.transform(), choice.esn(), mode, inboundSpi,
        outboundSpi, keymat, tsi, tsr, wallClock.getAsLong());
    sa.children.add(new ChildSaState(child));
    table.childAdded(inboundSpi, sa);
    if (trace.on()) { // the text is made only for the trace: otherwise a String.format per Child SA
      debugLog(sa, String.format("CHILD_SA established with SPIs %08x_i %08x_o (%s%s) TS %s === %s", inboundSpi,
          outboundSpi, choice.transform().iosName, choice.esn() ? ", ESN" : "", child.localSelectors(),
          child.remoteSelectors()));
    }
    if (!exchangeInitiator) {
      sa.tasks.installedAsResponder(inboundSpi); // RFC 7296 §2.8: the answer waits until the forwarder has it
    }
    events.childSaInstalled(child);
    return child;
  }

  void removeChild(IkeSa sa, ChildSaState c, String reason) {
    sa.children.remove(c);
    table.releaseChildSpi(c.inboundSpi());
    if (trace.on()) {
      debugLog(sa, String.format("CHILD_SA %08x_i %08x_o deleted (%s)", c.inboundSpi(), c.outboundSpi(), reason));
    }
    events.childSaDeleted(new ChildSaDeleted(c.inboundSpi(), c.outboundSpi(), sa.peerAddress, reason));
  }

  /**
   * Transport mode only when our policy wants it and the other side's message carries
   * USE_TRANSPORT_MODE (§1.3.1): the request's for a responder, the answer's for an initiator.
   */
  static ChildSa.Mode answeredMode(PeerPolicy p, List<Payload> peerPayloads) {
    boolean notified = peerPayloads.stream().anyMatch(x -> x instanceof Payload.Notify n
        && n.notifyType() == IkeConstants.USE_TRANSPORT_MODE);
    return p.mode() == ChildSa.Mode.TRANSPORT && notified ? ChildSa.Mode.TRANSPORT : ChildSa.Mode.TUNNEL;
  }

  // ============================================================================ deletion

  /** The IKE SA and its Child SAs are gone (no message: callers send a DELETE first where one is due). */
  void teardown(IkeSa sa, String reason) {
    if (sa.state == IkeSa.State.DELETED) {
      return;
    }
    for (ChildSaState c : List.copyOf(sa.children)) {
      removeChild(sa, c, reason);
    }
    table.remove(sa);
    if (sa.checkpointGeneration > 0) {
      checkpoints.remove(sa.id());
    }
    boolean wasUp = sa.state == IkeSa.State.ESTABLISHED;
    if (sa.rekeyedTo != null) {
      reason = "rekeyed";
    }
    sa.destroy();
    debugLog(sa, "IKE SA deleted (" + reason + ")");
    events.ikeSaDown(sa.summary("DELETED"), wasUp ? reason : "negotiation-failed: " + reason);
  }

  // ============================================================================ helpers

  long now() {
    return wallClock.getAsLong();
  }

  /** Timers run engine code on the event loop: nothing they do may throw there. */
  Scheduler.Timer schedule(long delayMillis, Runnable task) {
    return scheduler.schedule(delayMillis, () -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "IKEv2: timer task failed: " + e);
      }
    });
  }

  void send(IkeSa sa, byte[] bytes) {
    stats.sent(PayloadNames.exchange(bytes[18] & 0xff));
    if (trace.on()) {
      try {
        trace.line(Ikev2Debug.sendingPacket(sa, IkeCodec.decodeHeader(bytes)));
      } catch (IkeDecodeException e) {
        trace.line(Ikev2Debug.tag(sa) + "Sending malformed packet: " + e.getMessage());
      }
    }
    transport.send(sa.localAddress, sa.localPort, sa.peerAddress, sa.peerPort, bytes);
  }

  long newIkeSpi() {
    long spi;
    // as initiator we choose SPIi, and so which instance owns the SA: one that hashes to us (a few tries with N
    // instances; bounded, a foreign one then is handed over after its first checkpoint)
    int tries = 0;
    do {
      spi = random.nextLong();
    } while (spi == 0 || table.spiInUse(spi) || (!ownSpi.test(spi) && ++tries < 1000));
    return spi;
  }

  /**
   * Inbound ESP SPIs: random, unique here, above the reserved range 1–255 (RFC 4303 §2.1) and below the forwarder's
   * steering probes ({@link EspHeader#FIRST_PROBE_SPI}).
   */
  long newChildSpi() {
    long spi;
    do {
      spi = random.nextInt() & 0xffffffffL;
    } while (!EspHeader.allocatable(spi) || !table.reserveChildSpi(spi));
    return spi;
  }

  void releaseChildSpi(long spi) {
    table.releaseChildSpi(spi);
  }

  static byte[] spiBytes(long spi) {
    byte[] b = new byte[4];
    IkeCodec.putUint32(b, 0, spi);
    return b;
  }

  byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  /** The Child SAs of {@code sa} named by their outbound SPI (the peer's inbound one, as DELETE and REKEY_SA say). */
  static List<ChildSaState> byOutboundSpi(IkeSa sa, long spi) {
    List<ChildSaState> out = new ArrayList<>();
    for (ChildSaState c : sa.children) {
      if (c.outboundSpi() == spi) {
        out.add(c);
      }
    }
    return out;
  }

  /** A datagram that decoded, as IOS traces it before processing it ({@code sa} null for a new SA). */
  void traceReceived(IkeSa sa, Datagram d, IkeHeader h) {
    if (trace.on()) {
      trace.line(Ikev2Debug.receivedPacket(sa, d, h));
    }
  }

  void debugLog(IkeSa sa, String what, long messageId, String detail) {
    if (trace.on()) {
      debugLog(sa, what + " message id " + messageId + " " + detail);
    }
  }

  /**
   * An authenticated message from the SA's peer, for dpd-service ({@code ike.liveness-proof}): only once the SA is
   * up, since dpd-service learns it from {@code ike.peer.up} and drops a proof of an SA it does not know (the
   * IKE_AUTH exchange published one per IKE SA that nothing used).
   */
  void livenessProof(IkeSa sa) {
    if (sa.state == IkeSa.State.ESTABLISHED) {
      events.livenessProof(sa.id(), sa.peerAddress);
    }
  }

  /**
   * The same with its detail made only when {@code debug crypto ikev2} is on: the payload lists of every exchange
   * (four per IKE SA set up) are not built while nobody traces.
   */
  void debugLog(IkeSa sa, String what, long messageId, java.util.function.Supplier<String> detail) {
    if (trace.on()) {
      debugLog(sa, what, messageId, detail.get());
    }
  }

  void debugLog(IkeSa sa, String text) {
    if (trace.on()) {
      trace.line(Ikev2Debug.tag(sa) + text);
    }
  }
}
