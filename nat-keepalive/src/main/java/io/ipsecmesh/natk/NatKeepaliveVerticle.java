package io.ipsecmesh.natk;

import io.ipsecmesh.proto.bus.BusCodecs;
import io.ipsecmesh.proto.bus.ConfigFollower;
import io.ipsecmesh.proto.bus.FwdMessages;
import io.ipsecmesh.proto.bus.FwdMessages.ActivitySummary;
import io.ipsecmesh.proto.bus.FwdMessages.SaActivity;
import io.ipsecmesh.proto.bus.NatKeepaliveMessages;
import io.ipsecmesh.proto.bus.NatKeepaliveMessages.SendKeepalives;
import io.ipsecmesh.proto.bus.NatKeepaliveMessages.Target;
import io.ipsecmesh.proto.bus.RecordJson;
import io.ipsecmesh.proto.bus.SaMessages;
import io.ipsecmesh.proto.bus.SaMessages.ChildSaDeleted;
import io.ipsecmesh.proto.bus.SaMessages.ChildSaInstalled;
import io.ipsecmesh.proto.cluster.InstanceMembership;
import io.ipsecmesh.proto.cluster.MemberHeartbeats;
import io.ipsecmesh.proto.cluster.Ownership;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.runtime.Cluster;
import io.ipsecmesh.proto.runtime.Metrics;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.SharedMaps;
import io.ipsecmesh.proto.time.Scheduler;
import io.ipsecmesh.proto.time.VertxScheduler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * nat-keepalive on the bus: learns the UDP-encapsulated Child SAs ({@code sa.child.installed/deleted}, and
 * the shared Child SA map at start), their traffic ({@code fwd.activity}) and {@code crypto isakmp nat
 * keepalive} ({@code config.changed}), and sends each tick's due keepalives to the forwarder as one
 * {@code natk.send}.
 *
 * <p>The Child SA record does not say which side is behind the NAT, so every UDP-encapsulated SA is kept
 * open; a keepalive sent by the side that is not behind a NAT is one harmless byte (RFC 3948 §2.3 lets
 * either side send them, the receiver discards them).
 *
 * <p>Instances split the paths among themselves ({@code natk.members} heartbeats, rendezvous hashing of the
 * path over the live instances, as dpd-service splits the peers): each path's keepalives come from one
 * instance, and when it dies (three missed heartbeats) or leaves, the survivors claim its paths. A starting
 * instance listens for a heartbeat period before it announces itself and claims anything, so it never owns
 * every path for a moment.
 */
public final class NatKeepaliveVerticle extends VerticleBase {

  private static final System.Logger LOG = System.getLogger(NatKeepaliveVerticle.class.getName());

  private final PrometheusRegistry registry;
  private final RandomGenerator random;
  private Scheduler scheduler;
  private NatKeepaliveTracker tracker;
  private ConfigFollower configFollower;
  private MemberHeartbeats members;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();

  /** Production: real time, an unseeded jitter source, the process-wide metrics registry. */
  public NatKeepaliveVerticle() {
    this(null, new SplittableRandom(), Metrics.registry());
  }

