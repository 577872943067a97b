package io.ipsecmesh.ike.v1;

import io.ipsecmesh.ike.policy.CurrentPeers;
import io.ipsecmesh.ike.policy.SetPeers;
import io.ipsecmesh.ike.seam.IkeEventSink;
import io.ipsecmesh.ike.seam.DebugTrace;
import io.ipsecmesh.ike.seam.IkeProtocol;
import io.ipsecmesh.proto.bus.DpdMessages.PeerDead;
import io.ipsecmesh.proto.bus.FwdMessages;
import io.ipsecmesh.proto.bus.MgmtMessages;
import io.ipsecmesh.ike.engine.RetransmitPolicy;
import io.ipsecmesh.proto.bus.DpdMessages.ProbeOutcome;
import io.ipsecmesh.proto.bus.DpdMessages.ProbeRequest;
import io.ipsecmesh.proto.bus.IkeMessages.IkeDatagram;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.ikev1.IsakmpCodec;
import io.ipsecmesh.proto.sa.EzvpnStatus;
import io.ipsecmesh.proto.sa.KeyWrap;
import io.ipsecmesh.proto.config.EzvpnClient;
import io.ipsecmesh.proto.time.Scheduler;
import java.util.List;
import java.util.function.Consumer;

/**
 * The seam between {@code IkeVerticle} and IKEv1: the verticle keeps its sockets and bus consumers and
 * hands every datagram whose ISAKMP major version is 1 to {@link #receive}; the events come back through
 * the {@link io.ipsecmesh.ike.seam.IkeEventSink} both versions report to. Thread rule: call everything on
 * the verticle's context (the engine is single-threaded), with a {@link Scheduler} bound to it.
 */
public final class Ikev1Service implements IkeProtocol {

  private static final System.Logger LOG = System.getLogger("io.ipsecmesh.ike");

  private final Ikev1Engine engine;
  /** Where replies and timer-driven messages go: the transport given at construction. */
  private final Consumer<IkeDatagram> send;
  private final EasyVpnRemotes easyVpn;

  /** Where the Easy VPN remotes' state goes ({@code show crypto ipsec client ezvpn}, the forwarder). */
  public interface EasyVpnSink {
    EasyVpnSink NONE = new EasyVpnSink() {
      @Override
      public void changed(EzvpnStatus status) {}

      @Override
      public void removed(String name) {}
    };

    void changed(EzvpnStatus status);

    void removed(String name);
  }

  public Ikev1Service(Scheduler scheduler, IkeEventSink listener, Consumer<IkeDatagram> send) {
    this(scheduler, listener, KeyWrap.fromEnvironment(), RetransmitPolicy.DEFAULT, send);
  }

  public Ikev1Service(Scheduler scheduler, IkeEventSink listener, KeyWrap keyWrap, RetransmitPolicy retransmit,
      Consumer<IkeDatagram> send) {
    this.easyVpn = new EasyVpnRemotes(listener, System::currentTimeMillis);
    this.engine = new Ikev1Engine(scheduler, easyVpn, keyWrap, retransmit, send);
    this.send = send;
  }

  Ikev1Engine engine() {
    return engine;
  }

  /**
   * The DoS limits shared with IKEv2 ({@code ike-half-open-per-peer}, {@code ike-max-child-sas}): responder
   * Main Modes per peer address before authentication, Child SAs (Quick Modes) per ISAKMP SA.
   */
  public void setLimits(int halfOpenPerPeer, int maxChildSas) {
    engine.table.halfOpenPerPeer = new io.ipsecmesh.ike.dos.HalfOpenQuota(halfOpenPerPeer);
    engine.maxChildSas = maxChildSas;
  }

  /** Where the DoS limits count (ike-service's metrics). */
  public void setStats(io.ipsecmesh.ike.dos.DosCounters stats) {
    engine.stats = stats;
  }

