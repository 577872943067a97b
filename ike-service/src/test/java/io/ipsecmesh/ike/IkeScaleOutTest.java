package io.ipsecmesh.ike;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.ike.engine.IkeEngine;
import io.ipsecmesh.ike.engine.RetransmitPolicy;
import io.ipsecmesh.ike.ha.SealedCheckpoints;
import io.ipsecmesh.ike.seam.IkeEventSink;
import io.ipsecmesh.ike.policy.PolicyStore;
import io.ipsecmesh.proto.bus.DpdMessages;
import io.ipsecmesh.proto.bus.FwdMessages;
import io.ipsecmesh.proto.bus.IkeMessages;
import io.ipsecmesh.proto.bus.SaMessages;
import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.runtime.Cluster;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.IkeCheckpoint;
import io.ipsecmesh.proto.sa.IkeSaSummary;
import io.ipsecmesh.proto.sa.KeyWrap;
import io.ipsecmesh.proto.sa.SharedMaps;
import io.ipsecmesh.proto.time.VertxScheduler;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two ike-service instances in scale-out mode on one bus (as in one cluster) and a peer behind the forwarder's
 * 4500 ({@code ike.punt} is published to both): the IKE SA is held by exactly one of them and checkpointed; when
 * that instance leaves, the other adopts the SA from {@code ike.checkpoints} and answers the peer's DPD and Child
 * SA rekey and runs our own DPD probe, all without a second IKE_SA_INIT. (kill -9 differs only in how the leave
 * is noticed — three missed 0.5 s heartbeats — which IkeServiceTakeoverTest covers with separate JVMs.)
 */
@ExtendWith(VertxExtension.class)
class IkeScaleOutTest {

  private static final String GW = "192.0.2.1";
  private static final String PEER = "192.0.2.2";

  @Test
  void theSurvivorContinuesTheIkeSaOfAnInstanceThatLeftWithoutIkeSaInit(Vertx vertx, VertxTestContext ctx)
      throws Throwable {
    AtomicInteger initRequests = new AtomicInteger();
    List<ChildSa> peerChildren = new CopyOnWriteArrayList<>();
    List<String> peerUp = new CopyOnWriteArrayList<>();
    IkeEventSink events = new IkeEventSink() {
      @Override
      public void childSaInstalled(ChildSa sa) {
        peerChildren.add(sa);
      }

      @Override
      public void ikeSaUp(IkeSaSummary s, String m, int q) {
        peerUp.add(s.ikeSaId());
      }
    };
    PolicyStore peerPolicies = new PolicyStore();
    peerPolicies.replace(List.of(IkeVerticleTest.policy(PEER, GW, "10.2.2", "10.1.1")));
    IkeEngine peer = new IkeEngine(new VertxScheduler(vertx), (la, lp, pa, pp, m) -> {
      if ((m[18] & 0xff) == IkeConstants.IKE_SA_INIT && (m[19] & IkeConstants.FLAG_RESPONSE) == 0) {
        initRequests.incrementAndGet();
      }
      vertx.eventBus().publish(FwdMessages.IKE_PUNT, new IkeMessages.IkeDatagram(GW, 4500, PEER, 4500, m));
    }, events, peerPolicies, new KeyWrap(new byte[32]), RetransmitPolicy.DEFAULT, IkeEngine.Limits.DEFAULT,
        System::currentTimeMillis);
    vertx.eventBus().<IkeMessages.IkeDatagram>consumer(IkeMessages.IKE_TX,
        m -> peer.receive(PEER, 4500, GW, 4500, m.body().message()));

    Map<String, String> checkpoints = Cluster.map(vertx, SharedMaps.IKE_CHECKPOINTS);
    SealedCheckpoints opener = SealedCheckpoints.withProcessKek(null);
    String[] deployment = new String[2];
    deploy(vertx, "ike-a").compose(a -> {
      deployment[0] = a;
      return deploy(vertx, "ike-b");
    }).compose(b -> {
      deployment[1] = b;
      return delay(vertx, 3000); // both heard each other and joined (listen 0.75 s, heartbeats 0.5 s)
    }).compose(x -> {
      vertx.runOnContext(v -> peer.initiate(peerPolicies.all().getFirst()));
      return until(vertx, () -> peerChildren.size() == 1 && checkpoints.size() == 1, "IKE SA up and checkpointed");
    }).compose(x -> {
      String id = peerUp.getFirst();
      IkeCheckpoint c = opener.open(id, checkpoints.get(id));
      String owner = c.owner();
      ctx.verify(() -> assertTrue(List.of("ike-a", "ike-b").contains(owner)));
      // the owner leaves (orderly: it releases the SA without a DELETE; the checkpoint stays)
      return vertx.undeploy(deployment[owner.equals("ike-a") ? 0 : 1]).map(owner);
    }).compose(owner -> until(vertx, () -> probe(vertx, peerUp.getFirst()), "the survivor's DPD probe answered")
        .map(owner)).compose(owner -> {
      Promise<Boolean> answered = Promise.promise();
      vertx.runOnContext(v -> peer.probe(peerUp.getFirst(), 0, answered::tryComplete));
      return answered.future().map(ok -> {
        ctx.verify(() -> assertTrue(ok, "the peer's DPD answered by the survivor"));
        return owner;
      });
    }).compose(owner -> {
      vertx.runOnContext(v -> peer.rekeyChild(peerChildren.getFirst().inboundSpi()));
      // CREATE_CHILD_SA, then the DELETE of the old pair: the checkpoint after the DELETE lists the new one only
      return until(vertx, () -> peerChildren.size() == 2 && onlyChildIsNot(
          opener.open(peerUp.getFirst(), checkpoints.get(peerUp.getFirst())), peerChildren.getFirst().outboundSpi()),
          "the peer's Child SA rekey answered and its DELETE").map(owner);
    }).onComplete(ctx.succeeding(owner -> ctx.verify(() -> {
      String id = peerUp.getFirst();
      IkeCheckpoint c = opener.open(id, checkpoints.get(id));
      assertNotEquals(owner, c.owner(), "checkpointed by the survivor now");
      assertTrue(onlyChildIsNot(c, peerChildren.getFirst().outboundSpi()), "the rekeyed Child SA replaced the old one");
      assertEquals(1, initRequests.get(), "no second IKE_SA_INIT");
      String survivor = owner.equals("ike-a") ? "ike-b" : "ike-a";
      assertEquals(1.0, scaleOutEvents(survivor, "adopted"), "ipsecmesh_ike_scale_out_events{instance=survivor}");
      assertTrue(scaleOutEvents(owner, "checkpoint-stored") >= 1);
      assertEquals(1, peerUp.size());
      ctx.completeNow();
    })));
    assertTrue(ctx.awaitCompletion(40, TimeUnit.SECONDS));
    if (ctx.failed()) {
      throw ctx.causeOfFailure();
    }
  }

