package io.ipsecmesh.ike.engine;

import io.ipsecmesh.ike.crypto.ChildKeymat;
import io.ipsecmesh.ike.crypto.DhGroup;
import io.ipsecmesh.ike.crypto.IkeSaKeys;
import io.ipsecmesh.ike.crypto.IkeSuite;
import io.ipsecmesh.ike.crypto.SignatureAuthenticator;
import io.ipsecmesh.ike.crypto.SkIntegrityException;
import io.ipsecmesh.ike.dos.CookieSecret;
import io.ipsecmesh.ike.dos.DosCounters;
import io.ipsecmesh.ike.dos.HalfOpenQuota;
import io.ipsecmesh.ike.dos.RequestDigestCache;
import io.ipsecmesh.ike.exchange.Identities;
import io.ipsecmesh.ike.exchange.NatDetection;
import io.ipsecmesh.ike.exchange.Proposals;
import io.ipsecmesh.ike.exchange.Selectors;
import io.ipsecmesh.ike.policy.PeerPolicy;
import io.ipsecmesh.ike.policy.PolicyStore;
import io.ipsecmesh.proto.bus.SaMessages.ChildSaDeleted;
import io.ipsecmesh.proto.ikev2.IkeCodec;
import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.ikev2.IkeDecodeException;
import io.ipsecmesh.proto.ikev2.IkeHeader;
import io.ipsecmesh.proto.ikev2.IkeMessage;
import io.ipsecmesh.proto.ikev2.Payload;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.KeyWrap;
import io.ipsecmesh.proto.time.Scheduler;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The IKEv2 state machines of every IKE SA of this gateway (RFC 7296 §1–§2). Single-threaded: the
 * verticle calls it on its event loop only, and timers run there too (injectable {@link Scheduler},
 * so tests drive it in virtual time). Every entry point catches what it does not expect: nothing a
 * peer sends can throw onto the event loop.
 */
public final class IkeEngine {

  static final System.Logger LOG = System.getLogger("io.ipsecmesh.ike");
  public static final int IKE_PORT = 500;
  public static final int NATT_PORT = 4500;
  static final int NONCE_BYTES = 32;
  private static final int MAX_INIT_RETRIES = 3;

  /**
   * DoS limits: COOKIE above {@code cookieThreshold} half-open SAs, none kept beyond {@code maxHalfOpen} in
   * all nor beyond {@code maxHalfOpenPerPeer} for one initiator address (RFC 8019 §4), half-open SAs gone
   * after {@code halfOpenTimeoutMillis}, at most {@code maxChildSas} Child SAs per IKE SA (more get
   * NO_ADDITIONAL_SAS, RFC 7296 §1.3 and §3.10.1).
   */
  public record Limits(int cookieThreshold, int maxHalfOpen, long halfOpenTimeoutMillis, int maxHalfOpenPerPeer,
      int maxChildSas) {
    public static final int DEFAULT_MAX_CHILD_SAS = 64;
    public static final Limits DEFAULT = new Limits(64, 4096, 30_000);

    /** The global limits with the default per-peer quota and Child SA cap. */
    public Limits(int cookieThreshold, int maxHalfOpen, long halfOpenTimeoutMillis) {
      this(cookieThreshold, maxHalfOpen, halfOpenTimeoutMillis, HalfOpenQuota.DEFAULT_PER_PEER, DEFAULT_MAX_CHILD_SAS);
    }
  }

  private final Scheduler scheduler;
  final Transport transport;
  final IkeEvents events;
  final PolicyStore policies;
  private final ChildSaFactory childFactory;
  private final RetransmitPolicy retransmit;
  final Limits limits;
  private final SecureRandom random;
  final CookieJar cookies;
  private final LongSupplier wallClock;
  /** Where certificate checks get CRLs ({@code revocation-check crl}); none until the verticle sets its store. */
  private io.ipsecmesh.ike.crypto.CrlSource crls = io.ipsecmesh.ike.crypto.CrlSource.NONE;

  final IkeSaTable table;
  private final InitResponder initResponder = new InitResponder(this);
  private final CreateChildResponder createChildResponder = new CreateChildResponder(this);
  private int nextConnId = 1000;
  private volatile boolean debug;
  private volatile boolean forceUdpEncapsulation;
  /** {@code crypto ipsec nat-transparency udp-encapsulation}, on unless configured off. */
  private volatile boolean natTransparency = true;
  private EngineStats stats = EngineStats.NONE;
  private final InvalidSpiLimiter invalidSpiLimiter;
  /** Peer address → SPIs to report in INVALID_SPI notifies once the IKE SA set up for them is up. */
  private final java.util.Map<String, List<Long>> pendingInvalidSpis = new java.util.HashMap<>();

  public IkeEngine(Scheduler scheduler, Transport transport, IkeEvents events, PolicyStore policies,
      KeyWrap keyWrap, RetransmitPolicy retransmit, Limits limits, LongSupplier wallClock) {
    this.scheduler = scheduler;
    this.transport = transport;
    this.events = events;
    this.policies = policies;
    this.childFactory = new ChildSaFactory(keyWrap);
    this.retransmit = retransmit;
    this.limits = limits;
    this.table = new IkeSaTable(new HalfOpenQuota(limits.maxHalfOpenPerPeer()));
    this.wallClock = wallClock;
    this.random = new SecureRandom();
    this.cookies = new CookieJar(new CookieSecret(random, scheduler::nowMillis, CookieSecret.DEFAULT_LIFETIME_MILLIS));
    this.invalidSpiLimiter = new InvalidSpiLimiter(scheduler::nowMillis);
  }

  public void setStats(EngineStats stats) {
    this.stats = stats;
  }

  /**
   * UDP-encapsulate ESP even without a NAT (strongSwan's {@code encap = yes}): our NAT_DETECTION_SOURCE_IP is
   * faked so the peer detects a NAT too (§2.23 lets a host do so), and we act as if we had detected one. For
   * hosts that cannot open a raw ESP socket (no root), e.g. the loopback demo.
   */
  public void setForceUdpEncapsulation(boolean on) {
    forceUdpEncapsulation = on;
  }

  /**
   * {@code no crypto ipsec nat-transparency udp-encapsulation}: ESP goes raw (IP protocol 50) unless UDP
   * encapsulation is the only way through, i.e. NAT-D shows a NAT (or the peer says so, faking it: it will
   * encapsulate, so we must too). What it turns off is our own choice to encapsulate without a NAT
   * ({@link #setForceUdpEncapsulation}); a NAT still gets NAT-T, as on IOS.
   */
  public void setNatTransparency(boolean on) {
    natTransparency = on;
  }

  /**
   * Whether NAT traversal runs: off after {@code no crypto ipsec nat-transparency udp-encapsulation}, which
   * "disables NAT traversal" (IPsec Data Plane guide, IPsec NAT Transparency): no NAT_DETECTION notifies
   * are sent, the peer's are ignored (RFC 7296 §2.23: without them neither side detects a NAT), so IKE
   * stays on port 500 and ESP goes raw.
   */
  boolean natTraversal() {
    return natTransparency;
  }

