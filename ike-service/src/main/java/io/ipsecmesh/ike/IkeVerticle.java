package io.ipsecmesh.ike;

import io.ipsecmesh.ike.engine.IkeEngine;
import io.ipsecmesh.ike.engine.RetransmitPolicy;
import io.ipsecmesh.ike.policy.CurrentPeers;
import io.ipsecmesh.ike.policy.PeerPolicy;
import io.ipsecmesh.ike.policy.PolicyStore;
import io.ipsecmesh.ike.policy.TunnelInterfacePolicies;
import io.ipsecmesh.ike.policy.TunnelKeeper;
import io.ipsecmesh.ike.v1.Ikev1Service;
import io.ipsecmesh.ike.seam.IkeProtocol;
import io.ipsecmesh.ike.seam.IkeProtocols;
import io.ipsecmesh.proto.bus.BusCodecs;
import io.ipsecmesh.proto.bus.ConfigFollower;
import io.ipsecmesh.proto.bus.DpdMessages;
import io.ipsecmesh.proto.bus.EzvpnMessages;
import io.ipsecmesh.proto.bus.FwdMessages;
import io.ipsecmesh.proto.bus.IkeMessages;
import io.ipsecmesh.proto.bus.MgmtMessages;
import io.ipsecmesh.proto.bus.SaMessages;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.esp.UdpEncapClassifier;
import io.ipsecmesh.proto.sa.IkeSaSummary;
import io.ipsecmesh.proto.runtime.Cluster;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.KeyWrap;
import io.ipsecmesh.proto.sa.SharedMaps;
import io.ipsecmesh.proto.time.VertxScheduler;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.eventbus.EventBus;
import java.util.List;

/**
 * ike-service: owns UDP 500, receives IKE that arrived on 4500 from the forwarder ({@code ike.punt})
 * and sends IKE for 4500 through it ({@code ike.tx}); runs the IKE protocols — the IKEv2 {@link IkeEngine}
 * and the IKEv1 {@link Ikev1Service}, each an {@link IkeProtocol} reporting to the one {@link BusEvents} sink —
 * on this verticle's event loop and wires them to config, DPD, management and forwarder messages. Routing is
 * {@link IkeProtocols}': a datagram to the owner of the SA its SPIs name (the header's version only for a new
 * SA), a command to the owner of the IKE SA, Child SA or crypto map entry it names (IOS: an entry with
 * {@code set ikev2-profile} is IKEv2, one without it whose peer has a {@code crypto isakmp key} is IKEv1), a
 * {@code debug crypto} facility to the protocol tracing under it. Nothing here depends on a version.
 */
public final class IkeVerticle extends AbstractVerticle {

  private static final System.Logger LOG = System.getLogger("io.ipsecmesh.ike");
  private static final byte[] NON_ESP_MARKER = new byte[4];

  private final List<PeerPolicy> staticPolicies;
  private final PolicyStore policies = new PolicyStore();
  private final CurrentPeers currentPeers = new CurrentPeers();
  private IkeServiceSettings settings;
  private IkeEngine engine;
  /** Brings tunnel interfaces' SAs up with the configuration and keeps them up; set in {@link #start}. */
  private TunnelKeeper<PeerPolicy> tunnelKeeper;
  /** The same for tunnel interfaces protected with IKEv1 (an ipsec profile without set ikev2-profile). */
  private TunnelKeeper<io.ipsecmesh.ike.v1.Ikev1Policy> ikev1TunnelKeeper;
  private BusEvents events;
  private Ikev1Service ikev1;
  private IkeProtocols protocols;
  /** Whether policies are in place (the first configuration applied, or fixed policies): until then IKE is dropped. */
  private boolean configured;
  private IkeMetrics metrics;
  /** Drops the first messages of new IKE SAs while the IKE socket is backlogged. */
  private io.ipsecmesh.ike.dos.NewSaLoadShedder loadShedder;
  /** The IKE socket's drop counter between readings: what is lost there is reported to dpd-service. */
  private final io.ipsecmesh.ike.dos.ReceiveLossWatch receiveLoss = new io.ipsecmesh.ike.dos.ReceiveLossWatch();
  /** The port the IKE socket is bound to (the configured one, or the kernel's choice for port 0). */
  private int boundIkePort;
  /** Several ike-service instances (issue 13): routing, checkpoints, takeover. Passes through when off. */
  private io.ipsecmesh.ike.ha.IkeScaleOut scaleOut;
  private DatagramSocket ikeSocket;
  private DatagramSocket nattSocket;
  /** The sockets on the gateway's IPv6 addresses (interfaces with an ipv6 crypto map). */
  private Ipv6Sockets ipv6Sockets;
  private ConfigFollower configFollower;
  private io.ipsecmesh.ike.policy.Credentials credentials;
  /** {@code crypto isakmp invalid-spi-recovery}; with fixed policies (no configuration) always on. */
  private boolean invalidSpiRecovery;

