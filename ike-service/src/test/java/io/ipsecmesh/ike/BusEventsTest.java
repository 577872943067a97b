package io.ipsecmesh.ike;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipsecmesh.proto.bus.BusCodecs;
import io.ipsecmesh.proto.bus.RecordJson;
import io.ipsecmesh.proto.bus.SaMessages;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.sa.TrafficSelector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Engine events as the other services see them. A NAT rebinding (the peer's mapped port moved, learned
 * from an authenticated IKE message) must reach every holder of the old endpoint: the shared map (the
 * forwarder's listener) and the bus (nat-keepalive knows SAs from {@code sa.child.installed} only).
 */
@ExtendWith(VertxExtension.class)
class BusEventsTest {

  private static ChildSa sa(int peerPort) {
    return new ChildSa("ike-1", 7, "VPN", 10, 0xC0FFEE01L, 0xC0FFEE02L, EspTransform.AES_GCM_128,
        ChildSa.Mode.TUNNEL, true, false, 64, "172.31.255.2", 4500, "172.31.255.1", peerPort,
        List.of(TrafficSelector.anyPorts("10.91.2.0", "10.91.2.255")),
        List.of(TrafficSelector.anyPorts("10.91.1.0", "10.91.1.255")), new ChildSa.Lifetime(3240, 3600, 0, 0), 0,
        "copy", new byte[0], new byte[0], 1_700_000_000_000L);
  }

  @Test
  void reboundChildSaIsWrittenToTheMapAndReannouncedOnTheBus(Vertx vertx, VertxTestContext ctx) {
    BusCodecs.register(vertx);
    ConcurrentMap<String, String> childSas = new ConcurrentHashMap<>();
    BusEvents events = new BusEvents(vertx, childSas, new ConcurrentHashMap<>(),
        IkeMetrics.of(new PrometheusRegistry()));
    ChildSa moved = sa(31022);
    vertx.eventBus().<SaMessages.ChildSaInstalled>consumer(SaMessages.CHILD_INSTALLED, m -> ctx.verify(() -> {
      assertEquals(moved.inboundSpi(), m.body().sa().inboundSpi());
      assertEquals(31022, m.body().sa().peerPort());
      // the map is written first: a service that reads it on the announcement sees the new port too
      assertEquals(31022, RecordJson.fromJson(new JsonObject(childSas.get(moved.key())), ChildSa.class).peerPort());
      ctx.completeNow();
    })).completion().onSuccess(ok -> events.childSaRebound(moved));
  }
}
