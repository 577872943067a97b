package io.ipsecmesh.dpd;

import io.ipsecmesh.dpd.cluster.OwnedPeers;
import io.ipsecmesh.proto.bus.BusCodecs;
import io.ipsecmesh.proto.bus.ConfigFollower;
import io.ipsecmesh.proto.bus.DpdMessages;
import io.ipsecmesh.proto.bus.DpdMessages.PeerDead;
import io.ipsecmesh.proto.bus.DpdMessages.ProbeOutcome;
import io.ipsecmesh.proto.bus.DpdMessages.ProbeRequest;
import io.ipsecmesh.proto.bus.FwdMessages;
import io.ipsecmesh.proto.bus.FwdMessages.ActivitySummary;
import io.ipsecmesh.proto.bus.FwdMessages.SaActivity;
import io.ipsecmesh.proto.bus.IkeMessages;
import io.ipsecmesh.proto.bus.IkeMessages.LivenessProof;
import io.ipsecmesh.proto.bus.IkeMessages.PeerDown;
import io.ipsecmesh.proto.bus.IkeMessages.PeerUp;
import io.ipsecmesh.proto.bus.IkeMessages.ReceiveLoss;
import io.ipsecmesh.proto.bus.MgmtMessages;
import io.ipsecmesh.proto.bus.MgmtMessages.Debug;
import io.ipsecmesh.proto.bus.RecordJson;
import io.ipsecmesh.proto.cluster.InstanceMembership;
import io.ipsecmesh.proto.cluster.MemberHeartbeats;
import io.ipsecmesh.proto.cluster.Ownership;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.sa.IkeSaSummary;
import io.ipsecmesh.proto.runtime.Cluster;
import io.ipsecmesh.proto.runtime.Metrics;
import io.ipsecmesh.proto.sa.SharedMaps;
import io.ipsecmesh.proto.time.Scheduler;
import io.ipsecmesh.proto.time.VertxScheduler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * dpd-service on the bus: follows the IKE SAs ({@code ike.peer.up/down}), the signs of life
 * ({@code ike.liveness-proof}, {@code fwd.activity}) and the configuration, asks ike-service for probes on
 * {@code dpd.probe} and publishes {@code dpd.peer.dead}. Instances split the peers among themselves
 * ({@code dpd.members} heartbeats, rendezvous hashing). Every handler runs on this verticle's event loop
 * and catches its own failures.
 */
public final class DpdVerticle extends VerticleBase {

  private static final System.Logger LOG = System.getLogger(DpdVerticle.class.getName());

  private final PrometheusRegistry registry;
  private Scheduler scheduler;
  private DeadPeerDetector detector;
  private MemberHeartbeats members;
  private OwnedPeers owned;
  private DpdConfig config = new DpdConfig(GatewayConfig.empty());
  private ConfigFollower configFollower;
  /** {@code debug crypto isakmp}: trace every probe, retransmission and answer like the seed's example. */
  /** {@code debug crypto isakmp}: the IKEv1 peers' DPD timer lines. */
  private volatile boolean debugIsakmp;
  /** {@code debug crypto ikev2}: the IKEv2 peers' liveness-check timer lines. */
  private volatile boolean debugIkev2;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  /**
   * The IKE SAs that went down while {@link #loadEstablishedSas} read the shared map: the read may still hold
   * their rows, and watching them would keep a peer that is gone (probed, then declared dead) on this instance.
   * Null once the load is done.
   */
  private Set<String> downWhileLoading = new HashSet<>();
  /** {@code ike.receive-loss} is logged at most once per this long (it comes every 100 ms while the socket drops). */
  private static final long LOSS_LOG_MILLIS = 10_000;
  private long lastLossLogMillis = Long.MIN_VALUE / 2;

  /** Production: real time on the event loop, the process-wide metrics registry. */
  public DpdVerticle() {
    this(null, Metrics.registry());
  }

