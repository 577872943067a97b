package io.ipsecmesh.ike;

import io.ipsecmesh.ike.engine.IkeEngine;
import io.ipsecmesh.ike.engine.RetransmitPolicy;
import io.ipsecmesh.ike.policy.ConfigPolicies;
import io.ipsecmesh.ike.policy.CurrentPeers;
import io.ipsecmesh.ike.policy.PeerPolicy;
import io.ipsecmesh.ike.policy.PolicyStore;
import io.ipsecmesh.ike.policy.TunnelInterfacePolicies;
import io.ipsecmesh.ike.policy.TunnelKeeper;
import io.ipsecmesh.ike.v1.Ikev1Listener;
import io.ipsecmesh.ike.v1.Ikev1Policy;
import io.ipsecmesh.ike.v1.Ikev1Service;
import io.ipsecmesh.proto.bus.BusCodecs;
import io.ipsecmesh.proto.bus.ConfigFollower;
import io.ipsecmesh.proto.bus.DpdMessages;
import io.ipsecmesh.proto.bus.FwdMessages;
import io.ipsecmesh.proto.bus.IkeMessages;
import io.ipsecmesh.proto.bus.MgmtMessages;
import io.ipsecmesh.proto.bus.SaMessages;
import io.ipsecmesh.proto.config.GatewayConfig;
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
 * and sends IKE for 4500 through it ({@code ike.tx}); runs the IKEv2 {@link IkeEngine} and the IKEv1
 * {@link Ikev1Service} on this verticle's event loop and wires them to config, DPD, management and
 * forwarder messages. Datagrams go by the ISAKMP major version of their header; requests that name an
 * IKE SA or Child SA go to the engine that knows it; an ACQUIRE goes by the crypto map entry (IOS: an
 * entry with {@code set ikev2-profile} is IKEv2, one without it whose peer has a {@code crypto isakmp
 * key} is IKEv1).
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
  private TunnelKeeper tunnelKeeper;
  private BusEvents events;
  private Ikev1Service ikev1;
  private DatagramSocket ikeSocket;
  private DatagramSocket nattSocket;
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
    IkeMetrics metrics = IkeMetrics.of(io.ipsecmesh.proto.runtime.Metrics.registry());
    events = new BusEvents(vertx, Cluster.map(vertx, SharedMaps.CHILD_SAS),
        Cluster.map(vertx, SharedMaps.IKE_SAS), metrics);
    IkeEngine.Limits limits = IkeServiceSettings.limits(config());
    engine = new IkeEngine(new VertxScheduler(vertx), this::transmit, events, policies, KeyWrap.fromEnvironment(),
        RetransmitPolicy.DEFAULT, limits, System::currentTimeMillis);
    engine.setStats(metrics);
    tunnelKeeper = new TunnelKeeper(new VertxScheduler(vertx), p -> engine.acquire(p));
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
    ikev1 = new Ikev1Service(new VertxScheduler(vertx), new Ikev1Listener() {
      @Override
      public void childSaEstablished(ChildSa sa) {
        events.childSaInstalled(sa);
      }

      @Override
      public void childSaDeleted(SaMessages.ChildSaDeleted d) {
        events.childSaDeleted(d);
      }

      @Override
      public void childSaRebound(ChildSa sa) {
        events.childSaRebound(sa);
      }

      @Override
      public void quickModeFailed(String peerAddress, String reason) {
        LOG.log(System.Logger.Level.INFO, "ike-service: Quick Mode with " + peerAddress + " failed: " + reason);
      }

      @Override
      public void summaryChanged(IkeSaSummary s) {
        events.summaryChanged(s);
      }

      // publishes ike.peer.down too, so peerDown (the same event) is not forwarded again
      @Override
      public void ikeSaDown(IkeSaSummary s, String reason) {
        events.ikeSaDown(s, reason);
      }

      @Override
      public void peerUp(IkeMessages.PeerUp up) {
        events.peerUp(up);
      }

      @Override
      public void livenessProof(IkeMessages.LivenessProof p) {
        events.livenessProof(p.ikeSaId(), p.peerAddress());
      }
    }, this::transmitV1);
    ikev1.setStats(metrics);
    ikev1.setLimits(limits.maxHalfOpenPerPeer(), limits.maxChildSas());
    if (staticPolicies != null) {
      policies.replace(staticPolicies);
      invalidSpiRecovery = true;
    }
    registerConsumers();
    Future<DatagramSocket> ike = listen(settings.ikePort(), false);
    Future<?> natt = settings.ownNattSocket() ? listen(settings.nattPort(), true) : Future.succeededFuture();
    Future.all(ike, natt).onSuccess(x -> {
      ikeSocket = ike.result();
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
    if (engine != null) {
      safe("shutdown", engine::shutdown);
    }
    if (ikev1 != null) {
      safe("shutdown", () -> ikev1.clear(null, "shutdown"));
    }
    if (ikeSocket != null) {
      ikeSocket.close();
    }
    if (nattSocket != null) {
      nattSocket.close();
    }
  }

  private Future<DatagramSocket> listen(int port, boolean natt) {
    DatagramSocket s = vertx.createDatagramSocket(new DatagramSocketOptions().setReceiveBufferSize(1 << 20));
    s.handler(p -> {
      byte[] data = p.data().getBytes();
      if (natt) {
        // RFC 3948 §2.2: IKE on 4500 follows four zero octets; ESP and keepalives are not ours
        if (data.length < 4 + 28 || data[0] != 0 || data[1] != 0 || data[2] != 0 || data[3] != 0) {
          return;
        }
        data = java.util.Arrays.copyOfRange(data, 4, data.length);
      }
      if (ikev1.handles(data)) {
        IkeMessages.IkeDatagram d = new IkeMessages.IkeDatagram(settings.effectiveLocalAddress(), port,
            p.sender().hostAddress(), p.sender().port(), data);
        safe("isakmp", () -> ikev1.receive(d, this::transmitV1));
        return;
      }
      engine.receive(settings.effectiveLocalAddress(), port, p.sender().hostAddress(), p.sender().port(), data);
    });
    return s.listen(port, settings.bindAddress());
  }

  private void transmit(String localAddress, int localPort, String peerAddress, int peerPort, byte[] message) {
    if (localPort == settings.nattPort()) {
      if (nattSocket != null) {
        nattSocket.send(Buffer.buffer(NON_ESP_MARKER).appendBytes(message), peerPort, peerAddress);
      } else {
        vertx.eventBus().send(IkeMessages.IKE_TX, new IkeMessages.IkeDatagram(localAddress, localPort, peerAddress,
            peerPort, message));
      }
    } else if (ikeSocket != null) {
      int port = peerPort == IkeEngine.IKE_PORT ? settings.peerIkePort() : peerPort;
      ikeSocket.send(Buffer.buffer(message), port, peerAddress);
    }
  }

  private void transmitV1(IkeMessages.IkeDatagram d) {
    transmit(d.localAddress(), d.localPort(), d.peerAddress(), d.peerPort(), d.message());
  }

  private void registerConsumers() {
    EventBus bus = vertx.eventBus();
    bus.<IkeMessages.IkeDatagram>consumer(FwdMessages.IKE_PUNT, m -> {
      IkeMessages.IkeDatagram d = m.body();
      if (ikev1.handles(d.message())) {
        safe("isakmp", () -> ikev1.receive(d, this::transmitV1));
        return;
      }
      engine.receive(d.localAddress(), d.localPort(), d.peerAddress(), d.peerPort(), d.message());
    });
    bus.<DpdMessages.ProbeRequest>consumer(DpdMessages.PROBE, m -> safe("dpd.probe", () -> {
      DpdMessages.ProbeRequest r = m.body();
      if (ikev1.knowsSa(r.ikeSaId())) {
        ikev1.probe(r, m::reply);
        return;
      }
      engine.probe(r.ikeSaId(), r.attempt(),
          ack -> m.reply(new DpdMessages.ProbeOutcome(r.ikeSaId(), ack)));
    }));
    bus.<DpdMessages.PeerDead>consumer(DpdMessages.PEER_DEAD, m -> safe("dpd.peer.dead", () -> {
      DpdMessages.PeerDead d = m.body();
      if (ikev1.knowsSa(d.ikeSaId())) {
        ikev1PeerDead(d);
        return;
      }
      if (!engine.peerDead(d.ikeSaId())) {
        // negotiated before this ike-service (re)started: its Child SAs are still in the cluster
        events.orphanDead(d);
      }
      if (d.nextPeer() != null) {
        // failover to the next `set peer`, which stays the entry's peer for later ACQUIREs
        policies.forPeer(d.nextPeer()).ifPresent(next -> {
          currentPeers.failedOver(next);
          if (!engine.hasSaWith(next.peerAddress())) {
            engine.initiate(next);
          }
        });
      }
    }));
    bus.<MgmtMessages.ClearSession>consumer(MgmtMessages.CLEAR_SESSION, m -> safe("clear", () -> {
      int[] n = engine.clearBetween(m.body());
      int[] v1 = ikev1.clearBetween(m.body(), "clear crypto session");
      m.reply(new MgmtMessages.ClearSessionResult(n[0] + v1[0], n[1] + v1[1]));
    }));
    bus.<MgmtMessages.Debug>consumer(MgmtMessages.DEBUG, m -> {
      // IOS: debug crypto isakmp traces IKEv1 (ISAKMP), debug crypto ikev2 traces IKEv2
      switch (m.body().facility()) {
        case ISAKMP -> ikev1.setDebug(m.body().enabled());
        case IKEV2 -> engine.setDebug(m.body().enabled());
        case IPSEC -> { }
      }
    });
    bus.<FwdMessages.Acquire>consumer(FwdMessages.ACQUIRE, m -> safe("acquire", () -> {
      FwdMessages.Acquire a = m.body();
      if (ikev1.owns(a.cryptoMap(), a.sequence())) {
        // after a DPD failover the entry stays with the peer it reached, as for IKEv2
        String current = currentPeers.current(a.cryptoMap(), a.sequence()).orElse(null);
        if (current == null || !ikev1.acquire(a.cryptoMap(), a.sequence(), current)) {
          ikev1.acquire(a.cryptoMap(), a.sequence(), null);
        }
        return;
      }
      currentPeers.forAcquire(policies, a.cryptoMap(), a.sequence()).ifPresent(engine::acquire);
    }));
    bus.<FwdMessages.SaExpired>consumer(FwdMessages.SA_EXPIRED, m -> safe("sa-expired", () -> {
      // an SPI belongs to one engine; the other ignores it
      if (m.body().limit() == FwdMessages.Limit.HARD) {
        engine.deleteChild(m.body().inboundSpi(), "lifetime");
        ikev1.deleteChild(m.body().inboundSpi(), "lifetime");
      } else {
        engine.rekeyChild(m.body().inboundSpi());
        ikev1.rekeyChild(m.body().inboundSpi());
      }
    }));
    bus.<FwdMessages.InvalidSpi>consumer(FwdMessages.INVALID_SPI, m -> safe("invalid-spi", () -> {
      // over an existing IKE SA always (IOS's default); a new IKE SA for it only with invalid-spi-recovery
      if (!ikev1.invalidSpi(m.body().peerAddress(), m.body().spi(), invalidSpiRecovery)) {
        engine.invalidSpi(m.body().peerAddress(), m.body().spi(), invalidSpiRecovery);
      }
    }));
    bus.<FwdMessages.NatMapping>consumer(FwdMessages.NAT_MAPPING, m -> safe("nat-mapping", () -> {
      FwdMessages.NatMapping n = m.body();
      if (!ikev1.natMappingSeenInEsp(n.inboundSpi(), n.peerAddress(), n.peerPort())) {
        engine.natMappingSeenInEsp(n.inboundSpi(), n.peerAddress(), n.peerPort());
      }
    }));
    bus.<FwdMessages.SaIdle>consumer(FwdMessages.SA_IDLE,
        m -> safe("sa-idle", () -> {
          if (!ikev1.idleChild(m.body().inboundSpi())) {
            engine.idleChild(m.body().inboundSpi());
          }
        }));
    if (staticPolicies == null) {
      configFollower = new ConfigFollower(vertx, "ike-service", null, this::applyConfig);
      configFollower.start();
    }
  }

  /**
   * DPD declared an IKEv1 peer dead: its ISAKMP and IPsec SAs go, and with a next {@code set peer} the
   * crypto map entry fails over to it (and stays there for later ACQUIREs, see {@link CurrentPeers}).
   */
  private void ikev1PeerDead(DpdMessages.PeerDead d) {
    Ikev1Policy dead = ikev1.policyOf(d.ikeSaId());
    ikev1.clear(d.peerAddress(), "dpd");
    if (d.nextPeer() == null) {
      return;
    }
    currentPeers.failedOver(dead.cryptoMap(), dead.mapSequence(), d.nextPeer());
    if (ikev1.ikeSaIdFor(d.nextPeer()) == null
        && !ikev1.acquire(dead.cryptoMap(), dead.mapSequence(), d.nextPeer())) {
      LOG.log(System.Logger.Level.WARNING, "ike-service: cannot fail over to " + d.nextPeer() + ": not an IKEv1 "
          + "peer of crypto map " + dead.cryptoMap() + " " + dead.mapSequence() + " (no crypto isakmp key?)");
    }
  }

  private void applyConfig(long version, GatewayConfig config) {
    List<PeerPolicy> next = ConfigPolicies.from(config, settings.effectiveLocalAddress(), credentials,
        io.ipsecmesh.ike.policy.TrustStore.from(config.pkiTrustpoints()));
    policies.replace(next);
    // tunnel interfaces come up with the configuration, not on the first packet (IOS's VTIs)
    tunnelKeeper.configure(next.stream().filter(TunnelInterfacePolicies::isTunnel).toList());
    ikev1.configure(config, settings.effectiveLocalAddress());
    invalidSpiRecovery = config.invalidSpiRecovery();
    engine.setNatTransparency(config.natTransparency());
    LOG.log(System.Logger.Level.INFO, "ike-service: configuration " + version + ", " + next.size()
        + " IKEv2 peer(s), " + ikev1.policyCount() + " IKEv1 peer(s)");
  }

  private static void safe(String what, Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "ike-service: " + what + " failed: " + e);
    }
  }
}