  /** Whether this datagram (without non-ESP marker) is ISAKMP major version 1, i.e. this service's. */
  public boolean handles(byte[] datagram) {
    return IsakmpCodec.isIsakmp(datagram);
  }

  /**
   * One ISAKMP datagram (non-ESP marker removed, local port 500 or 4500 as it arrived). Replies go to
   * {@code send}, which also becomes the sender for timer-driven messages (retransmissions, probes).
   */
  public void receive(IkeDatagram in, Consumer<IkeDatagram> send) {
    engine.receive(in, send);
  }

  /** {@code config.changed}: the IKEv1 crypto map entries of the new configuration. */
  @Override
  public void configure(GatewayConfig config, String fallbackLocalAddress) {
    List<Ikev1Policy> easyVpn = EasyVpnPolicies.from(config);
    List<Ikev1Policy> all = new java.util.ArrayList<>(Ikev1Policies.from(config, fallbackLocalAddress));
    all.addAll(Ikev1TunnelPolicies.from(config, fallbackLocalAddress));
    all.addAll(easyVpn);
    engine.setPolicies(all);
    engine.setTemplates(Ikev1Policies.templates(config, fallbackLocalAddress));
    engine.setNatTransparency(config.natTransparency());
    engine.setAggressiveModeAccepted(!config.aggressiveModeDisabled());
    this.easyVpn.configure(config.ezvpnClients());
    // connect auto (the IOS default): each Easy VPN remote comes up with its first peer once configured; DPD
    // fails over to the next (dpd-service, by the remote's peer list). connect manual waits for the exec command.
    for (EzvpnClient c : config.ezvpnClients()) {
      if (c.connect() == EzvpnClient.Connect.AUTO) {
        connect(c.name());
      }
    }
  }

  /** Where the Easy VPN remotes' state goes; call before {@link #configure}. */
  public void setEasyVpnSink(EasyVpnSink sink) {
    easyVpn.sink(sink);
  }

  /** The state of an Easy VPN remote, or null when there is no such remote. */
  public EzvpnStatus easyVpnStatus(String name) {
    return easyVpn.status(name);
  }

  /**
   * {@code crypto ipsec client ezvpn connect NAME} (and {@code connect auto}): Aggressive Mode + XAUTH + Mode Config
   * + Quick Mode with the remote's current peer (its first, or the one DPD failed over to). Null when it started
   * or is already up, else what IOS would print.
   */
  public String connect(String name) {
    if (!easyVpn.known(name)) {
      return "% No such Easy VPN remote: " + name;
    }
    List<Ikev1Policy> peers = engine.policies().stream().filter(p -> p.xauth() != null
        && p.cryptoMap().equals(name)).toList();
    if (peers.isEmpty()) {
      return "% Easy VPN remote " + name + " cannot connect: it needs a group, a peer, username/password and an"
          + " interface with crypto ipsec client ezvpn " + name + " outside";
    }
    for (Ikev1Policy p : peers) {
      if (engine.ikeSaIdFor(p.peerAddress()) != null) {
        return null; // up or negotiating with one of its peers already
      }
    }
    String current = easyVpn.currentPeer(name);
    start(peers.stream().filter(p -> current != null && p.names(current)).findFirst().orElse(peers.getFirst()));
    return null;
  }

  /**
   * {@code clear crypto ipsec client ezvpn [NAME]}: DELETEs the remote's ISAKMP and IPsec SAs (IOS: "resets the
   * Cisco Easy VPN remote state machine"); a {@code connect auto} remote then connects again, as on IOS.
   * Returns the ISAKMP SAs deleted.
   */
  public int clearEasyVpn(String name) {
    int n = 0;
    for (Ikev1Policy p : List.copyOf(engine.policies())) {
      if (p.xauth() != null && (name == null || p.cryptoMap().equals(name))
          && engine.ikeSaIdFor(p.peerAddress()) != null) {
        n += engine.clear(p.peerAddress(), "clear crypto ipsec client ezvpn")[0];
      }
    }
    for (EzvpnClient c : easyVpn.clients()) {
      if ((name == null || c.name().equals(name)) && c.connect() == EzvpnClient.Connect.AUTO) {
        connect(c.name());
      }
    }
    return n;
  }