  /** Tests: virtual time (driven on this verticle's context) and a private registry. */
  public DpdVerticle(Scheduler scheduler, PrometheusRegistry registry) {
    this.scheduler = scheduler;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    BusCodecs.register(vertx);
    if (scheduler == null) {
      scheduler = new VertxScheduler(vertx);
    }
    detector = new DeadPeerDetector(scheduler, config, new BusActions(), DpdMetrics.of(registry));
    InstanceMembership membership = new InstanceMembership("dpd-" + UUID.randomUUID(),
        MemberHeartbeats.TIMEOUT_MILLIS);
    owned = new OwnedPeers(new Ownership(membership), detector, scheduler);
    // joins at once: a peer a new instance claims for a moment starts "alive now" and is not probed for S
    members = new MemberHeartbeats(vertx, scheduler, DpdMessages.MEMBERS, membership, 0, owned::membersChanged);
    detector.start();

    consume(IkeMessages.PEER_UP, (PeerUp up) -> owned.peerUp(new IkePeer(up.ikeSaId(), up.peerAddress(),
        up.peerPort(), up.peerId(), up.ikeVersion(), up.cryptoMap(), up.mapSequence())));
    consume(IkeMessages.PEER_DOWN, (PeerDown down) -> {
      if (downWhileLoading != null) {
        downWhileLoading.add(down.ikeSaId());
      }
      owned.peerDown(down.ikeSaId());
    });
    consume(IkeMessages.LIVENESS_PROOF, (LivenessProof p) -> owned.livenessProof(p.ikeSaId()));
    consume(IkeMessages.RECEIVE_LOSS, (ReceiveLoss loss) -> {
      detector.receiveLoss();
      long now = scheduler.nowMillis();
      if (now - lastLossLogMillis >= LOSS_LOG_MILLIS) {
        lastLossLogMillis = now;
        LOG.log(System.Logger.Level.WARNING, "dpd: " + loss.instance() + " dropped " + loss.dropped()
            + " IKE datagrams at " + loss.socket() + " (receive buffer full): unanswered probes are sent again after"
            + " the DPD interval, not counted against their peers, while this lasts");
      }
    });
    consume(FwdMessages.ACTIVITY, (ActivitySummary s) -> {
      for (SaActivity a : s.activity()) {
        owned.activity(a.peerAddress(), a.peerPort(), a.sent(), a.received());
      }
    });
    consume(MgmtMessages.DEBUG, (Debug d) -> {
      switch (d.facility()) {
        case ISAKMP -> debugIsakmp = d.enabled();
        case IKEV2 -> debugIkev2 = d.enabled();
        case IPSEC -> { }
      }
    });

    configFollower = new ConfigFollower(vertx, "dpd", scheduler, this::applyConfig);
    List<Future<Void>> ready = new ArrayList<>();
    consumers.forEach(c -> ready.add(c.completion()));
    ready.add(configFollower.start());
    ready.add(members.start());
    return Future.all(ready).onSuccess(ok -> loadEstablishedSas());
  }

  @Override
  public Future<?> stop() {
    if (configFollower != null) {
      configFollower.stop();
    }
    if (detector != null) {
      detector.stop();
      // Orderly leave: the others take our peers over now rather than after the heartbeat timeout.
      members.stop();
    }
    return Future.succeededFuture();
  }

  /** The context the handlers run on; tests drive virtual time there. */
  Context context() {
    return context;
  }

  DeadPeerDetector detector() {
    return detector;
  }