  /** Deployed by class name: policies come from the configuration ({@code config.changed}). */
  public IkeVerticle() {
    this(null);
  }

  /** With fixed policies instead of the configuration (interop harness, tests). */
  public IkeVerticle(List<PeerPolicy> staticPolicies) {
    this.staticPolicies = staticPolicies == null ? null : List.copyOf(staticPolicies);
  }

  /** The engine, for in-process callers on this verticle's context (interop helper). */
  public IkeEngine engine() {
    return engine;
  }

  @Override
  public void start(Promise<Void> started) {
    settings = IkeServiceSettings.from(config());
    if (settings.certFile() != null) {
      try {
        credentials = io.ipsecmesh.ike.policy.Credentials.fromPem(java.nio.file.Path.of(settings.certFile()),
            java.nio.file.Path.of(settings.keyFile()), java.nio.file.Path.of(settings.caFile()));
      } catch (java.io.IOException | java.security.GeneralSecurityException | RuntimeException e) {
        started.fail(new IllegalArgumentException("ike-service: cannot load --ike-cert-file/--ike-key-file/"
            + "--ike-ca-file: " + e.getMessage(), e));
        return;
      }
    }
    BusCodecs.register(vertx);
    metrics = IkeMetrics.of(io.ipsecmesh.proto.runtime.Metrics.registry());
    events = new BusEvents(vertx, Cluster.map(vertx, SharedMaps.CHILD_SAS),
        Cluster.map(vertx, SharedMaps.IKE_SAS), metrics);
    IkeEngine.Limits limits = IkeServiceSettings.limits(config());
    long shedBacklog = IkeServiceSettings.shedBacklogBytes(config());
    loadShedder = new io.ipsecmesh.ike.dos.NewSaLoadShedder(shedBacklog);
    vertx.setPeriodic(io.ipsecmesh.ike.dos.NewSaLoadShedder.TICK_MILLIS, id -> safe("IKE socket", this::watchIkeSocket));
    engine = new IkeEngine(new VertxScheduler(vertx), this::transmit, events, policies, KeyWrap.fromEnvironment(),
        RetransmitPolicy.DEFAULT, limits, System::currentTimeMillis);
    engine.setStats(metrics);
    tunnelKeeper = new TunnelKeeper<>(new VertxScheduler(vertx), p -> engine.acquire(p));
    // revocation-check crl: CRLs are read off the event loop (file or HTTP) and the engine continues on it
    io.ipsecmesh.ike.crypto.CrlStore crlStore = new io.ipsecmesh.ike.crypto.CrlStore(System::currentTimeMillis);
    engine.setCrlSource(new io.ipsecmesh.ike.crypto.CrlSource() {
      @Override
      public java.security.cert.X509CRL cached(String url) {
        return crlStore.cached(url);
      }

      @Override
      public void fetch(String url, Runnable done) {
        vertx.executeBlocking(() -> crlStore.load(url), false).onComplete(r -> safe("crl", done::run));
      }
    });
    engine.setForceUdpEncapsulation(settings.forceUdpEncapsulation());
    engine.setCredentials(credentials);
    ikev1 = new Ikev1Service(new VertxScheduler(vertx), events, this::transmitDatagram);
    ikev1.setStats(metrics);
    ikev1.setLimits(limits.maxHalfOpenPerPeer(), limits.maxChildSas());
    ikev1.setEasyVpnSink(events.easyVpnSink());
    ikev1TunnelKeeper = new TunnelKeeper<>(new VertxScheduler(vertx), ikev1::keepUp);
    // asked in this order where a command names only a peer (fwd.invalid-spi, failover of an SA nobody holds)
    protocols = new IkeProtocols(List.of(ikev1, engine));
    if (staticPolicies != null) {
      configured = true;
      policies.replace(staticPolicies);
      invalidSpiRecovery = true;
    }
    scaleOut = io.ipsecmesh.ike.ha.IkeScaleOut.create(vertx, config(), engine, ikev1, this::receive);
    // as on the IPv4 socket: with scale-out, a datagram goes to the instance that owns its SA
    ipv6Sockets = new Ipv6Sockets(vertx, settings.ikePort(), settings.nattPort(), settings.ownNattSocket(), d -> {
      if (!scaleOut.handOff(d, false)) {
        receive(d);
      }
    });
    registerConsumers();
    Future<DatagramSocket> ike = scaleOut.enabled()
        ? scaleOut.listenIke(settings.bindAddress(), settings.ikePort(), settings.effectiveLocalAddress()).map(x -> null)
        : listen(settings.ikePort(), false);
    Future<?> natt = settings.ownNattSocket() ? listen(settings.nattPort(), true) : Future.succeededFuture();
    Future.all(ike, natt, scaleOut.start()).onSuccess(x -> {
      ikeSocket = ike.result();
      boundIkePort = ikeSocket != null ? ikeSocket.localAddress().port() : settings.ikePort();
      nattSocket = settings.ownNattSocket() ? (DatagramSocket) natt.result() : null;
      LOG.log(System.Logger.Level.INFO, "ike-service listening on " + settings.bindAddress() + ":"
          + settings.ikePort() + (nattSocket != null ? " and :" + settings.nattPort() : " (4500 via esp-forwarder)"));
      started.complete();
    }).onFailure(started::fail);
  }