  /**
   * Whether an ACQUIRE for this crypto map entry must not start a negotiation: an Easy VPN remote with {@code
   * connect manual} is brought up by the exec command only (Cisco IOS XE DPD chapter, "Configuring DPD for an
   * Easy VPN Remote": "Manually establishes and terminates an IPsec VPN tunnel on demand").
   */
  public boolean waitsForConnect(String cryptoMap) {
    return easyVpn.manual(cryptoMap);
  }

  /**
   * Every initiation goes through here, so an Easy VPN remote's state follows the peer it tries. A peer given by a
   * host name that is resolved at each attempt ({@code set peer HOST dynamic}, an Easy VPN {@code peer HOST}) is
   * resolved again first ({@link #resolveForAttempt}). Returns the policy started, null when none could be (no peer
   * of the entry resolves).
   */
  private Ikev1Policy start(Ikev1Policy p) {
    p = resolveForAttempt(p);
    if (p == null) {
      return null;
    }
    if (p.xauth() != null) {
      easyVpn.connecting(p.xauth().name(), p.peerAddress());
    }
    engine.initiate(p);
    return p;
  }

  /**
   * The policy an attempt with {@code p} goes to ({@link SetPeers#forAttempt}, as IKEv2's {@code PolicyStore} does):
   * {@code p} when its peer is an address or resolved once; else bound to what the name resolves to now, in the
   * entry's family, replacing the entry's policy for that peer (so the peer's requests are recognised at its new
   * address too); a name that does not resolve is passed over for the entry's next peer, in list order, wrapping.
   * Null when none resolves.
   */
  private Ikev1Policy resolveForAttempt(Ikev1Policy p) {
    if (!p.resolveEachAttempt()) {
      return p;
    }
    String context = p.xauth() != null ? "crypto ipsec client ezvpn " + p.xauth().name() + ": peer"
        : "crypto map " + p.cryptoMap() + " " + p.mapSequence() + ": set peer";
    Ikev1Policy bound = SetPeers.forAttempt(entryPeers(p), p, Ikev1Policies.RESOLVER.get(), this::rebind, context)
        .orElse(null);
    if (bound == null) {
      LOG.log(System.Logger.Level.WARNING, "ike-service: " + context.substring(0, context.lastIndexOf(':'))
          + ": no peer resolves to an address of its family; " + (p.xauth() != null
          ? "the remote stays down (legacy Easy VPN is IPv4 only)" : "no negotiation"));
    }
    return bound;
  }

  /** {@code p} bound to {@code address}, in place of {@code p} among the engine's policies. */
  private Ikev1Policy rebind(Ikev1Policy p, String address) {
    Ikev1Policy bound = p.withPeerAddress(address);
    List<Ikev1Policy> all = new java.util.ArrayList<>(engine.policies());
    all.replaceAll(x -> x == p ? bound : x);
    engine.setPolicies(all);
    LOG.log(System.Logger.Level.INFO, "ike-service: " + (p.xauth() != null ? "crypto ipsec client ezvpn "
        + p.xauth().name() + ": peer " : "crypto map " + p.cryptoMap() + " " + p.mapSequence() + ": set peer ")
        + p.peerHost() + " resolves to " + address);
    return bound;
  }

  /** The policies of {@code p}'s crypto map entry (or Easy VPN remote), one per peer in list order. */
  private List<Ikev1Policy> entryPeers(Ikev1Policy p) {
    return engine.policies().stream().filter(x -> x.sameEntry(p) && (x.xauth() == null) == (p.xauth() == null))
        .toList();
  }