  private static double scaleOutEvents(String instance, String event) {
    return io.ipsecmesh.proto.runtime.Metrics.registry().scrape().stream()
        .filter(m -> m.getMetadata().getName().equals("ipsecmesh_ike_scale_out_events"))
        .flatMap(m -> ((io.prometheus.metrics.model.snapshots.CounterSnapshot) m).getDataPoints().stream())
        .filter(d -> instance.equals(d.getLabels().get("instance")) && event.equals(d.getLabels().get("event")))
        .mapToDouble(io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot::getValue)
        .sum();
  }

  /** The checkpoint lists one Child SA, and not the one whose inbound SPI is {@code oldInbound}. */
  private static boolean onlyChildIsNot(IkeCheckpoint c, long oldInbound) {
    return c.childSas().size() == 1 && io.ipsecmesh.proto.bus.RecordJson.fromJson(
        new JsonObject(c.childSas().getFirst()), ChildSa.class).inboundSpi() != oldInbound;
  }

  private static Future<String> deploy(Vertx vertx, String instance) {
    JsonObject cfg = new JsonObject().put("ike-bind-address", "127.0.0.1").put("ike-local-address", GW)
        .put("ike-port", "0").put("ike-scale-out", "true").put("ike-instance-id", instance);
    return vertx.deployVerticle(new IkeVerticle(List.of(IkeVerticleTest.policy(GW, PEER, "10.1.1", "10.2.2"))),
        new DeploymentOptions().setConfig(cfg));
  }

  private static Future<Boolean> probe(Vertx vertx, String ikeSaId) {
    return vertx.eventBus().<DpdMessages.ProbeOutcome>request(DpdMessages.PROBE,
        new DpdMessages.ProbeRequest(ikeSaId, PEER, 0, 1000)).map(r -> r.body().acknowledged()).otherwise(false);
  }

  private static Future<Void> delay(Vertx vertx, long millis) {
    Promise<Void> p = Promise.promise();
    vertx.setTimer(millis, t -> p.complete());
    return p.future();
  }

  /** Polls a condition every 100 ms for up to 15 s (a deadline for a hung test, not a timing assertion). */
  private static Future<Void> until(Vertx vertx, Supplier<?> condition, String what) {
    long deadline = System.currentTimeMillis() + 15_000;
    Promise<Void> p = Promise.promise();
    poll(vertx, condition, what, deadline, p);
    return p.future();
  }

  @SuppressWarnings("unchecked")
  private static void poll(Vertx vertx, Supplier<?> condition, String what, long deadline, Promise<Void> p) {
    Object v = condition.get();
    Future<Boolean> f = v instanceof Future<?> fut ? (Future<Boolean>) fut : Future.succeededFuture((Boolean) v);
    f.onComplete(r -> {
      if (r.succeeded() && Boolean.TRUE.equals(r.result())) {
        p.complete();
      } else if (System.currentTimeMillis() > deadline) {
        p.fail(new AssertionError("not reached: " + what));
      } else {
        vertx.setTimer(100, t -> poll(vertx, condition, what, deadline, p));
      }
    });
  }
}
