package io.ipsecmesh.ike.engine;

import io.ipsecmesh.ike.seam.IkeEventSink;
import io.ipsecmesh.ike.crypto.CrlSource;
import io.ipsecmesh.ike.dos.HalfOpenQuota;
import io.ipsecmesh.ike.policy.PeerPolicy;
import io.ipsecmesh.ike.policy.ConfigPolicies;
import io.ipsecmesh.ike.policy.Credentials;
import io.ipsecmesh.ike.policy.CurrentPeers;
import io.ipsecmesh.ike.policy.PolicyStore;
import io.ipsecmesh.ike.policy.TrustStore;
import io.ipsecmesh.ike.seam.DebugTrace;
import io.ipsecmesh.ike.seam.IkeProtocol;
import io.ipsecmesh.proto.bus.DpdMessages;
import io.ipsecmesh.proto.bus.FwdMessages;
import io.ipsecmesh.proto.bus.IkeMessages.IkeDatagram;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.bus.MgmtMessages;
import io.ipsecmesh.proto.ike.IkeDecodeException;
import io.ipsecmesh.proto.ikev2.IkeCodec;
import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.ikev2.IkeHeader;
import io.ipsecmesh.proto.ikev2.IkeMessage;
import io.ipsecmesh.proto.ikev2.Payload;
import io.ipsecmesh.proto.sa.KeyWrap;
import io.ipsecmesh.proto.time.Scheduler;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The IKEv2 SA manager of this gateway (RFC 7296), after strongSwan's {@code ike_sa_manager}: it finds the
 * IKE SA a datagram belongs to and hands it to that SA's {@link TaskManager}, admits new IKE_SA_INIT requests
 * ({@link InitRequestGate}), and turns the outside world's commands (initiate, ACQUIRE, rekey, delete, clear,
 * DPD probes, INVALID_SPI, NAT mappings) into {@link Task}s queued on the right SA. The exchanges themselves
 * are the tasks'. Single-threaded: the verticle calls it on its event loop only, and timers run there too
 * (injectable {@link Scheduler}, so tests drive it in virtual time). Every entry point catches what it does
 * not expect: nothing a peer sends can throw onto the event loop.
 */
public final class IkeEngine implements IkeProtocol {

  static final System.Logger LOG = SaServices.LOG;
  public static final int IKE_PORT = 500;
  public static final int NATT_PORT = 4500;

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

  private final SaServices s;
  final IkeSaTable table;
  private final IkeTakeover takeover;
  private final InitRequestGate gate;
  /** Our certificate and key for {@code authentication rsa-sig} profiles; null without them. */
  private Credentials credentials;

  public IkeEngine(Scheduler scheduler, Transport transport, IkeEventSink events, PolicyStore policies,
      KeyWrap keyWrap, RetransmitPolicy retransmit, Limits limits, LongSupplier wallClock) {
    this.s = new SaServices(scheduler, transport, events, policies, keyWrap, retransmit, limits, wallClock);
    this.table = s.table;
    this.takeover = new IkeTakeover(s);
    this.gate = new InitRequestGate(s);
  }

  /**
   * The forwarder that owns the Child SA on {@code inboundSpi} accepts ESP on it ({@code sa.child.accepted}): the
   * answer that installed it may leave ({@link InstallConfirmations}).
   */
  public void childSaAccepted(long inboundSpi) {
    s.confirmations.accepted(inboundSpi);
  }

  public void setStats(EngineStats stats) {
    s.setStats(stats);
  }

  /**
   * UDP-encapsulate ESP even without a NAT (strongSwan's {@code encap = yes}): our NAT_DETECTION_SOURCE_IP is
   * faked so the peer detects a NAT too (§2.23 lets a host do so), and we act as if we had detected one. For
   * hosts that cannot open a raw ESP socket (no root), e.g. the loopback demo.
   */
  public void setForceUdpEncapsulation(boolean on) {
    s.nat.setForceUdpEncapsulation(on);
  }

  /**
   * {@code no crypto ipsec nat-transparency udp-encapsulation}: ESP goes raw (IP protocol 50) unless UDP
   * encapsulation is the only way through, i.e. NAT-D shows a NAT (or the peer says so, faking it: it will
   * encapsulate, so we must too). What it turns off is our own choice to encapsulate without a NAT
   * ({@link #setForceUdpEncapsulation}); a NAT still gets NAT-T, as on IOS.
   */
  public void setNatTransparency(boolean on) {
    s.nat.setNatTransparency(on);
  }