  /**
   * IKE SAs established before this instance started are in the shared IKE SA map; watch them too (not the
   * half-open ones ike-service writes at IKE_SA_INIT: their {@code ike.peer.up} will come). Their crypto map is
   * not recorded there, so a death among them carries no failover peer.
   */
  private void loadEstablishedSas() {
    vertx.<List<IkePeer>>executeBlocking(() -> {
      List<IkePeer> peers = new ArrayList<>();
      for (String json : Cluster.map(vertx, SharedMaps.IKE_SAS).values()) {
        try {
          IkeSaSummary sa = RecordJson.fromJson(new JsonObject(json), IkeSaSummary.class);
          if (sa.established()) {
            peers.add(new IkePeer(sa.ikeSaId(), sa.dst(), sa.peerPort(), sa.peerId(), sa.version(), null, 0));
          }
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.WARNING, "dpd: unreadable IKE SA in the shared map: " + e.getMessage());
        }
      }
      return peers;
    }).onComplete(result -> guarded("loading IKE SAs", () -> {
      Set<String> gone = downWhileLoading;
      downWhileLoading = null;
      if (result.succeeded()) {
        result.result().stream().filter(p -> !owned.knows(p.ikeSaId()) && !gone.contains(p.ikeSaId()))
            .forEach(owned::peerUp);
      } else {
        LOG.log(System.Logger.Level.WARNING, "dpd: cannot read the IKE SA map: " + result.cause());
      }
    }));
  }

  private void applyConfig(long version, GatewayConfig changed) {
    config = new DpdConfig(changed);
    detector.reconfigure(config);
  }

  private <T> void consume(String address, Handler<T> handler) {
    EventBus bus = vertx.eventBus();
    MessageConsumer<T> c = bus.consumer(address, (Message<T> m) -> guarded(address, () -> handler.handle(m.body())));
    consumers.add(c);
  }

  private static void guarded(String what, Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "dpd: " + what + " failed", e);
    }
  }

  /**
   * The timer side of the DPD trace of the seed (IOS XE IPsec Data Plane guide, "Verifying DPD
   * Configuration Using the debug crypto isakmp Command Example"); ike-service prints the packet side
   * (R_U_THERE sent and its ACK with the sequence number, the SA deletion) for the same SA.
   */
  private boolean debugging(IkePeer peer) {
    return peer.ikeVersion() == 1 ? debugIsakmp : debugIkev2;
  }

  private static void debug(IkePeer peer, String line) {
    LOG.log(System.Logger.Level.INFO, (peer.ikeVersion() == 1 ? "ISAKMP:(" : "IKEv2:(") + peer.ikeSaId() + "):"
        + line);
  }

  /** The state machines' requests, as bus messages. */
  private final class BusActions implements DpdActions {

    @Override
    public void sendProbe(IkePeer peer, int attempt, long timeoutMillis) {
      if (debugging(peer) && peer.ikeVersion() == 1) {
        if (attempt > 0) {
          debug(peer, "incrementing error counter on sa: PEERS_ALIVE_TIMER");
        }
        debug(peer, "Input = IKE_MESG_FROM_TIMER, " + (attempt == 0 ? "IKE_TIMER_IM_ALIVE" : "IKE_TIMER_PEERS_ALIVE"));
      } else if (debugging(peer)) {
        // RFC 7296 §2.4: an empty INFORMATIONAL request is the IKEv2 liveness check
        debug(peer, attempt == 0 ? "Sending DPD/liveness query to " + peer.peerAddress()
            : "Retransmitting DPD/liveness query to " + peer.peerAddress() + ", retransmission " + attempt);
      }
      ProbeRequest request = new ProbeRequest(peer.ikeSaId(), peer.peerAddress(), attempt, timeoutMillis);
      vertx.eventBus().<ProbeOutcome>request(DpdMessages.PROBE, request,
              new DeliveryOptions().setSendTimeout(timeoutMillis))
          .onSuccess(reply -> guarded("probe reply", () -> {
            if (reply.body().unsupported()) {
              LOG.log(System.Logger.Level.INFO, "dpd: peer " + peer.peerAddress() + " (" + peer.ikeSaId()
                  + ") did not announce DPD (RFC 3706): not probed, never declared dead");
              detector.dpdUnsupported(peer.ikeSaId());
            } else if (reply.body().acknowledged()) {
              if (debugging(peer) && peer.ikeVersion() != 1) {
                // IKEv1's ACK line, with its sequence number, comes from ike-service
                debug(peer, "Received DPD/liveness query response from " + peer.peerAddress());
              }
              owned.probeAcknowledged(peer.ikeSaId());
            }
          }))
          // No answer in time: the state machine retransmits on its own clock.
          .onFailure(err -> LOG.log(System.Logger.Level.DEBUG,
              () -> "dpd: probe " + attempt + " to " + peer.peerAddress() + " unanswered: " + err.getMessage()));
    }

    @Override
    public void peerDead(IkePeer peer, long silentForMillis) {
      if (debugging(peer) && peer.ikeVersion() == 1) {
        // the last retransmission went unanswered too: the seed counts it before giving up
        debug(peer, "incrementing error counter on sa: PEERS_ALIVE_TIMER");
        debug(peer, "peer " + peer.peerAddress() + " not responding!");
        debug(peer, "peer does not do paranoid keepalives.");
      } else if (debugging(peer)) {
        debug(peer, "peer " + peer.peerAddress() + " not responding!");
      }
      LOG.log(System.Logger.Level.INFO, SessionStatus.down(peer));
      String next = config.failoverFor(peer).after(peer.peerAddress()).orElse(null);
      vertx.eventBus().publish(DpdMessages.PEER_DEAD, new PeerDead(peer.ikeSaId(), peer.peerAddress(),
          peer.peerPort(), silentForMillis, peer.peerId(), next));
    }
  }
}