  @Override
  public void stop() {
    if (configFollower != null) {
      configFollower.stop();
    }
    if (tunnelKeeper != null) {
      tunnelKeeper.stop();
    }
    if (ikev1TunnelKeeper != null) {
      ikev1TunnelKeeper.stop();
    }
    // an orderly leave of a scale-out instance hands its IKE SAs over instead of deleting them
    if (protocols != null && (scaleOut == null || !scaleOut.leave())) {
      protocols.all().forEach(p -> safe("shutdown", p::shutdown));
    } else if (protocols != null) {
      // the checkpointed ISAKMP SAs were released; what is left (Easy VPN remotes, orphaned Child SAs) goes
      safe("shutdown", ikev1::shutdown);
    }
    if (ikeSocket != null) {
      ikeSocket.close();
    }
    if (nattSocket != null) {
      nattSocket.close();
    }
    if (ipv6Sockets != null) {
      ipv6Sockets.close();
    }
  }

  /**
   * SO_RCVBUF of the IKE sockets (the kernel grants twice this, capped by {@code net.core.rmem_max}). The DPD answers
   * of 100 000 peers at a 10 s interval arrive at 10 000 a second; a socket that holds about a second of them rides
   * out the once-a-second work that shares the event loop (the forwarder's SA tick in {@code ipsec-mesh run}) — with
   * 1 MB it overflowed at 70 000 SAs, DPD answers were lost and peers declared dead (docs/performance.md, "100 000 IKE
   * SAs on one gateway").
   */
  public static final int RECEIVE_BUFFER_BYTES = 4 << 20;

  private Future<DatagramSocket> listen(int port, boolean natt) {
    DatagramSocket s = vertx.createDatagramSocket(new DatagramSocketOptions()
        .setReceiveBufferSize(RECEIVE_BUFFER_BYTES));
    s.handler(p -> {
      byte[] data = p.data().getBytes();
      if (natt) {
        // RFC 3948 §2.2: IKE on 4500 follows the non-ESP marker; ESP and keepalives are not ours
        data = UdpEncapClassifier.ikeMessage(data);
        if (data == null) {
          return;
        }
      }
      IkeMessages.IkeDatagram d = new IkeMessages.IkeDatagram(settings.effectiveLocalAddress(), port,
          p.sender().hostAddress(), p.sender().port(), data);
      if (!scaleOut.handOff(d, false)) {
        receive(d);
      }
    });
    return s.listen(port, settings.bindAddress());
  }