  /** Tests: virtual time (driven on this verticle's context), a seeded jitter source, a private registry. */
  public NatKeepaliveVerticle(Scheduler scheduler, RandomGenerator random, PrometheusRegistry registry) {
    this.scheduler = scheduler;
    this.random = random;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    BusCodecs.register(vertx);
    if (scheduler == null) {
      scheduler = new VertxScheduler(vertx);
    }
    InstanceMembership membership = new InstanceMembership("natk-" + UUID.randomUUID(),
        MemberHeartbeats.TIMEOUT_MILLIS);
    Ownership ownership = new Ownership(membership);
    tracker = new NatKeepaliveTracker(scheduler, settingsOf(GatewayConfig.empty()), random,
        batch -> vertx.eventBus().send(NatKeepaliveMessages.SEND, new SendKeepalives(batch)),
        NatKeepaliveMetrics.of(registry), t -> ownership.ownedHere(NatMapping.ownershipKey(t)));
    tracker.start();
    members = new MemberHeartbeats(vertx, scheduler, NatKeepaliveMessages.MEMBERS, membership,
        MemberHeartbeats.LISTEN_BEFORE_JOINING_MILLIS, () -> {
          ownership.refresh();
          tracker.ownershipChanged();
        });

    consume(SaMessages.CHILD_INSTALLED, (ChildSaInstalled i) -> installed(i.sa()));
    consume(SaMessages.CHILD_DELETED, (ChildSaDeleted d) -> tracker.childSaDeleted(d.inboundSpi()));
    consume(FwdMessages.ACTIVITY, (ActivitySummary s) -> {
      for (SaActivity a : s.activity()) {
        tracker.activity(a.inboundSpi(), a.sent(), a.received());
      }
    });

    configFollower = new ConfigFollower(vertx, "nat-keepalive", scheduler,
        (version, config) -> tracker.reconfigure(settingsOf(config)));
    List<Future<Void>> ready = new ArrayList<>();
    consumers.forEach(c -> ready.add(c.completion()));
    ready.add(configFollower.start());
    ready.add(members.start());
    return Future.all(ready).onSuccess(ok -> loadInstalledSas());
  }

  @Override
  public Future<?> stop() {
    if (configFollower != null) {
      configFollower.stop();
    }
    if (tracker != null) {
      tracker.stop();
      // orderly leave: the others claim this instance's paths now, not after the heartbeat timeout
      members.stop();
    }
    return Future.succeededFuture();
  }

  Context context() {
    return context;
  }

  NatKeepaliveTracker tracker() {
    return tracker;
  }

  private void installed(ChildSa sa) {
    if (sa.udpEncapsulation()) {
      tracker.childSaInstalled(sa.inboundSpi(), target(sa));
    }
  }

  private static Target target(ChildSa sa) {
    return new Target(sa.localAddress(), sa.localPort(), sa.peerAddress(), sa.peerPort());
  }

  /** SAs installed before this instance started are in the shared Child SA map; read it off the loop. */
  private void loadInstalledSas() {
    vertx.<List<ChildSa>>executeBlocking(() -> {
      List<ChildSa> sas = new ArrayList<>();
      for (String json : Cluster.map(vertx, SharedMaps.CHILD_SAS).values()) {
        try {
          sas.add(RecordJson.fromJson(new JsonObject(json), ChildSa.class));
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.WARNING, "natk: unreadable Child SA in the shared map: " + e.getMessage());
        }
      }
      return sas;
    }).onComplete(result -> guarded("loading Child SAs", () -> {
      if (result.succeeded()) {
        for (ChildSa sa : result.result()) {
          if (sa.udpEncapsulation() && !tracker.knows(sa.inboundSpi())) {
            tracker.childSaLoaded(sa.inboundSpi(), target(sa));
          }
        }
      } else {
        LOG.log(System.Logger.Level.WARNING, "natk: cannot read the Child SA map: " + result.cause());
      }
    }));
  }

  static Optional<NatKeepaliveSettings> settingsOf(GatewayConfig config) {
    Integer seconds = config.natKeepaliveSeconds();
    if (seconds == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(new NatKeepaliveSettings(seconds));
    } catch (IllegalArgumentException e) {
      LOG.log(System.Logger.Level.WARNING, "natk: ignoring " + e.getMessage());
      return Optional.empty();
    }
  }

  private <T> void consume(String address, Handler<T> handler) {
    MessageConsumer<T> c = vertx.eventBus().consumer(address,
        (Message<T> m) -> guarded(address, () -> handler.handle(m.body())));
    consumers.add(c);
  }

  private static void guarded(String what, Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "natk: " + what + " failed", e);
    }
  }
}
