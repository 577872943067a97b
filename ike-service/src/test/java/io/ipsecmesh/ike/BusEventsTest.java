package io.ipsecmesh.ike;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.bus.BusCodecs;
import io.ipsecmesh.proto.bus.DpdMessages;
import io.ipsecmesh.proto.bus.IkeMessages;
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
    return sa("ike-1", 0xC0FFEE01L, peerPort);
  }

  private static ChildSa sa(String ikeSaId, long inboundSpi, int peerPort) {
    return new ChildSa(ikeSaId, 7, "VPN", 10, inboundSpi, inboundSpi + 1, EspTransform.AES_GCM_128,
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

  /**
   * An ike-service that restarted holds no IKE SA of before; when DPD declares such a peer dead, its Child
   * SAs must still leave the cluster and the forwarder, and another IKE SA's must stay.
   */
  @Test
  void peerDeadOfAnIkeSaFromBeforeTheRestartDeletesItsChildSasEverywhere(Vertx vertx, VertxTestContext ctx) {
    BusCodecs.register(vertx);
    ConcurrentMap<String, String> childSas = new ConcurrentHashMap<>();
    ConcurrentMap<String, String> ikeSas = new ConcurrentHashMap<>();
    BusEvents events = new BusEvents(vertx, childSas, ikeSas, IkeMetrics.of(new PrometheusRegistry()));
    ChildSa dead = sa("ike-dead", 0xD0000001L, 4500);
    ChildSa other = sa("ike-other", 0xD0000011L, 4500);
    childSas.put(dead.key(), RecordJson.toJson(dead).encode());
    childSas.put(other.key(), RecordJson.toJson(other).encode());
    ikeSas.put("ike-dead", "{}");
    List<Long> deleted = new java.util.concurrent.CopyOnWriteArrayList<>();
    vertx.eventBus().<SaMessages.ChildSaDeleted>consumer(SaMessages.CHILD_DELETED, m -> deleted.add(m.body().inboundSpi()));
    vertx.eventBus().<IkeMessages.PeerDown>consumer(IkeMessages.PEER_DOWN, m -> ctx.verify(() -> {
      assertEquals("ike-dead", m.body().ikeSaId());
      assertEquals("dpd", m.body().reason());
      assertEquals(List.of(0xD0000001L), deleted);
      assertTrue(!childSas.containsKey(dead.key()) && childSas.containsKey(other.key()), childSas.keySet().toString());
      assertTrue(!ikeSas.containsKey("ike-dead"));
      ctx.completeNow();
    })).completion().onSuccess(ok -> events.orphanDead(
        new DpdMessages.PeerDead("ike-dead", "172.31.255.1", 4500, 21_000, "172.31.255.1", null)));
  }
}
