package io.ipsecmesh.dpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.bus.BusCodecs;
import io.ipsecmesh.proto.bus.IkeMessages;
import io.ipsecmesh.proto.bus.IkeMessages.PeerUp;
import io.ipsecmesh.proto.time.VirtualScheduler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two dpd-service instances on one bus find each other through {@code dpd.members} heartbeats and split the
 * IKE peers; when one is undeployed its peers move to the other. Each instance has its own virtual clock,
 * advanced on its own event loop.
 */
@ExtendWith(VertxExtension.class)
class DpdInstancesTest {

  private static final int PEERS = 40;

  private static Future<List<String>> watched(DpdVerticle dpd) {
    return Future.future(p -> dpd.context().runOnContext(v -> p.complete(dpd.detector().ikeSaIds())));
  }

  @Test
  void twoInstancesSplitThePeers_andTheSurvivorTakesOverOnUndeploy(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    BusCodecs.register(vertx);
    VirtualScheduler clockA = new VirtualScheduler();
    VirtualScheduler clockB = new VirtualScheduler();
    DpdVerticle a = new DpdVerticle(clockA, new PrometheusRegistry());
    DpdVerticle b = new DpdVerticle(clockB, new PrometheusRegistry());
    String[] deploymentB = new String[1];
    vertx.deployVerticle(a)
        .compose(id -> vertx.deployVerticle(b))
        .onSuccess(id -> deploymentB[0] = id)
        .onComplete(ctx.succeeding(id -> {
          for (int i = 0; i < PEERS; i++) {
            vertx.eventBus().publish(IkeMessages.PEER_UP,
                new PeerUp("ike-" + i, "10.7.0." + i, 500, "10.7.0." + i, 1, "hub", 10));
          }
          // Heartbeats every virtual second on both instances: 20 ms of real time each.
          long driver = vertx.setPeriodic(20, t -> {
            a.context().runOnContext(v -> clockA.advance(1_000));
            b.context().runOnContext(v -> clockB.advance(1_000));
          });
          vertx.setTimer(400, t -> Future.all(watched(a), watched(b)).onComplete(ctx.succeeding(split -> {
            List<String> ofA = split.resultAt(0);
            List<String> ofB = split.resultAt(1);
            ctx.verify(() -> {
              Set<String> all = new HashSet<>(ofA);
              all.addAll(ofB);
              assertEquals(PEERS, all.size(), "every peer watched");
              assertEquals(PEERS, ofA.size() + ofB.size(), "by exactly one instance");
              assertTrue(!ofA.isEmpty() && !ofB.isEmpty(), "both instances share the load: " + ofA.size());
            });
            vertx.undeploy(deploymentB[0]).onComplete(ctx.succeeding(v -> vertx.setTimer(200,
                t2 -> watched(a).onComplete(ctx.succeeding(afterLeave -> {
                  vertx.cancelTimer(driver);
                  ctx.verify(() -> assertEquals(PEERS, afterLeave.size(), "the survivor took b's peers over"));
                  ctx.completeNow();
                })))));
          })));
        }));
    assertTrue(ctx.awaitCompletion(20, TimeUnit.SECONDS));
  }
}