  /** The IKEv1 tunnel interfaces of the configuration ({@link Ikev1TunnelPolicies}), for the {@code TunnelKeeper}. */
  public List<Ikev1Policy> tunnels() {
    return engine.policies().stream().filter(Ikev1TunnelPolicies::isTunnel).toList();
  }

  /** The {@code TunnelKeeper}'s bring-up of an IKEv1 tunnel interface ({@link Ikev1Engine#keepUp}). */
  public void keepUp(Ikev1Policy tunnel) {
    engine.keepUp(tunnel);
  }

  public void setPolicies(List<Ikev1Policy> policies) {
    engine.setPolicies(policies);
  }

  /** Whether a crypto map entry is negotiated with IKEv1 here (for the verticle's acquire dispatch). */
  @Override
  public boolean ownsMapEntry(String cryptoMap, int mapSequence) {
    return engine.policies().stream().anyMatch(p -> p.cryptoMap().equals(cryptoMap) && p.mapSequence() == mapSequence);
  }

  /**
   * {@code fwd.acquire} for an IKEv1 crypto map entry: Main Mode + Quick Mode with its first peer (or
   * {@code peer} when given, by address or {@code set peer} host name, e.g. the failover's next peer). False when no
   * IKEv1 policy matches.
   */
  public boolean acquire(String cryptoMap, int mapSequence, String peer) {
    for (Ikev1Policy p : engine.policies()) {
      if (p.cryptoMap().equals(cryptoMap) && p.mapSequence() == mapSequence && (peer == null || p.names(peer))) {
        if (Ikev1TunnelPolicies.isTunnel(p)) {
          engine.keepUp(p); // a tunnel interface: at most one negotiation, none while its SA is up
          return true;
        }
        IsakmpSa up = p.xauth() == null ? null : engine.table.findByPeer(p.peerAddress());
        if (up != null && !up.children.isEmpty()) {
          // an Easy VPN remote has its one Child SA (Mode Config's selectors): traffic its selectors do not cover
          // is not the tunnel's, and another Quick Mode would only negotiate the same SA again
          return true;
        }
        start(p);
        return true;
      }
    }
    return false;
  }

  public void initiate(Ikev1Policy policy) {
    start(policy);
  }

  /**
   * {@code dpd.probe}: an R-U-THERE with the next sequence number (RFC 3706 §6.2: in IKEv1 every attempt,
   * also dpd-service's retransmissions, is a new probe); the reply comes when the ACK arrives or after
   * {@code timeoutMillis}.
   */
  @Override
  public void probe(ProbeRequest request, Consumer<ProbeOutcome> reply) {
    IsakmpSa sa = engine.findById(request.ikeSaId());
    if (sa != null && sa.established() && !sa.peerDpd) {
      // RFC 3706 §5.1 forbids the probe; IOS never declares such a peer dead, so neither may dpd-service
      reply.accept(new ProbeOutcome(request.ikeSaId(), false, true));
      return;
    }
    engine.probe(request.ikeSaId(), request.timeoutMillis(),
        acked -> reply.accept(new ProbeOutcome(request.ikeSaId(), acked)));
  }

  /** Whether an ISAKMP SA id ({@code cookieI:cookieR}) belongs to IKEv1, for dispatching dpd.probe. */
  public boolean knowsSa(String ikeSaId) {
    return engine.findById(ikeSaId) != null;
  }

  /** {@code fwd.sa-expired} SOFT: a new Quick Mode; the old Child SA is deleted once the new one is up. */
  public boolean rekeyChild(long inboundSpi) {
    return engine.rekeyChild(inboundSpi);
  }

  /** {@code fwd.sa-expired} HARD: DELETE of one Child SA. */
  public void deleteChild(long inboundSpi, String reason) {
    engine.deleteChild(inboundSpi, reason);
  }

  /**
   * {@code fwd.sa-idle}: DELETE of the Child SA, and of the ISAKMP SA when it was the last IPsec SA with
   * that peer (the seed's idle-timer rule). False when the SPI is not an IKEv1 Child SA.
   */
  public boolean idleChild(long inboundSpi) {
    return engine.idleChild(inboundSpi);
  }