  /** To the protocol owning the SA the datagram names, or by its header's version for a new SA. */
  private void receive(IkeMessages.IkeDatagram received) {
    IkeMessages.IkeDatagram d = canonical(received);
    if (d == null) {
      return;
    }
    if (!configured) {
      // no policies yet (a start or restart before config.get answered): an answer now could only refuse the
      // peer (NO_PROPOSAL_CHOSEN), which strongSwan does not retry; silence makes it retransmit instead
      metrics.requestDropped(d.message().length > 17 ? (d.message()[17] & 0xf0) >> 4 : 0,
          io.ipsecmesh.ike.dos.DosCounters.NOT_CONFIGURED);
      return;
    }
    if (loadShedder.sheds(d.message())) {
      metrics.requestDropped((d.message()[17] & 0xf0) >> 4, io.ipsecmesh.ike.dos.DosCounters.LOAD);
      return;
    }
    IkeProtocol p = protocols.forDatagram(d.message());
    safe("receive", () -> p.receive(d));
  }

  /**
   * Every 100 ms: the IKE socket's backlog drives call admission; datagrams it dropped are counted and announced on
   * {@code ike.receive-loss}, because a DPD answer among them would otherwise count against a live peer — and the
   * retransmissions that follow, five times the probe rate, are what turned a full socket into mass death of healthy
   * peers (docs/performance.md, "DPD under local overload").
   */
  private void watchIkeSocket() {
    if (boundIkePort == 0 || scaleOut == null) {
      return; // not bound yet
    }
    io.ipsecmesh.ike.dos.IkeSocketQueue q = io.ipsecmesh.ike.dos.IkeSocketQueue.of(boundIkePort);
    loadShedder.observe(q.queuedBytes());
    long lost = receiveLoss.observe(q.drops());
    if (lost > 0) {
      metrics.socketDrops(lost);
      vertx.eventBus().publish(IkeMessages.RECEIVE_LOSS, new IkeMessages.ReceiveLoss(scaleOut.instanceId(),
          "udp/" + boundIkePort, lost));
    }
  }

  /** One text per IPv6 address (RFC 5952), whichever socket or forwarder it came through; null when unusable. */
  private static IkeMessages.IkeDatagram canonical(IkeMessages.IkeDatagram d) {
    if (!io.ipsecmesh.proto.config.Ipv6.looksLike(d.peerAddress())) {
      return d;
    }
    // SAs and policies are found by this text
    String peer = io.ipsecmesh.proto.config.Ipv6.canonical(Ipv6Sockets.stripZone(d.peerAddress()));
    String local = io.ipsecmesh.proto.config.Ipv6.canonical(Ipv6Sockets.stripZone(d.localAddress()));
    if (peer == null) {
      return null;
    }
    return new IkeMessages.IkeDatagram(local == null ? d.localAddress() : local, d.localPort(), peer, d.peerPort(),
        d.message());
  }

  private void transmit(String localAddress, int localPort, String peerAddress, int peerPort, byte[] message) {
    if (io.ipsecmesh.proto.config.Ipv6.looksLike(peerAddress) && ipv6Sockets.send(localAddress, localPort, peerAddress,
        peerPort == IkeEngine.IKE_PORT ? settings.peerIkePort() : peerPort, message)) {
      return;
    }
    if (localPort == settings.nattPort()) {
      if (nattSocket != null) {
        nattSocket.send(Buffer.buffer(NON_ESP_MARKER).appendBytes(message), peerPort, peerAddress);
      } else {
        vertx.eventBus().send(IkeMessages.IKE_TX, new IkeMessages.IkeDatagram(localAddress, localPort, peerAddress,
            peerPort, message));
      }
    } else if (scaleOut.sendsIke()) {
      scaleOut.sendIke(message, peerAddress, peerPort == IkeEngine.IKE_PORT ? settings.peerIkePort() : peerPort);
    } else if (ikeSocket != null) {
      int port = peerPort == IkeEngine.IKE_PORT ? settings.peerIkePort() : peerPort;
      ikeSocket.send(Buffer.buffer(message), port, peerAddress);
    }
  }