  /** Whether we fake NAT detection to encapsulate without a NAT: forced, and not configured off. */
  private boolean forcing() {
    return forceUdpEncapsulation && natTransparency;
  }

  /** Our NAT_DETECTION_SOURCE_IP data: the real hash, or random bytes when encapsulation is forced. */
  byte[] natSourceHash(long spiI, long spiR, String address, int port) {
    return forcing() ? randomBytes(20) : NatDetection.hash(spiI, spiR, address, port);
  }

  /** {@code debug crypto ikev2}: log every exchange (never keys). */
  public void setDebug(boolean on) {
    debug = on;
  }

  public int ikeSaCount() {
    return table.size();
  }

  public int halfOpenCount() {
    return table.halfOpenCount();
  }

  // ============================================================================ entry points

  /** One IKE message as received on {@code localPort} (non-ESP marker already removed). */
  public void receive(String localAddress, int localPort, String peerAddress, int peerPort, byte[] msg) {
    try {
      dispatch(new Datagram(localAddress, localPort, peerAddress, peerPort, msg));
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "IKEv2: dropped message from " + peerAddress + ":" + peerPort
          + " after internal error " + e);
    }
  }

  /** The CRLs certificate checks use; {@code fetch} must report back on this engine's thread. */
  public void setCrlSource(io.ipsecmesh.ike.crypto.CrlSource crls) {
    this.crls = crls;
  }

  io.ipsecmesh.ike.crypto.CrlSource crls() {
    return crls;
  }

  /**
   * Starts IKE_SA_INIT with the policy's peer; returns the IKE SA id (it changes once SPIr is known), or null when
   * there is no key to authenticate with.
   */
  public String initiate(PeerPolicy policy) {
    if (policy.credentials() == null && policy.psk() == null) {
      // IOS's initiator finds the keyring peer by address (or host name), never by identity: nothing to sign with
      LOG.log(System.Logger.Level.WARNING, "IKEv2: no pre-shared key for peer " + policy.peerAddress()
          + " by address (keyring peers found by identity serve only as responder); not initiating");
      return null;
    }
    // without a configured local address NAT-D is computed over 0.0.0.0: the peer then sees a "NAT" and
    // both sides float to 4500, which works everywhere (the forwarder UDP-encapsulates anyway)
    String local = policy.localAddress() != null ? policy.localAddress() : "0.0.0.0";
    IkeSa sa = new IkeSa(true, newIkeSpi(), policy, nextConnId++, local, IKE_PORT,
        policy.peerAddress(), IKE_PORT, wallClock.getAsLong());
    table.add(sa);
    sa.state = IkeSa.State.INIT_SENT;
    sendInitRequest(sa, policy.ikeSuites().get(0).dh());
    events.summaryChanged(sa.summary("ACTIVE"));
    return sa.id();
  }

  /**
   * The forwarder found traffic for {@code policy}'s crypto map entry without an SA: negotiate. With
   * no IKE SA to the peer that is IKE_SA_INIT; with an established one that lost its Child SA (idle,
   * lifetime, INVALID_SPI) a CREATE_CHILD_SA; while one is being negotiated, nothing (the ACQUIREs of
   * the packets that follow must not pile up exchanges).
   */
  public void acquire(PeerPolicy policy) {
    IkeSa sa = null;
    for (IkeSa s : table.withPeer(policy.peerAddress())) {
      if (s.state != IkeSa.State.DELETED && s.rekeyedTo == null) {
        sa = s;
      }
    }
    if (sa == null) {
      initiate(policy);
      return;
    }
    boolean covered = sa.children.stream().anyMatch(c -> c.sa().cryptoMap().equals(policy.cryptoMap())
        && c.sa().mapSequence() == policy.mapSequence());
    boolean pending = sa.queue.stream().anyMatch(x -> x instanceof ChildRekeyExchange r && r.old == null)
        || (sa.outstanding != null && sa.outstanding.exchange instanceof ChildRekeyExchange r && r.old == null);
    if (sa.state == IkeSa.State.ESTABLISHED && !covered && !pending) {
      sa.queue.add(new ChildRekeyExchange(this, null));
      pump(sa);
    }
  }

  /** Whether an IKE SA (in negotiation or up) exists with this peer: ACQUIREs must not pile up. */
  public boolean hasSaWith(String peerAddress) {
    return table.withPeer(peerAddress).stream().anyMatch(s -> s.state != IkeSa.State.DELETED);
  }

  /** dpd-service's probe: attempt 0 sends an empty INFORMATIONAL, later attempts retransmit it. */
  public void probe(String ikeSaId, int attempt, long timeoutMillis, Consumer<Boolean> outcome) {
    try {
      IkeSa sa = table.byId(ikeSaId);
      if (sa == null || sa.state != IkeSa.State.ESTABLISHED) {
        outcome.accept(false);
        return;
      }
      if (attempt > 0 && sa.outstanding != null && sa.outstanding.exchange instanceof DpdExchange dpd) {
        dpd.arm(outcome, timeoutMillis);
        debugLog(sa, "retransmit", sa.outstanding.messageId, "DPD");
        send(sa, sa.outstanding.bytes);
        return;
      }
      sa.queue.add(new DpdExchange(scheduler, outcome, timeoutMillis));
      pump(sa);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "IKEv2: DPD probe failed: " + e);
      outcome.accept(false);
    }
  }

  /** dpd-service declared the peer dead: delete the IKE SA and its Child SAs without a message. */
  public boolean peerDead(String ikeSaId) {
    IkeSa sa = table.byId(ikeSaId);
    if (sa == null) {
      return false;
    }
    teardown(sa, "dpd");
    return true;
  }

  /** {@code clear crypto session [remote X]}: DELETE to each peer, then gone at once. Returns {IKE, Child} counts. */
  public int[] clear(String remoteAddress) {
    return clearBetween(new io.ipsecmesh.proto.bus.MgmtMessages.ClearSession(remoteAddress));
  }

  /** {@code clear crypto session [local A [port N]] [remote A [port N]]}: the IKE SAs between those endpoints. */
  public int[] clearBetween(io.ipsecmesh.proto.bus.MgmtMessages.ClearSession which) {
    int ike = 0;
    int child = 0;
    List<IkeSa> candidates = which.remoteAddress() == null ? table.all() : table.withPeer(which.remoteAddress());
    for (IkeSa sa : candidates) {
      if (!which.matches(sa.localAddress, sa.localPort, sa.peerAddress, sa.peerPort)) {
        continue;
      }
      ike++;
      child += sa.children.size();
      if (sa.state == IkeSa.State.ESTABLISHED) {
        sendUnsolicited(sa, List.of(new Payload.Delete(IkeConstants.PROTO_IKE, 0, List.of())));
      }
      teardown(sa, "clear");
    }
    return new int[] {ike, child};
  }

  /** The forwarder reports a hard lifetime or idle timeout: delete that Child SA with a DELETE payload. */
  public boolean deleteChild(long inboundSpi, String reason) {
    IkeSa sa = table.childOwner(inboundSpi);
    if (sa != null) {
      for (ChildSaState c : List.copyOf(sa.children)) {
        if (c.inboundSpi() == inboundSpi) {
          removeChild(sa, c, reason);
          if (sa.state == IkeSa.State.ESTABLISHED) {
            byte[] spi = spiBytes(inboundSpi);
            sa.queue.add(new InformationalExchange("DELETE-CHILD",
                List.of(new Payload.Delete(IkeConstants.PROTO_ESP, 4, List.of(spi))), null));
            pump(sa);
          }
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The forwarder reports a Child SA idle for its {@code idle-time}: delete it, and when it was the last
   * IPsec SA to that peer, delete the IKE SA as well (seed, "IPsec Security Association Idle Timers": "If
   * the last IPsec SA to a given peer is deleted due to idle timer expiration, the IKE SA to that peer
   * will also be deleted"). Then one DELETE of the IKE SA says both (RFC 7296 §1.4.1).
   */
  public boolean idleChild(long inboundSpi) {
    IkeSa sa = table.childOwner(inboundSpi);
    if (sa == null) {
      return false;
    }
    boolean last = table.withPeer(sa.peerAddress).stream()
        .allMatch(s -> s.children.stream().allMatch(c -> c.inboundSpi() == inboundSpi));
    if (!last) {
      return deleteChild(inboundSpi, "idle");
    }
    if (sa.state == IkeSa.State.ESTABLISHED) {
      sendUnsolicited(sa, List.of(new Payload.Delete(IkeConstants.PROTO_IKE, 0, List.of())));
    }
    teardown(sa, "idle");
    return true;
  }

  /** {@link #invalidSpi(String, long, boolean)} with {@code crypto isakmp invalid-spi-recovery} on. */
  public boolean invalidSpi(String peerAddress, long spi) {
    return invalidSpi(peerAddress, spi, true);
  }

  /**
   * ESP arrived for an SPI we do not know: tell the peer with an INVALID_SPI notify (RFC 7296 §2.21.4)
   * in an INFORMATIONAL of an IKE SA we share with it, so it drops the stale SA and renegotiates. That
   * much IOS does by default (IPsec Data Plane guide, Invalid Security Parameter Index Recovery, "How to
   * Configure": the notify is sent using the IKE SA; without one the packet is dropped). Only with
   * {@code crypto isakmp invalid-spi-recovery} ({@code recovery}), when there is no IKE SA (we restarted
   * and lost it: the seed's "black hole"), set one up for the purpose when the peer is one of ours, and
   * notify once it is up; its INITIAL_CONTACT already makes the peer drop every SA it still had with us.
   * Rate-limited per peer and overall ({@link InvalidSpiLimiter}). Returns whether a notify or an IKE SA
   * is under way.
   */
  public boolean invalidSpi(String peerAddress, long spi, boolean recovery) {
    for (IkeSa sa : table.withPeer(peerAddress)) {
      if (sa.state == IkeSa.State.ESTABLISHED && sa.rekeyedTo == null) {
        if (!invalidSpiLimiter.allowNotify(peerAddress)) {
          return false;
        }
        sa.queue.add(invalidSpiNotify(List.of(spi)));
        pump(sa);
        return true;
      }
    }
    if (!recovery) {
      return false; // no established IKE SA: without invalid-spi-recovery the packet is only dropped
    }
    if (hasSaWith(peerAddress)) {
      // one is being negotiated (for this or for traffic): it notifies when it is up
      List<Long> pending = pendingInvalidSpis.get(peerAddress);
      if (pending != null && !pending.contains(spi) && pending.size() < 16) {
        pending.add(spi);
      }
      return pending != null;
    }
    // never toward a peer only a dynamic crypto map would accept: IOS does not initiate from one, and a stranger's
    // ESP must not make us start an exchange with whatever address it claims
    Optional<PeerPolicy> policy = policies.forPeer(peerAddress).filter(p -> !p.anyPeer());
    if (policy.isEmpty() || !invalidSpiLimiter.allowInitiate(peerAddress)) {
      return false;
    }
    LOG.log(System.Logger.Level.INFO, "IKEv2: invalid SPI " + String.format("%08x", spi) + " from " + peerAddress
        + ": no IKE SA with it, setting one up to send INVALID_SPI (invalid-spi-recovery)");
    pendingInvalidSpis.put(peerAddress, new ArrayList<>(List.of(spi)));
    initiate(policy.get());
    return true;
  }

  /** Invalid-SPI reports refused by the rate limits. */
  public long invalidSpiRefused() {
    return invalidSpiLimiter.refused();
  }

  private static InformationalExchange invalidSpiNotify(List<Long> spis) {
    List<Payload> notifies = new ArrayList<>();
    for (long spi : spis) {
      notifies.add(new Payload.Notify(IkeConstants.PROTO_ESP, new byte[0], IkeConstants.INVALID_SPI, spiBytes(spi)));
    }
    return new InformationalExchange("INVALID_SPI", notifies, null);
  }

  /** Deletes every IKE SA (shutdown): DELETE to each established peer. */
  public void shutdown() {
    clear(null);
  }

  // ============================================================================ dispatch

  record Datagram(String localAddress, int localPort, String peerAddress, int peerPort, byte[] msg) {}

  private void dispatch(Datagram d) {
    IkeHeader h;
    IkeMessage m;
    try {
      h = IkeCodec.decodeHeader(d.msg);
      m = IkeCodec.decode(d.msg);
    } catch (IkeDecodeException e) {
      stats.malformed();
      debugLog(null, "drop malformed from " + d.peerAddress + ":" + d.peerPort + ": " + e.getMessage());
      return;
    }
    stats.received(PayloadNames.exchange(h.exchangeType()));
    if (h.exchangeType() == IkeConstants.IKE_SA_INIT && !h.isResponse()) {
      if (h.responderSpi() == 0 && h.messageId() == 0) {
        initResponder.onInitRequest(d, m);
      }
      return;
    }
    // the I flag tells which SPI is ours (§3.1): a message from the original initiator names our SPI as SPIr
    long ours = h.isFromInitiator() ? h.responderSpi() : h.initiatorSpi();
    IkeSa sa = table.bySpi(ours);
    if (sa == null || sa.initiator == h.isFromInitiator() || sa.state == IkeSa.State.DELETED) {
      debugLog(null, "drop " + PayloadNames.exchange(h.exchangeType()) + " for unknown IKE SA from "
          + d.peerAddress);
      return;
    }
    if (h.isResponse()) {
      onResponse(sa, d, m);
    } else {
      if (sa.spiR != h.responderSpi() || sa.spiI != h.initiatorSpi()) {
        return;
      }
      onRequest(sa, d, m);
    }
  }

  // ============================================================================ IKE_SA_INIT

  private void sendInitRequest(IkeSa sa, DhGroup group) {
    sa.dh = group.newExchange();
    if (sa.ni == null) {
      sa.ni = randomBytes(NONCE_BYTES);
    }
    List<Payload> p = new ArrayList<>();
    if (sa.cookie != null) {
      p.add(Payload.Notify.of(IkeConstants.COOKIE, sa.cookie)); // §2.6: COOKIE must be the first payload
    }
    // offer every configured suite, but those whose group matches the KE payload first
    List<IkeSuite> offer = new ArrayList<>();
    sa.policy.ikeSuites().stream().filter(s -> s.dh() == group).forEach(offer::add);
    sa.policy.ikeSuites().stream().filter(s -> s.dh() != group).forEach(offer::add);
    p.add(Proposals.ikeOffer(offer, new byte[0]));
    p.add(new Payload.KeyExchange(group.groupId, sa.dh.publicValue()));
    p.add(new Payload.Nonce(sa.ni.clone()));
    if (natTraversal()) {
      p.add(Payload.Notify.of(IkeConstants.NAT_DETECTION_SOURCE_IP,
          natSourceHash(sa.spiI, 0, sa.localAddress, sa.localPort)));
      p.add(Payload.Notify.of(IkeConstants.NAT_DETECTION_DESTINATION_IP,
          NatDetection.hash(sa.spiI, 0, sa.peerAddress, sa.peerPort)));
    }
    p.add(Payload.Notify.of(IkeConstants.SIGNATURE_HASH_ALGORITHMS, SignatureAuthenticator.HASH_ALGORITHMS));
    IkeHeader h = IkeHeader.of(sa.spiI, 0, IkeConstants.IKE_SA_INIT, IkeConstants.FLAG_INITIATOR, 0);
    byte[] bytes = IkeCodec.encode(new IkeMessage(h, p));
    sa.initRequest = bytes;
    sa.nextRequestId = 1;
    debugLog(sa, "sending", 0, "IKE_SA_INIT request " + PayloadNames.list(p));
    IkeSa.Outstanding out = new IkeSa.Outstanding(0, bytes, null);
    sa.outstanding = out;
    send(sa, bytes);
    scheduleRetransmit(sa, out);
  }

  private void onInitResponse(IkeSa sa, Datagram d, IkeMessage m) {
    if (sa.state != IkeSa.State.INIT_SENT || sa.outstanding == null || sa.outstanding.messageId != 0) {
      return;
    }
    debugLog(sa, "received", 0, "IKE_SA_INIT response " + PayloadNames.list(m.payloads()));
    Optional<Payload.Notify> cookie = m.notify(IkeConstants.COOKIE);
    Optional<Payload.Notify> invalidKe = m.notify(IkeConstants.INVALID_KE_PAYLOAD);
    if (cookie.isPresent() || invalidKe.isPresent()) {
      cancelOutstanding(sa);
      if (sa.initRetries++ >= MAX_INIT_RETRIES) {
        teardown(sa, "init-retries");
        return;
      }
      DhGroup group = sa.dh.group();
      if (invalidKe.isPresent()) {
        byte[] g = invalidKe.get().data();
        DhGroup wanted = g.length == 2 ? DhGroup.byId(((g[0] & 0xff) << 8) | (g[1] & 0xff)) : null;
        if (wanted == null || sa.policy.ikeSuites().stream().noneMatch(s -> s.dh() == wanted)) {
          teardown(sa, "no-acceptable-group");
          return;
        }
        group = wanted;
      } else {
        sa.cookie = cookie.get().data().clone();
      }
      sendInitRequest(sa, group);
      return;
    }
    for (Payload.Notify n : m.all(Payload.Notify.class)) {
      if (n.isError()) {
        cancelOutstanding(sa);
        teardown(sa, PayloadNames.notify(n.notifyType()));
        return;
      }
    }
    Optional<Payload.SecurityAssociation> saP = m.first(Payload.SecurityAssociation.class);
    Optional<Payload.KeyExchange> ke = m.first(Payload.KeyExchange.class);
    Optional<Payload.Nonce> nonce = m.first(Payload.Nonce.class);
    if (saP.isEmpty() || ke.isEmpty() || nonce.isEmpty() || m.header().responderSpi() == 0) {
      return; // not a valid answer: keep waiting (it may be forged), retransmission continues
    }
    Optional<IkeSuite> suite = Proposals.acceptedIke(saP.get(), sa.policy.ikeSuites());
    if (suite.isEmpty() || suite.get().dh() != sa.dh.group() || ke.get().dhGroup() != sa.dh.group().groupId) {
      cancelOutstanding(sa);
      teardown(sa, "bad-proposal");
      return;
    }
    byte[] secret;
    try {
      secret = sa.dh.sharedSecret(ke.get().data());
    } catch (GeneralSecurityException e) {
      cancelOutstanding(sa);
      teardown(sa, "invalid-ke");
      return;
    }
    cancelOutstanding(sa);
    String provisionalId = sa.id();
    sa.spiR = m.header().responderSpi();
    table.reindex(sa, provisionalId);
    sa.suite = suite.get();
    sa.nr = nonce.get().data().clone();
    sa.initResponse = d.msg;
    installKeys(sa, secret);
    // an unknown local address (0.0.0.0) made our NAT_DETECTION_SOURCE_IP "wrong": the peer will see a NAT
    // and UDP-encapsulate, so we must as well
    sa.natDetected = natTraversal() && (natDetected(m, sa.spiI, sa.spiR, d) || "0.0.0.0".equals(sa.localAddress));
    sa.localBehindNat = natTraversal() && localBehindNat(m, sa.spiI, sa.spiR, d);
    if (sa.natDetected) {
      // §2.23: after NAT detection the initiator moves to port 4500
      sa.localPort = NATT_PORT;
      sa.peerPort = NATT_PORT;
      debugLog(sa, "NAT detected, floating to port 4500");
    }
    sa.state = IkeSa.State.AUTH_SENT;
    sa.queue.addFirst(new InitiatorAuthExchange(this));
    pump(sa);
  }

  /** Mismatch of either NAT_DETECTION hash = a NAT between us (or a peer faking one to force UDP encapsulation). */
  boolean natDetected(IkeMessage m, long spiI, long spiR, Datagram d) {
    if (forcing()) {
      return true;
    }
    List<Payload.Notify> src = m.all(Payload.Notify.class).stream()
        .filter(n -> n.notifyType() == IkeConstants.NAT_DETECTION_SOURCE_IP).toList();
    Optional<Payload.Notify> dst = m.notify(IkeConstants.NAT_DETECTION_DESTINATION_IP);
    if (src.isEmpty() || dst.isEmpty()) {
      return false;
    }
    byte[] expectSrc = NatDetection.hash(spiI, spiR, d.peerAddress, d.peerPort);
    byte[] expectDst = NatDetection.hash(spiI, spiR, d.localAddress, d.localPort);
    boolean peerBehindNat = src.stream().noneMatch(n -> Arrays.equals(n.data(), expectSrc));
    boolean weBehindNat = !Arrays.equals(dst.get().data(), expectDst);
    return peerBehindNat || weBehindNat;
  }

  /**
   * The peer's NAT_DETECTION_DESTINATION_IP is not the address and port we received on: a NAT is in front
   * of us. Not when we fake NAT detection ourselves (forced encapsulation): that says nothing about a NAT.
   */
  boolean localBehindNat(IkeMessage m, long spiI, long spiR, Datagram d) {
    if (forcing()) {
      return false;
    }
    Optional<Payload.Notify> dst = m.notify(IkeConstants.NAT_DETECTION_DESTINATION_IP);
    return dst.isPresent()
        && !Arrays.equals(dst.get().data(), NatDetection.hash(spiI, spiR, d.localAddress, d.localPort));
  }

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

  // ============================================================================ IKE_AUTH

  private void onAuthRequest(IkeSa sa, IkeMessage m, List<Payload> inner) {
    if (sa.authPending) {
      return; // a retransmission while the CRL is fetched: the answer follows the fetch
    }
    IkeMessage in = new IkeMessage(m.header(), inner);
    Optional<Payload.Identification> idi = in.first(Payload.Identification.class).filter(Payload.Identification::initiator);
    Optional<Payload.Authentication> auth = in.first(Payload.Authentication.class);
    if (idi.isPresent()) {
      // IOS selects the profile by the peer's identity: among the crypto map entries for this address, the first
      // whose profile matches IDi and accepts the IKE SA's suite (RFC 7296 §2.15: the responder learns who the
      // initiator claims to be only now)
      Payload.Identification id = idi.get();
      if (!sa.policy.remote().accepts(id.idType(), id.data())) {
        policies.forIdentity(sa.peerAddress, sa.suite, id.idType(), id.data()).ifPresent(next -> sa.policy = next);
      }
    }
    PeerPolicy p = sa.policy;
    PeerAuthentication.Refusal refusal = idi.isEmpty() || auth.isEmpty() ? PeerAuthentication.Refusal.IDENTITY
        : PeerAuthentication.check(sa, idi.get(), auth.get(), in.all(Payload.Certificate.class), sa.initRequest,
            sa.nr, sa.keys.skPi, crls, System.currentTimeMillis()); // certificates and CRLs live in real time
    if (refusal == PeerAuthentication.Refusal.CRL_PENDING) {
      // RFC 4945 §6: the certificate is not accepted before its revocation status is known; the fetch runs off
      // the event loop and the IKE_AUTH request is answered when it is done (its retransmissions wait)
      sa.authPending = true;
      sa.crlFetched = true;
      debugLog(sa, "fetching the CRL " + sa.crlToFetch + " before answering IKE_AUTH");
      crls.fetch(sa.crlToFetch, () -> {
        sa.authPending = false;
        if (sa.state == IkeSa.State.INIT_DONE) {
          onAuthRequest(sa, m, inner);
        }
      });
      return;
    }
    List<Payload> ourAuth = refusal == PeerAuthentication.Refusal.NONE ? PeerAuthentication.ours(sa,
        Identities.toPayload(false, p.localId()), sa.initResponse, sa.ni, sa.keys.skPr, false, idi.get()) : List.of();
    if (refusal == PeerAuthentication.Refusal.NONE && ourAuth.isEmpty()) {
      refusal = PeerAuthentication.Refusal.NO_KEY;
    }
    if (refusal != PeerAuthentication.Refusal.NONE) {
      stats.authenticationFailed();
      LOG.log(System.Logger.Level.WARNING, "IKEv2: authentication of " + sa.peerAddress + " ("
          + idi.map(Identities::text).orElse("no IDi") + ") failed: " + refusal.reason
          + (refusal == PeerAuthentication.Refusal.CERTIFICATE ? ": " + sa.refusalDetail : "") + " (profile of crypto map "
          + p.cryptoMap() + " " + p.mapSequence() + ")");
      respond(sa, m.header(), List.of(Payload.Notify.of(IkeConstants.AUTHENTICATION_FAILED, new byte[0])));
      teardown(sa, "auth-failed");
      return;
    }
    sa.peerId = Identities.text(idi.get());
    Payload.Identification idr = Identities.toPayload(false, p.localId());
    List<Payload> resp = new ArrayList<>();
    resp.add(idr);
    resp.addAll(ourAuth);

    Optional<Proposals.EspChoice> choice = in.first(Payload.SecurityAssociation.class)
        .flatMap(s -> Proposals.selectEsp(s, p.espTransforms(), null));
    List<Payload.TrafficSelectors> ts = in.all(Payload.TrafficSelectors.class);
    List<Payload.Selector> tsi = ts.stream().filter(Payload.TrafficSelectors::initiator).findFirst()
        .map(t -> Selectors.narrow(t.selectors(), p.remoteSelectors())).orElse(List.of());
    List<Payload.Selector> tsr = ts.stream().filter(t -> !t.initiator()).findFirst()
        .map(t -> Selectors.narrow(t.selectors(), p.localSelectors())).orElse(List.of());
    long inSpi = 0;
    if (choice.isEmpty()) {
      resp.add(Payload.Notify.of(IkeConstants.NO_PROPOSAL_CHOSEN, new byte[0]));
    } else if (tsi.isEmpty() || tsr.isEmpty()) {
      resp.add(Payload.Notify.of(IkeConstants.TS_UNACCEPTABLE, new byte[0]));
    } else {
      inSpi = newChildSpi();
      if (answeredMode(p, inner) == ChildSa.Mode.TRANSPORT) {
        resp.add(Payload.Notify.of(IkeConstants.USE_TRANSPORT_MODE, new byte[0]));
      }
      resp.add(Proposals.espAnswer(choice.get(), spiBytes(inSpi), null));
      resp.add(new Payload.TrafficSelectors(true, tsi));
      resp.add(new Payload.TrafficSelectors(false, tsr));
    }
    respond(sa, m.header(), resp);
    boolean initialContact = in.notify(IkeConstants.INITIAL_CONTACT).isPresent();
    established(sa);
    if (initialContact) {
      // §2.4: the peer has no other SA with us any more; drop our stale ones silently
      for (IkeSa other : table.withPeer(sa.peerAddress)) {
        if (other != sa && other.state == IkeSa.State.ESTABLISHED
            && other.peerId.equals(sa.peerId)) {
          teardown(other, "initial-contact");
        }
      }
    }
    if (inSpi != 0) {
      installChild(sa, choice.get(), answeredMode(p, inner), inSpi, tsi, tsr);
    }
  }

  void established(IkeSa sa) {
    sa.state = IkeSa.State.ESTABLISHED;
    table.leftHalfOpen(sa);
    debugLog(sa, "IKE SA established with " + sa.peerId + " (" + sa.suite.name() + ")");
    long life = sa.policy.ikeLifetimeSeconds();
    if (life > 0) {
      // rekey (§2.8) when the lifetime runs out; the Child SAs move to the new IKE SA
      sa.lifetimeTimer = schedule(life * 1000, () -> rekeyIke(sa.id()));
    }
    events.ikeSaUp(sa.summary("ACTIVE"), sa.policy.cryptoMap(), sa.policy.mapSequence());
    List<Long> invalid = pendingInvalidSpis.remove(sa.peerAddress);
    if (invalid != null) {
      // sent once the exchange that set the SA up is answered; it counts as this second's notify, so a
      // packet still in flight on the stale SPI does not make a second one
      invalidSpiLimiter.allowNotify(sa.peerAddress);
      sa.queue.add(invalidSpiNotify(invalid));
    }
    events.summaryChanged(sa.summary("ACTIVE"));
  }

  /** IKE_AUTH's Child SA: nonces of IKE_SA_INIT, no PFS, oriented by the IKE SA's initiator. */
  void installChild(IkeSa sa, Proposals.EspChoice choice, ChildSa.Mode mode, long inboundSpi,
      List<Payload.Selector> tsi, List<Payload.Selector> tsr) {
    installChild(sa, sa.initiator, choice, mode, inboundSpi, tsi, tsr, null, sa.ni, sa.nr);
  }

  ChildSa installChild(IkeSa sa, boolean exchangeInitiator, Proposals.EspChoice choice, ChildSa.Mode mode,
      long inboundSpi,
      List<Payload.Selector> tsi, List<Payload.Selector> tsr, byte[] pfsSecret, byte[] ni, byte[] nr) {
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
    debugLog(sa, String.format("CHILD_SA established with SPIs %08x_i %08x_o (%s%s) TS %s === %s", inboundSpi,
        outboundSpi, choice.transform().iosName, choice.esn() ? ", ESN" : "", child.localSelectors(),
        child.remoteSelectors()));
    events.childSaInstalled(child);
    return child;
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

  // ============================================================================ CREATE_CHILD_SA

  /** Keys for the new IKE SA {@code n}, which inherits the old one's Child SAs, peer and ports. */
  void takeOver(IkeSa old, IkeSa n, IkeSuite suite, byte[] secret) {
    rekeyed(old, n, suite, secret);
    moveChildren(old, n);
    debugLog(n, "IKE SA rekeyed: " + old.id() + " -> " + n.id() + " (" + suite.name() + ")");
  }

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
    n.localBehindNat = old.localBehindNat;
    n.peerId = old.peerId;
    n.nextRequestId = 0;
    n.expectedPeerRequestId = 0;
    table.add(n);
    established(n);
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


  /** §2.8.1: is the lowest of the four nonces one of our exchange's (our Ni, the peer's Nr)? */
  static boolean lowestIsOurs(byte[] ourNi, byte[] peerNr, Collision c) {
    byte[] lowestOurs = Arrays.compareUnsigned(ourNi, peerNr) <= 0 ? ourNi : peerNr;
    byte[] lowestTheirs = Arrays.compareUnsigned(c.peerNi(), c.ourNr()) <= 0 ? c.peerNi() : c.ourNr();
    return Arrays.compareUnsigned(lowestOurs, lowestTheirs) < 0;
  }

  /** Starts an IKE SA rekey now (normally the IKE lifetime does). */
  public boolean rekeyIke(String ikeSaId) {
    IkeSa sa = table.byId(ikeSaId);
    if (sa == null || sa.state != IkeSa.State.ESTABLISHED || sa.rekeyedTo != null) {
      return false;
    }
    sa.queue.add(new IkeRekeyExchange(this));
    pump(sa);
    return true;
  }

  /**
   * Rekeys the Child SA whose inbound SPI is {@code inboundSpi} (the forwarder reported its soft
   * lifetime): CREATE_CHILD_SA with N(REKEY_SA), PFS when {@code set pfs}, then DELETE of the old SA.
   */
  public boolean rekeyChild(long inboundSpi) {
    IkeSa sa = table.childOwner(inboundSpi);
    if (sa != null) {
      for (ChildSaState c : sa.children) {
        if (c.inboundSpi() == inboundSpi && sa.state == IkeSa.State.ESTABLISHED) {
          sa.queue.add(new ChildRekeyExchange(this, c));
          pump(sa);
          return true;
        }
      }
    }
    return false;
  }

  /** The peer's simultaneous rekey of the same Child SA: its nonces and the SA it created here. */
  record Collision(byte[] peerNi, byte[] ourNr, long childInboundSpi) {}

  // ============================================================================ requests / responses

  private void onRequest(IkeSa sa, Datagram d, IkeMessage m) {
    long id = m.header().messageId();
    byte[] digest = RequestDigestCache.digest(d.msg);
    if (answeredFromCache(sa, d, id, digest)) {
      return;
    }
    if (id != sa.expectedPeerRequestId) {
      debugLog(sa, "drop request outside the window", id, "expected " + sa.expectedPeerRequestId);
      return;
    }
    List<Payload> inner = open(sa, d, m);
    if (inner == null) {
      return;
    }
    debugLog(sa, "received", id, PayloadNames.exchange(m.header().exchangeType()) + " request "
        + PayloadNames.list(inner));
    switch (m.header().exchangeType()) {
      case IkeConstants.IKE_AUTH -> {
        if (sa.state == IkeSa.State.INIT_DONE) {
          onAuthRequest(sa, m, inner);
        }
      }
      case IkeConstants.INFORMATIONAL -> onInformationalRequest(sa, m, inner);
      case IkeConstants.CREATE_CHILD_SA -> respond(sa, m.header(), createChildResponder.onRequest(sa, inner));
      default -> respond(sa, m.header(), List.of(Payload.Notify.of(IkeConstants.INVALID_SYNTAX, new byte[0])));
    }
    if (sa.expectedPeerRequestId == id + 1 && sa.lastResponse != null) {
      sa.replies.remember(id, digest, sa.lastResponse); // answered: its retransmissions get the same bytes
    }
  }

  /**
   * RFC 7296 §2.1: a retransmission is bitwise identical to the request, and gets our response again with no
   * state change. Recognised by the digest of the whole datagram ({@link RequestDigestCache}), not by the
   * message ID alone: the answered ID with other bytes is dropped. Answered only when it comes from the SA's
   * own peer address and port (§2.11: the response goes where the request came from, so anything else would
   * reflect our response to an address of a spoofer's choosing); an authenticated new message is what moves
   * the SA's ports (§2.23), never a replayed old one.
   *
   * @return whether the datagram was handled here (answered or dropped)
   */
  boolean answeredFromCache(IkeSa sa, Datagram d, long messageId, byte[] digest) {
    switch (sa.replies.check(messageId, digest)) {
      case RETRANSMISSION -> {
        if (!d.peerAddress.equals(sa.peerAddress) || d.peerPort != sa.peerPort || d.localPort != sa.localPort) {
          stats.requestDropped(2, DosCounters.RETRANSMISSION_FROM_ELSEWHERE);
          debugLog(sa, "drop retransmission from " + d.peerAddress + ":" + d.peerPort, messageId,
              "(the SA's peer is " + sa.peerAddress + ":" + sa.peerPort + ")");
          return true;
        }
        stats.retransmissionAnswered(2);
        debugLog(sa, "received retransmission", messageId, "resending cached response");
        send(sa, sa.replies.responseTo(digest));
        return true;
      }
      case ALTERED -> {
        stats.requestDropped(2, DosCounters.ALTERED_RETRANSMISSION);
        debugLog(sa, "drop request with an answered message ID but other bytes", messageId, "");
        return true;
      }
      default -> {
        return false;
      }
    }
  }

  private void onInformationalRequest(IkeSa sa, IkeMessage m, List<Payload> inner) {
    if (sa.state != IkeSa.State.ESTABLISHED) {
      respond(sa, m.header(), List.of());
      return;
    }
    boolean deleteIke = false;
    List<byte[]> ourDeleted = new ArrayList<>();
    for (Payload p : inner) {
      if (p instanceof Payload.Delete del) {
        if (del.protocolId() == IkeConstants.PROTO_IKE) {
          deleteIke = true;
        } else if (del.protocolId() == IkeConstants.PROTO_ESP && del.spiSize() == 4) {
          for (byte[] spi : del.spis()) {
            long peerInbound = IkeCodec.getUint32(spi, 0);
            for (ChildSaState c : List.copyOf(sa.children)) {
              if (c.outboundSpi() == peerInbound) {
                ourDeleted.add(spiBytes(c.inboundSpi()));
                removeChild(sa, c, "delete");
              }
            }
          }
        }
      } else if (p instanceof Payload.Notify n && n.notifyType() == IkeConstants.AUTHENTICATION_FAILED) {
        deleteIke = true;
      } else if (p instanceof Payload.Notify n && n.notifyType() == IkeConstants.INVALID_SPI
          && n.data().length == 4) {
        // the peer lost the SA we send on: drop ours, the next packet's ACQUIRE renegotiates
        long stale = IkeCodec.getUint32(n.data(), 0);
        for (ChildSaState c : List.copyOf(sa.children)) {
          if (c.outboundSpi() == stale) {
            removeChild(sa, c, "invalid-spi");
          }
        }
      }
    }
    if (deleteIke) {
      respond(sa, m.header(), List.of());
      teardown(sa, "delete");
      return;
    }
    respond(sa, m.header(), ourDeleted.isEmpty() ? List.of()
        : List.of(new Payload.Delete(IkeConstants.PROTO_ESP, 4, ourDeleted)));
  }

  private void respond(IkeSa sa, IkeHeader request, List<Payload> payloads) {
    int flags = IkeConstants.FLAG_RESPONSE | sa.requestFlags();
    IkeHeader h = IkeHeader.of(sa.spiI, sa.spiR, request.exchangeType(), flags, request.messageId());
    byte[] bytes = sa.outbound.protect(h, payloads);
    sa.lastResponse = bytes;
    sa.expectedPeerRequestId = request.messageId() + 1;
    debugLog(sa, "sending", request.messageId(), PayloadNames.exchange(request.exchangeType()) + " response "
        + PayloadNames.list(payloads));
    send(sa, bytes);
  }

  private void onResponse(IkeSa sa, Datagram d, IkeMessage m) {
    IkeSa.Outstanding out = sa.outstanding;
    if (out == null || out.messageId != m.header().messageId()) {
      debugLog(sa, "drop unexpected response", m.header().messageId(), "");
      return;
    }
    if (m.header().exchangeType() == IkeConstants.IKE_SA_INIT) {
      onInitResponse(sa, d, m);
      return;
    }
    if (out.exchange == null || out.exchange.exchangeType() != m.header().exchangeType()) {
      return;
    }
    List<Payload> inner = open(sa, d, m);
    if (inner == null) {
      return;
    }
    cancelOutstanding(sa);
    debugLog(sa, "received", m.header().messageId(), PayloadNames.exchange(m.header().exchangeType())
        + " response " + PayloadNames.list(inner));
    out.exchange.response(sa, inner);
    pump(sa);
  }

  /** Verifies and decrypts; only authenticated messages move ports or count as liveness. */
  private List<Payload> open(IkeSa sa, Datagram d, IkeMessage m) {
    if (sa.inbound == null || m.payloads().isEmpty() || !(m.payloads().getLast() instanceof Payload.Encrypted)) {
      return null;
    }
    try {
      List<Payload> inner = sa.inbound.open(d.msg, (Payload.Encrypted) m.payloads().getLast());
      for (Payload p : inner) {
        if (p instanceof Payload.Unknown u && u.critical()) {
          debugLog(sa, "unsupported critical payload " + u.payloadType());
          return null;
        }
      }
      if (d.peerPort != sa.peerPort || d.localPort != sa.localPort) {
        debugLog(sa, "peer moved to port " + d.peerPort + " (local " + d.localPort + ")");
        sa.peerPort = d.peerPort;
        sa.localPort = d.localPort;
        followNatMapping(sa);
      }
      events.livenessProof(sa.id(), sa.peerAddress);
      return inner;
    } catch (SkIntegrityException | IkeDecodeException e) {
      stats.malformed();
      debugLog(sa, "drop message failing SK checks: " + e.getMessage());
      return null;
    }
  }

  /**
   * The forwarder followed a new port of the peer seen only in authenticated ESP of the Child SA
   * {@code inboundSpi} ({@code fwd.nat-mapping}, RFC 7296 §2.23 / RFC 3948): the IKE SA moves there too,
   * and its UDP-encapsulated Child SAs are re-announced with the port, so other forwarders and nat-keepalive
   * follow before the peer sends any IKE message. Refused when we are behind a NAT ourselves (§2.23: SHOULD
   * NOT follow), for another peer address, and for an IKE SA that does not run on the Child SA's port (no
   * NAT between us: ESP's port says nothing about IKE's).
   *
   * @return whether anything moved
   */
  public boolean natMappingSeenInEsp(long inboundSpi, String peerAddress, int peerPort) {
    IkeSa sa = table.childOwner(inboundSpi);
    if (sa == null || sa.state != IkeSa.State.ESTABLISHED || sa.localBehindNat || peerPort <= 0
        || !sa.peerAddress.equals(peerAddress)) {
      return false;
    }
    ChildSa child = null;
    for (ChildSaState c : sa.children) {
      if (c.inboundSpi() == inboundSpi) {
        child = c.sa();
      }
    }
    if (child == null || !child.udpEncapsulation() || child.localPort() != sa.localPort
        || (sa.peerPort == peerPort && child.peerPort() == peerPort)) {
      return false;
    }
    debugLog(sa, "peer moved to port " + peerPort + " (seen in ESP of SA " + Long.toHexString(inboundSpi) + ")");
    sa.peerPort = peerPort;
    followNatMapping(sa);
    return true;
  }

  /**
   * The IKE SA just moved to the ports of an authenticated message (RFC 7296 §2.23: a NAT remapped the
   * peer). Its UDP-encapsulated Child SAs move with it, since ESP-in-UDP uses the IKE SA's ports, so neither
   * the forwarder nor nat-keepalive keeps sending to the stale mapping.
   */
  private void followNatMapping(IkeSa sa) {
    if (sa.state != IkeSa.State.ESTABLISHED) {
      return; // no Child SA yet: IKE_AUTH builds them with the ports it arrived on
    }
    for (int i = 0; i < sa.children.size(); i++) {
      ChildSa c = sa.children.get(i).sa();
      // only a message that came in on the Child SA's own socket (the forwarder's 4500) names its
      // mapping; one on port 500 says nothing about where ESP-in-UDP goes
      if (c.udpEncapsulation() && c.localPort() == sa.localPort && c.peerPort() != sa.peerPort) {
        ChildSa moved = c.withPeerPort(sa.peerPort);
        sa.children.set(i, new ChildSaState(moved));
        events.childSaRebound(moved);
      }
    }
    events.summaryChanged(sa.summary("ACTIVE"));
  }

  // ============================================================================ our requests

  void pump(IkeSa sa) {
    if (sa.outstanding != null || sa.queue.isEmpty() || sa.state == IkeSa.State.DELETED || sa.outbound == null) {
      return;
    }
    Exchange x = sa.queue.poll();
    List<Payload> payloads = x.request(sa);
    long id = sa.nextRequestId++;
    IkeHeader h = IkeHeader.of(sa.spiI, sa.spiR, x.exchangeType(), sa.requestFlags(), id);
    byte[] bytes = sa.outbound.protect(h, payloads);
    IkeSa.Outstanding out = new IkeSa.Outstanding(id, bytes, x);
    sa.outstanding = out;
    debugLog(sa, "sending", id, PayloadNames.exchange(x.exchangeType()) + " request " + PayloadNames.list(payloads)
        + " (" + x.name() + ")");
    send(sa, bytes);
    if (x.retransmittedByEngine()) {
      scheduleRetransmit(sa, out);
    }
  }

  /** Sends a request without waiting for its answer: the SA is about to go away. */
  void sendUnsolicited(IkeSa sa, List<Payload> payloads) {
    if (sa.outbound == null) {
      return;
    }
    long id = sa.outstanding == null ? sa.nextRequestId : sa.outstanding.messageId + 1;
    sa.nextRequestId = id + 1;
    IkeHeader h = IkeHeader.of(sa.spiI, sa.spiR, IkeConstants.INFORMATIONAL, sa.requestFlags(), id);
    debugLog(sa, "sending", id, "INFORMATIONAL request " + PayloadNames.list(payloads));
    send(sa, sa.outbound.protect(h, payloads));
  }

  private void scheduleRetransmit(IkeSa sa, IkeSa.Outstanding out) {
    out.timer = schedule(retransmit.delayBefore(out.retransmissions), () -> {
      if (sa.outstanding != out || sa.state == IkeSa.State.DELETED) {
        return;
      }
      if (out.retransmissions >= retransmit.tries()) {
        debugLog(sa, "giving up after " + out.retransmissions + " retransmits", out.messageId, "");
        sa.outstanding = null;
        if (out.exchange == null) {
          teardown(sa, "timeout");
        } else {
          out.exchange.failed(sa);
          if (sa.state != IkeSa.State.DELETED) {
            teardown(sa, "timeout");
          }
        }
        return;
      }
      out.retransmissions++;
      stats.retransmitted();
      debugLog(sa, "retransmit " + out.retransmissions + " of request", out.messageId, "");
      send(sa, out.bytes);
      scheduleRetransmit(sa, out);
    });
  }

  private void cancelOutstanding(IkeSa sa) {
    if (sa.outstanding != null && sa.outstanding.timer != null) {
      sa.outstanding.timer.cancel();
    }
    sa.outstanding = null;
  }

  // ============================================================================ teardown

  void removeChild(IkeSa sa, ChildSaState c, String reason) {
    sa.children.remove(c);
    table.releaseChildSpi(c.inboundSpi());
    debugLog(sa, String.format("CHILD_SA %08x_i %08x_o deleted (%s)", c.inboundSpi(), c.outboundSpi(), reason));
    events.childSaDeleted(new ChildSaDeleted(c.inboundSpi(), c.outboundSpi(), sa.peerAddress, reason));
  }

  void teardown(IkeSa sa, String reason) {
    if (sa.state == IkeSa.State.DELETED) {
      return;
    }
    for (ChildSaState c : List.copyOf(sa.children)) {
      removeChild(sa, c, reason);
    }
    Object outstandingExchange = sa.outstanding == null ? null : sa.outstanding.exchange;
    table.remove(sa);
    boolean wasUp = sa.state == IkeSa.State.ESTABLISHED;
    if (sa.rekeyedTo != null) {
      reason = "rekeyed";
    }
    sa.destroy();
    if (outstandingExchange instanceof DpdExchange dpd) {
      dpd.failed(sa);
    }
    debugLog(sa, "IKE SA deleted (" + reason + ")");
    events.ikeSaDown(sa.summary("DELETED"), wasUp ? reason : "negotiation-failed: " + reason);
  }

  // ============================================================================ helpers

  EngineStats stats() {
    return stats;
  }

  int nextConnId() {
    return nextConnId++;
  }

  long now() {
    return wallClock.getAsLong();
  }

  void releaseChildSpi(long spi) {
    table.releaseChildSpi(spi);
  }

  /** Timers run engine code on the event loop: nothing they do may throw there. */
  io.ipsecmesh.proto.time.Scheduler.Timer schedule(long delayMillis, Runnable task) {
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
    transport.send(sa.localAddress, sa.localPort, sa.peerAddress, sa.peerPort, bytes);
  }

  long newIkeSpi() {
    long spi;
    do {
      spi = random.nextLong();
    } while (spi == 0 || table.spiInUse(spi));
    return spi;
  }

  /** Inbound ESP SPIs: random, unique here, and above the reserved range 1–255 (RFC 4303 §2.1). */
  long newChildSpi() {
    long spi;
    do {
      spi = random.nextInt() & 0xffffffffL;
    } while (spi < 256 || !table.reserveChildSpi(spi));
    return spi;
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

  void debugLog(IkeSa sa, String what, long messageId, String detail) {
    if (debug) {
      debugLog(sa, what + " message id " + messageId + " " + detail);
    }
  }

  void debugLog(IkeSa sa, String text) {
    if (debug) {
      String who = sa == null ? "" : "(SA " + sa.connId + " " + sa.peerAddress + ":" + sa.peerPort + ") ";
      LOG.log(System.Logger.Level.INFO, "IKEv2:" + who + text);
    }
  }
}