  /** {@code fwd.nat-mapping}: see {@link Ikev1Engine#natMappingSeenInEsp}. False when the SPI is not an IKEv1 Child SA. */
  @Override
  public boolean natMappingSeenInEsp(long inboundSpi, String peerAddress, int peerPort) {
    return engine.natMappingSeenInEsp(inboundSpi, peerAddress, peerPort);
  }

  /** The crypto map entry and peer an ISAKMP SA was negotiated for (failover stays in that entry), or null. */
  public Ikev1Policy policyOf(String ikeSaId) {
    IsakmpSa sa = engine.findById(ikeSaId);
    return sa == null ? null : sa.policy;
  }

  /**
   * {@code clear crypto session [remote X]} (null = all) and {@code dpd.peer.dead}: DELETEs, then the
   * events. Returns {ISAKMP SAs, Child SAs} deleted, for {@code ClearSessionResult}.
   */
  public int[] clear(String peerAddress, String reason) {
    return engine.clear(peerAddress, reason);
  }

  /** {@code clear crypto session local … remote … port …}: the ISAKMP SAs between those endpoints. */
  public int[] clearBetween(io.ipsecmesh.proto.bus.MgmtMessages.ClearSession which, String reason) {
    return engine.clearBetween(which, reason);
  }

  /** {@code debug crypto isakmp} / {@code undebug}: the IKEv1 trace ({@link IsakmpDebug}). */
  /**
   * IKE scale-out: datagrams go to the instance that owns their initiator cookie, so as initiator only cookies
   * this instance owns are chosen. IKEv1 SAs are not checkpointed: they stay with that instance while it lives.
   */
  /** Scale-out: checkpoints, adoption and release of ISAKMP SAs. */
  public Ikev1Takeover takeover() {
    return engine.takeover;
  }

  public void setOwnCookies(java.util.function.LongPredicate own) {
    engine.table.ownCookie = own;
  }

  public void setDebug(boolean on) {
    engine.debug.trace().set(on);
  }

  /** {@code fwd.invalid-spi} with {@code crypto isakmp invalid-spi-recovery}: INVALID-SPI to the peer. */
  public boolean invalidSpi(String peerAddress, long spi) {
    return engine.invalidSpi(peerAddress, spi, true);
  }

  /** @param recovery {@code crypto isakmp invalid-spi-recovery}: may set up an ISAKMP SA to notify */
  @Override
  public boolean invalidSpi(String peerAddress, long spi, boolean recovery) {
    return engine.invalidSpi(peerAddress, spi, recovery);
  }

  public String ikeSaIdFor(String peerAddress) {
    return engine.ikeSaIdFor(peerAddress);
  }

  /** IKEv1 policies (one per keyed {@code set peer} of an IKEv1 crypto map entry) of the configuration. */
  @Override
  public int policyCount() {
    return engine.policies().size();
  }

  public int activeSaCount() {
    return engine.activeSaCount();
  }

  // ============================================================================ the seam (IkeProtocol)

  @Override
  public int majorVersion() {
    return io.ipsecmesh.proto.ikev1.IsakmpConstants.MAJOR_VERSION;
  }

  /** {@code debug crypto isakmp}. */
  @Override
  public DebugTrace trace() {
    return engine.debug.trace();
  }

  /** An ISAKMP SA is found by its initiator cookie (RFC 2408 §2.5.3), ours or the peer's. */
  @Override
  public boolean ownsIkeSa(long initiatorSpi, long responderSpi) {
    return engine.table.byCookie(initiatorSpi) != null;
  }

  @Override
  public boolean ownsIkeSa(String ikeSaId) {
    return knowsSa(ikeSaId);
  }