  private void transmitDatagram(IkeMessages.IkeDatagram d) {
    transmit(d.localAddress(), d.localPort(), d.peerAddress(), d.peerPort(), d.message());
  }

  /** {@code clear crypto session} on the SAs this instance holds, both IKE versions. */
  private MgmtMessages.ClearSessionResult clearHere(MgmtMessages.ClearSession which) {
    int ike = 0;
    int child = 0;
    for (IkeProtocol p : protocols.all()) {
      try {
        int[] n = p.clearSession(which);
        ike += n[0];
        child += n[1];
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "ike-service: clear failed: " + e);
      }
    }
    return new MgmtMessages.ClearSessionResult(ike, child);
  }

  private void registerConsumers() {
    EventBus bus = vertx.eventBus();
    // with scale-out each command is wrapped to reach the instance that holds or owns what it names
    bus.<IkeMessages.IkeDatagram>consumer(FwdMessages.IKE_PUNT, m -> {
      if (!scaleOut.handOff(m.body(), true)) {
        receive(m.body());
      }
    });
    bus.<DpdMessages.ProbeRequest>consumer(DpdMessages.PROBE, scaleOut.bySa(DpdMessages.PROBE,
        DpdMessages.ProbeRequest::ikeSaId, m -> safe("dpd.probe", () -> {
      DpdMessages.ProbeRequest r = m.body();
      protocols.owningIkeSa(r.ikeSaId()).ifPresentOrElse(p -> p.probe(r, m::reply),
          () -> m.reply(new DpdMessages.ProbeOutcome(r.ikeSaId(), false)));
    })));
    bus.<DpdMessages.PeerDead>consumer(DpdMessages.PEER_DEAD, scaleOut.heldOrOwned(DpdMessages.PeerDead::ikeSaId,
        id -> protocols.owningIkeSa(id).isPresent(), m -> safe("dpd.peer.dead", () -> {
      DpdMessages.PeerDead d = m.body();
      java.util.Optional<IkeProtocol> owner = protocols.owningIkeSa(d.ikeSaId());
      if (owner.isPresent()) {
        owner.get().peerDead(d, currentPeers);
        return;
      }
      // negotiated before this ike-service (re)started: its Child SAs are still in the cluster
      events.orphanDead(d);
      if (d.nextPeer() != null) {
        // failover to the next `set peer`, which stays the entry's peer for later ACQUIREs
        protocols.all().stream().anyMatch(p -> p.failOver(d.nextPeer(), currentPeers));
      }
    })));
    // clear crypto session: every instance clears what it holds (scale-out), one answer with the sums
    bus.<MgmtMessages.ClearSession>consumer(MgmtMessages.CLEAR_SESSION, scaleOut.gathered(MgmtMessages.CLEAR_SESSION,
        this::clearHere, (a, b) -> new MgmtMessages.ClearSessionResult(a.ikeSasDeleted() + b.ikeSasDeleted(),
            a.childSasDeleted() + b.childSasDeleted())));
    // connect runs where it is asked (that instance then holds the remote's SA); clear reaches every instance
    io.vertx.core.Handler<io.vertx.core.eventbus.Message<EzvpnMessages.Connect>> ezvpnClear = scaleOut.gathered(
        EzvpnMessages.CONNECT, this::easyVpnExec, (a, b) -> new EzvpnMessages.ConnectResult(a.ok() && b.ok(),
            (a.message() + " " + b.message()).trim()));
    bus.<EzvpnMessages.Connect>consumer(EzvpnMessages.CONNECT, m -> safe("ezvpn", () -> {
      if (m.body().connect()) {
        m.reply(easyVpnExec(m.body()));
      } else {
        ezvpnClear.handle(m);
      }
    }));
    // IOS: debug crypto isakmp traces IKEv1 (ISAKMP), debug crypto ikev2 traces IKEv2
    bus.<MgmtMessages.Debug>consumer(MgmtMessages.DEBUG, m -> protocols.tracing(m.body().facility())
        .forEach(p -> p.trace().set(m.body().enabled())));
    // the forwarder that owns a Child SA this instance installed accepts ESP on it: what waited for that may leave
    bus.<SaMessages.ChildSaAccepted>consumer(events.acceptedAddress(),
        m -> safe("sa.child.accepted", () -> engine.childSaAccepted(m.body().inboundSpi())));
    bus.<FwdMessages.Acquire>consumer(FwdMessages.ACQUIRE, scaleOut.byKey(FwdMessages.ACQUIRE,
        a -> "acquire|" + a.cryptoMap() + "|" + a.sequence(), m -> safe("acquire", () -> {
      FwdMessages.Acquire a = m.body();
      protocols.owningMapEntry(a.cryptoMap(), a.sequence())
          .ifPresent(p -> p.acquire(a, currentPeers));
    })));
    // per-SPI reports reach every instance; only the one holding the Child SA acts
    bus.<FwdMessages.SaExpired>consumer(FwdMessages.SA_EXPIRED, scaleOut.everywhere(FwdMessages.SA_EXPIRED,
        m -> safe("sa-expired", () -> protocols.owningChildSa(m.body().inboundSpi())
            .ifPresent(p -> p.childSaExpired(m.body().inboundSpi(), m.body().limit())))));
    bus.<FwdMessages.InvalidSpi>consumer(FwdMessages.INVALID_SPI, scaleOut.byKey(FwdMessages.INVALID_SPI,
        i -> "peer|" + i.peerAddress(), m -> safe("invalid-spi", () -> {
      // over an existing IKE SA always (IOS's default); a new IKE SA for it only with invalid-spi-recovery
      protocols.all().stream().anyMatch(p -> p.invalidSpi(m.body().peerAddress(), m.body().spi(),
          invalidSpiRecovery));
    })));
    bus.<FwdMessages.NatMapping>consumer(FwdMessages.NAT_MAPPING, scaleOut.everywhere(FwdMessages.NAT_MAPPING,
        m -> safe("nat-mapping", () -> {
      FwdMessages.NatMapping n = m.body();
      protocols.owningChildSa(n.inboundSpi())
          .ifPresent(p -> p.natMappingSeenInEsp(n.inboundSpi(), n.peerAddress(), n.peerPort()));
    })));
    bus.<FwdMessages.SaIdle>consumer(FwdMessages.SA_IDLE, scaleOut.everywhere(FwdMessages.SA_IDLE,
        m -> safe("sa-idle", () -> protocols.owningChildSa(m.body().inboundSpi())
            .ifPresent(p -> p.childSaIdle(m.body().inboundSpi())))));
    if (staticPolicies == null) {
      configFollower = new ConfigFollower(vertx, "ike-service", null, this::applyConfig);
      configFollower.start();
    }
  }

  private void applyConfig(long version, GatewayConfig config) {
    configured = true;
    StringBuilder peers = new StringBuilder();
    for (IkeProtocol p : protocols.all()) {
      p.configure(config, settings.effectiveLocalAddress());
      peers.append(", ").append(p.policyCount()).append(" IKEv").append(p.majorVersion())
          .append(" peer(s)");
    }
    // tunnel interfaces come up with the configuration, not on the first packet (IOS's VTIs)
    tunnelKeeper.configure(policies.all().stream().filter(TunnelInterfacePolicies::isTunnel).toList());
    ikev1TunnelKeeper.configure(ikev1.tunnels());
    ipv6Sockets.update(Ipv6Sockets.addresses(config));
    invalidSpiRecovery = config.invalidSpiRecovery();
    LOG.log(System.Logger.Level.INFO, "ike-service: configuration " + version + peers);
  }

  /** {@code crypto ipsec client ezvpn connect NAME}, {@code clear crypto ipsec client ezvpn [NAME]}. */
  private EzvpnMessages.ConnectResult easyVpnExec(EzvpnMessages.Connect c) {
    if (!c.connect()) {
      int n = ikev1.clearEasyVpn(c.name());
      LOG.log(System.Logger.Level.INFO, "ike-service: clear crypto ipsec client ezvpn" + (c.name() == null ? ""
          : " " + c.name()) + ": " + n + " ISAKMP SA(s) deleted");
      return new EzvpnMessages.ConnectResult(true, "");
    }
    String error = ikev1.connect(c.name());
    return new EzvpnMessages.ConnectResult(error == null, error == null ? "" : error);
  }

  private static void safe(String what, Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "ike-service: " + what + " failed: " + e);
    }
  }
}