  /**
   * {@code crypto ikev2 fragmentation [mtu N]} (RFC 7383), null for off: offered in every IKE_SA_INIT from now on;
   * IKE SAs keep what they negotiated.
   */
  public void setFragmentation(io.ipsecmesh.proto.config.Ikev2Fragmentation f) {
    s.setFragmentation(f);
  }


  /** {@code debug crypto ikev2}: log every exchange (never keys). */
  public void setDebug(boolean on) {
    s.setDebug(on);
  }

  /** The CRLs certificate checks use; {@code fetch} must report back on this engine's thread. */
  public void setCrlSource(CrlSource crls) {
    s.setCrlSource(crls);
  }

  public int ikeSaCount() {
    return table.size();
  }

  public int halfOpenCount() {
    return table.halfOpenCount();
  }

  /** Scale-out (several ike-service instances): checkpoints, adoption and release of IKE SAs. */
  public IkeTakeover takeover() {
    return takeover;
  }

  // ============================================================================ inbound

  /** One IKE message as received on {@code localPort} (non-ESP marker already removed). */
  public void receive(String localAddress, int localPort, String peerAddress, int peerPort, byte[] msg) {
    try {
      dispatch(new Datagram(localAddress, localPort, peerAddress, peerPort, msg));
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "IKEv2: dropped message from " + peerAddress + ":" + peerPort
          + " after internal error " + e);
    }
  }

  private void dispatch(Datagram d) {
    IkeMessage m;
    try {
      IkeCodec.decodeHeader(d.msg());
      m = IkeCodec.decode(d.msg());
    } catch (IkeDecodeException e) {
      s.stats().malformed();
      s.debugLog(null, "drop malformed from " + d.peerAddress() + ":" + d.peerPort() + ": " + e.getMessage());
      return;
    }
    IkeHeader h = m.header();
    s.stats().received(PayloadNames.exchange(h.exchangeType()));
    if (h.exchangeType() == IkeConstants.IKE_SA_INIT && !h.isResponse()) {
      if (h.responderSpi() == 0 && h.messageId() == 0) {
        s.traceReceived(null, d, h);
        gate.onInitRequest(d, m);
      }
      return;
    }
    // the I flag tells which SPI is ours (§3.1): a message from the original initiator names our SPI as SPIr
    long ours = h.isFromInitiator() ? h.responderSpi() : h.initiatorSpi();
    IkeSa sa = table.bySpi(ours);
    if (sa == null || sa.initiator == h.isFromInitiator() || sa.state == IkeSa.State.DELETED) {
      s.debugLog(null, "drop " + PayloadNames.exchange(h.exchangeType()) + " for unknown IKE SA from "
          + d.peerAddress());
      return;
    }
    if (!h.isResponse() && (sa.spiR != h.responderSpi() || sa.spiI != h.initiatorSpi())) {
      return;
    }
    s.traceReceived(sa, d, h);
    sa.tasks.receive(d, m);
  }

  // ============================================================================ commands

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
    IkeSa sa = s.newSa(true, s.newIkeSpi(), policy, local, IKE_PORT, policy.peerAddress(), IKE_PORT);
    table.add(sa);
    sa.state = IkeSa.State.INIT_SENT;
    sa.tasks.queue(IkeInitTask.initiator(s, policy.ikeSuites().get(0).dh()), new NatDetectionTask(s));
    s.events.summaryChanged(sa.summary("ACTIVE"));
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
    for (IkeSa x : table.withPeer(policy.peerAddress())) {
      if (x.state != IkeSa.State.DELETED && x.rekeyedTo == null) {
        sa = x;
      }
    }
    if (sa == null) {
      initiate(policy);
      return;
    }
    boolean covered = sa.children.stream().anyMatch(c -> c.sa().cryptoMap().equals(policy.cryptoMap())
        && c.sa().mapSequence() == policy.mapSequence());
    boolean pending = sa.tasks.has(t -> t.type() == Task.Type.CHILD_CREATE);
    if (sa.state == IkeSa.State.ESTABLISHED && !covered && !pending) {
      sa.tasks.queue(new ChildCreateTask(s));
    }
  }

  /** Whether an IKE SA (in negotiation or up) exists with this peer: ACQUIREs must not pile up. */
  public boolean hasSaWith(String peerAddress) {
    // no snapshot of the peer's SAs: a failover after each of 100 000 DPD deaths behind one address copied them all
    return table.anyWithPeer(peerAddress, x -> x.state != IkeSa.State.DELETED);
  }

  /**
   * dpd-service's probe ({@code dpd.probe}): attempt 0 sends an empty INFORMATIONAL, later attempts resend it;
   * {@code outcome} gets true when the exchange in flight is answered, false when the SA goes or a later attempt
   * supersedes this one. dpd-service owns the schedule; nothing here times a probe ({@link TaskManager#probe}).
   */
  public void probe(String ikeSaId, int attempt, Consumer<Boolean> outcome) {
    try {
      IkeSa sa = table.byId(ikeSaId);
      if (sa == null) {
        outcome.accept(false);
        return;
      }
      sa.tasks.probe(attempt, outcome);
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
    s.teardown(sa, "dpd");
    return true;
  }

  /** Starts an IKE SA rekey now (normally the IKE lifetime does). */
  public boolean rekeyIke(String ikeSaId) {
    IkeSa sa = table.byId(ikeSaId);
    if (sa == null || sa.state != IkeSa.State.ESTABLISHED || sa.rekeyedTo != null) {
      return false;
    }
    sa.tasks.queue(new IkeRekeyTask(s));
    return true;
  }

  /**
   * Rekeys the Child SA whose inbound SPI is {@code inboundSpi} (the forwarder reported its soft
   * lifetime): CREATE_CHILD_SA with N(REKEY_SA), PFS when {@code set pfs}, then DELETE of the old SA.
   */
  public boolean rekeyChild(long inboundSpi) {
    IkeSa sa = table.childOwner(inboundSpi);
    if (sa != null && sa.state == IkeSa.State.ESTABLISHED) {
      for (ChildSaState c : sa.children) {
        if (c.inboundSpi() == inboundSpi) {
          sa.tasks.queue(new ChildRekeyTask(s, c));
          return true;
        }
      }
    }
    return false;
  }

  /** {@code clear crypto session [remote X]}: DELETE to each peer, then gone at once. Returns {IKE, Child} counts. */
  public int[] clear(String remoteAddress) {
    return clearBetween(new MgmtMessages.ClearSession(remoteAddress));
  }

  /** {@code clear crypto session [local A [port N]] [remote A [port N]]}: the IKE SAs between those endpoints. */
  public int[] clearBetween(MgmtMessages.ClearSession which) {
    int ike = 0;
    int child = 0;
    List<IkeSa> candidates = which.remoteAddress() == null ? table.all() : table.withPeer(which.remoteAddress());
    for (IkeSa sa : candidates) {
      if (!which.matches(sa.localAddress, sa.localPort, sa.peerAddress, sa.peerPort)) {
        continue;
      }
      ike++;
      child += sa.children.size();
      deleteNow(sa, "clear");
    }
    return new int[] {ike, child};
  }

  /** Deletes every IKE SA (shutdown): DELETE to each established peer. */
  @Override
  public void shutdown() {
    clear(null);
  }

  /** The forwarder reports a hard lifetime or idle timeout: delete that Child SA with a DELETE payload. */
  public boolean deleteChild(long inboundSpi, String reason) {
    IkeSa sa = table.childOwner(inboundSpi);
    if (sa != null) {
      for (ChildSaState c : List.copyOf(sa.children)) {
        if (c.inboundSpi() == inboundSpi) {
          s.removeChild(sa, c, reason);
          if (sa.state == IkeSa.State.ESTABLISHED) {
            sa.tasks.queue(DeleteTask.child(s, "DELETE-CHILD", inboundSpi));
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
    boolean last = !table.anyWithPeer(sa.peerAddress,
        x -> x.children.stream().anyMatch(c -> c.inboundSpi() != inboundSpi));
    if (!last) {
      return deleteChild(inboundSpi, "idle");
    }
    deleteNow(sa, "idle");
    return true;
  }

  /** A DELETE of the IKE SA that waits for no answer (the SA goes at once), then the SA is gone. */
  private void deleteNow(IkeSa sa, String reason) {
    if (sa.state == IkeSa.State.ESTABLISHED) {
      sa.tasks.sendUnsolicited(List.of(new Payload.Delete(IkeConstants.PROTO_IKE, 0, List.of())));
    }
    s.teardown(sa, reason);
  }

  /** {@link #invalidSpi(String, long, boolean)} with {@code crypto isakmp invalid-spi-recovery} on. */
  public boolean invalidSpi(String peerAddress, long spi) {
    return invalidSpi(peerAddress, spi, true);
  }

  /**
   * ESP arrived for an SPI we do not know: tell the peer with an INVALID_SPI notify (RFC 7296 §2.21.4) in an
   * INFORMATIONAL of an IKE SA we share with it; with {@code crypto isakmp invalid-spi-recovery}
   * ({@code recovery}) and no IKE SA, set one up for the purpose ({@link InvalidSpiRecovery}). Returns whether a
   * notify or an IKE SA is under way.
   */
  @Override
  public boolean invalidSpi(String peerAddress, long spi, boolean recovery) {
    return s.invalidSpis.report(peerAddress, spi, recovery, this::initiate);
  }

  /** Invalid-SPI reports refused by the rate limits. */
  public long invalidSpiRefused() {
    return s.invalidSpis.refused();
  }

  /** The forwarder saw the peer's new port in authenticated ESP ({@code fwd.nat-mapping}): see {@link NatMobility}. */
  @Override
  public boolean natMappingSeenInEsp(long inboundSpi, String peerAddress, int peerPort) {
    return s.nat.seenInEsp(table.childOwner(inboundSpi), inboundSpi, peerAddress, peerPort);
  }

  // ============================================================================ the seam (IkeProtocol)

  /** Our certificate and key ({@code --ike-cert-file} …), which {@link #configure} gives rsa-sig profiles. */
  public void setCredentials(Credentials credentials) {
    this.credentials = credentials;
  }

  @Override
  public int majorVersion() {
    return 2; // RFC 7296 §3.1
  }

  /** {@code debug crypto ikev2}. */
  @Override
  public DebugTrace trace() {
    return s.trace;
  }

  /** Ours when either SPI is one of our SPIs (§3.1: the I flag says which, the engine checks it on dispatch). */
  @Override
  public boolean ownsIkeSa(long initiatorSpi, long responderSpi) {
    return initiatorSpi != 0 && table.bySpi(initiatorSpi) != null
        || responderSpi != 0 && table.bySpi(responderSpi) != null;
  }

  @Override
  public boolean ownsIkeSa(String ikeSaId) {
    return table.byId(ikeSaId) != null;
  }

  @Override
  public boolean ownsChildSa(long inboundSpi) {
    return table.childOwner(inboundSpi) != null;
  }

  /** An entry with a {@code set ikev2-profile} has IKEv2 policies (a dynamic map's template is never ACQUIRE's). */
  @Override
  public boolean ownsMapEntry(String cryptoMap, int mapSequence) {
    return s.policies.all().stream()
        .anyMatch(p -> !p.anyPeer() && p.cryptoMap().equals(cryptoMap) && p.mapSequence() == mapSequence);
  }

  @Override
  public void receive(IkeDatagram d) {
    receive(d.localAddress(), d.localPort(), d.peerAddress(), d.peerPort(), d.message());
  }

  @Override
  public void configure(GatewayConfig config, String localAddress) {
    s.policies.replace(ConfigPolicies.from(config, localAddress, credentials,
        TrustStore.from(config.pkiTrustpoints())));
    setNatTransparency(config.natTransparency());
    setFragmentation(config.ikev2Fragmentation());
  }

  @Override
  public int policyCount() {
    return s.policies.all().size();
  }

  @Override
  public void acquire(FwdMessages.Acquire a, CurrentPeers current) {
    current.forAcquire(s.policies, a.cryptoMap(), a.sequence()).ifPresent(this::acquire);
  }

  @Override
  public void probe(DpdMessages.ProbeRequest r, Consumer<DpdMessages.ProbeOutcome> reply) {
    probe(r.ikeSaId(), r.attempt(), ack -> reply.accept(new DpdMessages.ProbeOutcome(r.ikeSaId(), ack)));
  }

  @Override
  public void peerDead(DpdMessages.PeerDead dead, CurrentPeers current) {
    IkeSa sa = table.byId(dead.ikeSaId());
    // dpd-service names the next peer by the dead one's address, which a host-name peer list does not contain
    String next = sa != null && sa.policy.peerHost() != null
        ? s.policies.nextSetPeer(sa.policy).orElse(dead.nextPeer()) : dead.nextPeer();
    peerDead(dead.ikeSaId());
    if (next != null) {
      failOver(next, current);
    }
  }

  /** The next {@code set peer} stays the entry's peer for later ACQUIREs ({@link CurrentPeers}). */
  @Override
  public boolean failOver(String nextPeer, CurrentPeers current) {
    return s.policies.forPeer(nextPeer).map(next -> {
      current.failedOver(next);
      if (!hasSaWith(next.peerAddress())) {
        initiate(next);
      }
      return next;
    }).isPresent();
  }

  @Override
  public int[] clearSession(MgmtMessages.ClearSession which) {
    return clearBetween(which);
  }

  @Override
  public void childSaExpired(long inboundSpi, FwdMessages.Limit limit) {
    if (limit == FwdMessages.Limit.HARD) {
      deleteChild(inboundSpi, "lifetime");
    } else {
      rekeyChild(inboundSpi);
    }
  }

  @Override
  public void childSaIdle(long inboundSpi) {
    idleChild(inboundSpi);
  }
}
