package io.ipsecmesh.ike;

import io.ipsecmesh.ike.engine.IkeEngine;
import io.ipsecmesh.ike.engine.RetransmitPolicy;
import io.ipsecmesh.ike.policy.ConfigPolicies;
import io.ipsecmesh.ike.policy.CurrentPeers;
import io.ipsecmesh.ike.policy.PeerPolicy;
import io.ipsecmesh.ike.policy.PolicyStore;
import io.ipsecmesh.proto.bus.BusCodecs;
import io.ipsecmesh.proto.bus.ConfigMessages;
import io.ipsecmesh.proto.bus.DpdMessages;
import io.ipsecmesh.proto.bus.FwdMessages;
import io.ipsecmesh.proto.bus.IkeMessages;
import io.ipsecmesh.proto.bus.MgmtMessages;
import io.ipsecmesh.proto.runtime.Cluster;
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
 * and sends IKE for 4500 through it ({@code ike.tx}); runs the {@link IkeEngine} on this verticle's
 * event loop and wires it to config, DPD, management and forwarder messages.
 */
public final class IkeVerticle extends AbstractVerticle {

  private static final System.Logger LOG = System.getLogger("io.ipsecmesh.ike");
  private static final byte[] NON_ESP_MARKER = new byte[4];

  private final List<PeerPolicy> staticPolicies;
  private final PolicyStore policies = new PolicyStore();
  private final CurrentPeers currentPeers = new CurrentPeers();
  private IkeServiceSettings settings;
  private IkeEngine engine;
  private DatagramSocket ikeSocket;
  private DatagramSocket nattSocket;
  private long configVersion = -1;
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
    BusEvents events = new BusEvents(vertx, Cluster.map(vertx, SharedMaps.CHILD_SAS),
        Cluster.map(vertx, SharedMaps.IKE_SAS), metrics);
    engine = new IkeEngine(new VertxScheduler(vertx), this::transmit, events, policies, KeyWrap.fromEnvironment(),
        RetransmitPolicy.DEFAULT, IkeEngine.Limits.DEFAULT, System::currentTimeMillis);
    engine.setStats(metrics);
    engine.setForceUdpEncapsulation(settings.forceUdpEncapsulation());
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
      if (staticPolicies == null) {
        requestConfig();
      }
      started.complete();
    }).onFailure(started::fail);
  }

  @Override
  public void stop() {
    if (engine != null) {
      safe("shutdown", engine::shutdown);
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

  private void registerConsumers() {
    EventBus bus = vertx.eventBus();
    bus.<IkeMessages.IkeDatagram>consumer(FwdMessages.IKE_PUNT, m -> {
      IkeMessages.IkeDatagram d = m.body();
      engine.receive(d.localAddress(), d.localPort(), d.peerAddress(), d.peerPort(), d.message());
    });
    bus.<DpdMessages.ProbeRequest>consumer(DpdMessages.PROBE, m -> safe("dpd.probe", () -> {
      DpdMessages.ProbeRequest r = m.body();
      engine.probe(r.ikeSaId(), r.attempt(), r.timeoutMillis(),
          ack -> m.reply(new DpdMessages.ProbeOutcome(r.ikeSaId(), ack)));
    }));
    bus.<DpdMessages.PeerDead>consumer(DpdMessages.PEER_DEAD, m -> safe("dpd.peer.dead", () -> {
      DpdMessages.PeerDead d = m.body();
      engine.peerDead(d.ikeSaId());
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
      int[] n = engine.clear(m.body().remoteAddress());
      m.reply(new MgmtMessages.ClearSessionResult(n[0], n[1]));
    }));
    bus.<MgmtMessages.Debug>consumer(MgmtMessages.DEBUG, m -> {
      if (m.body().facility() == MgmtMessages.Facility.ISAKMP) {
        engine.setDebug(m.body().enabled());
      }
    });
    bus.<FwdMessages.Acquire>consumer(FwdMessages.ACQUIRE, m -> safe("acquire", () -> {
      FwdMessages.Acquire a = m.body();
      currentPeers.forAcquire(policies, a.cryptoMap(), a.sequence()).ifPresent(engine::acquire);
    }));
    bus.<FwdMessages.SaExpired>consumer(FwdMessages.SA_EXPIRED, m -> safe("sa-expired", () -> {
      if (m.body().limit() == FwdMessages.Limit.HARD) {
        engine.deleteChild(m.body().inboundSpi(), "lifetime");
      } else {
        engine.rekeyChild(m.body().inboundSpi());
      }
    }));
    bus.<FwdMessages.InvalidSpi>consumer(FwdMessages.INVALID_SPI, m -> safe("invalid-spi", () -> {
      if (invalidSpiRecovery) {
        engine.invalidSpi(m.body().peerAddress(), m.body().spi());
      }
    }));
    bus.<FwdMessages.SaIdle>consumer(FwdMessages.SA_IDLE,
        m -> safe("sa-idle", () -> engine.idleChild(m.body().inboundSpi())));
    if (staticPolicies == null) {
      bus.<ConfigMessages.ConfigChanged>consumer(ConfigMessages.CONFIG_CHANGED,
          m -> safe("config", () -> applyConfig(m.body())));
    }
  }

  private void requestConfig() {
    vertx.eventBus().<ConfigMessages.ConfigChanged>request(ConfigMessages.CONFIG_GET,
        new ConfigMessages.GetConfig("ike-service"))
        .onSuccess(r -> safe("config", () -> applyConfig(r.body())))
        .onFailure(e -> LOG.log(System.Logger.Level.INFO, "ike-service: no configuration yet (" + e.getMessage()
            + "), waiting for config.changed"));
  }

  private void applyConfig(ConfigMessages.ConfigChanged c) {
    if (c.version() <= configVersion) {
      return;
    }
    configVersion = c.version();
    List<PeerPolicy> next = ConfigPolicies.from(c.config(), settings.effectiveLocalAddress(), credentials);
    policies.replace(next);
    invalidSpiRecovery = c.config().invalidSpiRecovery();
    LOG.log(System.Logger.Level.INFO, "ike-service: configuration " + c.version() + ", " + next.size()
        + " IKEv2 peer(s)");
  }

  private static void safe(String what, Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "ike-service: " + what + " failed: " + e);
    }
  }
}
