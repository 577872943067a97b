package io.ipsecmesh.dpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.bus.BusCodecs;
import io.ipsecmesh.proto.bus.RecordJson;
import io.ipsecmesh.proto.sa.IkeSaSummary;
import io.ipsecmesh.proto.runtime.Cluster;
import io.ipsecmesh.proto.sa.SharedMaps;
import io.ipsecmesh.proto.time.VirtualScheduler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** An instance that starts after the IKE SAs came up learns them from the shared IKE SA map. */
@ExtendWith(VertxExtension.class)
class DpdLateStartTest {

  @Test
  void establishedIkeSasInTheSharedMap_areWatched_halfOpenAndDeletedOnesAreNot(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    BusCodecs.register(vertx);
    IkeSaSummary established = new IkeSaSummary("aa00000000000001:bb00000000000002", "10.2.80.209", "10.1.32.14",
        "READY", 2001, "ACTIVE", "10.2.80.209", 2, 500, 500, "Initiator", 0);
    IkeSaSummary deleted = new IkeSaSummary("aa00000000000003:bb00000000000004", "10.9.9.9", "10.1.32.14",
        "READY", 2002, "DELETED", "10.9.9.9", 2, 500, 500, "Initiator", 0);
    IkeSaSummary mainMode = new IkeSaSummary("0000000000000005:cc00000000000006", "10.2.80.210", "10.1.32.14",
        "QM_IDLE", 2003, "ACTIVE", "10.2.80.210", 1, 500, 500, "Responder", 0);
    // written at IKE_SA_INIT, before the peer authenticated: its ike.peer.up comes if it ever does
    IkeSaSummary halfOpen = new IkeSaSummary("aa00000000000007:bb00000000000008", "192.0.2.66", "10.1.32.14",
        "IN-NEG", 2004, "ACTIVE", "", 2, 500, 500, "Responder", 0);
    IkeSaSummary mainModeHalfOpen = new IkeSaSummary("0000000000000009:0000000000000000", "192.0.2.67", "10.1.32.14",
        "MM_NO_STATE", 2005, "ACTIVE", "", 1, 500, 500, "Responder", 0);
    for (IkeSaSummary row : List.of(established, deleted, mainMode, halfOpen, mainModeHalfOpen)) {
      Cluster.map(vertx, SharedMaps.IKE_SAS).put(row.ikeSaId(), RecordJson.toJson(row).encode());
    }

    VirtualScheduler clock = new VirtualScheduler();
    DpdVerticle dpd = new DpdVerticle(clock, new PrometheusRegistry());
    vertx.deployVerticle(dpd).onComplete(ctx.succeeding(id -> vertx.setPeriodic(20,
        t -> dpd.context().runOnContext(v -> {
          if (dpd.detector().peers() > 0) {
            ctx.verify(() -> {
              assertEquals(2, dpd.detector().peers());
              assertTrue(dpd.detector().state(established.ikeSaId()).isPresent());
              assertTrue(dpd.detector().state(mainMode.ikeSaId()).isPresent());
            });
            ctx.completeNow();
          }
        }))));
    assertTrue(ctx.awaitCompletion(20, TimeUnit.SECONDS));
  }
}