  /** Also a Child SA whose ISAKMP SA ended: IKEv1 keeps those to their own lifetime (RFC 2409 §5.5). */
  @Override
  public boolean ownsChildSa(long inboundSpi) {
    return engine.table.holding(inboundSpi) != null || engine.table.orphans.values().stream()
        .anyMatch(l -> l.stream().anyMatch(c -> c.inboundSpi() == inboundSpi));
  }

  @Override
  public void receive(IkeDatagram datagram) {
    receive(datagram, send);
  }

  /** After a DPD failover the entry stays with the peer it reached ({@link CurrentPeers}), as for IKEv2. */
  @Override
  public void acquire(FwdMessages.Acquire a, CurrentPeers current) {
    if (waitsForConnect(a.cryptoMap())) {
      return; // connect manual: only the exec command brings an Easy VPN remote up
    }
    String peer = current.current(a.cryptoMap(), a.sequence()).orElse(null);
    if (peer == null || !acquire(a.cryptoMap(), a.sequence(), peer)) {
      acquire(a.cryptoMap(), a.sequence(), null);
    }
  }

  /**
   * DPD declared an IKEv1 peer dead: its ISAKMP and IPsec SAs go, and with a next peer the crypto map entry (or Easy
   * VPN remote) fails over to it and stays there for later ACQUIREs ({@link CurrentPeers}). The next peer is found
   * as IKEv2 finds it ({@link SetPeers#next}) when the dead peer was given by host name or is an Easy VPN remote's:
   * dpd-service knows the dead peer by address only and cannot place it in a list of names (the DPD chapter: "the
   * router switches over to the next listed peer"; "DPD Used in Conjunction with Multiple Peers for an Easy VPN
   * Remote"); otherwise dpd-service's choice, which may itself be a host name.
   */
  @Override
  public void peerDead(PeerDead d, CurrentPeers current) {
    Ikev1Policy dead = policyOf(d.ikeSaId());
    clear(d.peerAddress(), "dpd");
    if (dead == null) {
      return;
    }
    String next = dead.peerHost() != null || dead.xauth() != null
        ? SetPeers.next(entryPeers(dead), dead).orElse(d.nextPeer()) : d.nextPeer();
    if (next == null) {
      return;
    }
    Ikev1Policy to = entryPeers(dead).stream().filter(p -> p.names(next)).findFirst().orElse(null);
    if (to == null) {
      LOG.log(System.Logger.Level.WARNING, "ike-service: cannot fail over to " + next + ": not an IKEv1 "
          + "peer of crypto map " + dead.cryptoMap() + " " + dead.mapSequence() + " (no crypto isakmp key?)");
      return;
    }
    if (Ikev1TunnelPolicies.isTunnel(to) || ikeSaIdFor(to.peerAddress()) != null && !to.resolveEachAttempt()) {
      current.failedOver(to);
      if (Ikev1TunnelPolicies.isTunnel(to)) {
        engine.keepUp(to); // a tunnel interface: at most one negotiation
      }
      return;
    }
    Ikev1Policy started = start(to);
    if (started != null) {
      current.failedOver(started);
    }
  }

  /**
   * Stateless failover ({@code dpd.peer.dead} with {@code nextPeer}) of an ISAKMP SA nobody here holds: Main Mode
   * + Quick Mode with that {@code set peer} (address or host name) of its crypto map entry. False when it is not an
   * IKEv1 peer of ours.
   */
  @Override
  public boolean failOver(String nextPeer, CurrentPeers current) {
    Ikev1Policy p = engine.policies().stream().filter(x -> x.names(nextPeer)).findFirst().orElse(null);
    if (p == null) {
      return false;
    }
    current.failedOver(p);
    if (ikeSaIdFor(p.peerAddress()) == null) {
      start(p);
    }
    return true;
  }

  @Override
  public int[] clearSession(MgmtMessages.ClearSession which) {
    return clearBetween(which, "clear crypto session");
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

  @Override
  public void shutdown() {
    clear(null, "shutdown");
  }
}
