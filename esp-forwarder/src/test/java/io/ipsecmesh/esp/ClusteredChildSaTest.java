package io.ipsecmesh.esp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.EntryView;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.ipsecmesh.esp.fwd.SaPair;
import io.ipsecmesh.esp.fwd.SequenceReservations;
import io.ipsecmesh.esp.tun.InProcessPacketPort;
import io.ipsecmesh.proto.bus.SaMessages;
import io.ipsecmesh.proto.bus.BusCodecs;
import io.ipsecmesh.proto.bus.RecordJson;
import io.ipsecmesh.proto.runtime.Cluster;
import io.ipsecmesh.proto.runtime.LaunchOptions;
import io.ipsecmesh.proto.runtime.ServiceLauncher;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.sa.KeyWrap;
import io.ipsecmesh.proto.sa.SharedMaps;
import io.ipsecmesh.proto.sa.TrafficSelector;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The forwarder on a clustered Vert.x (one embedded Hazelcast member on loopback): Child SAs written
 * by ike-service into {@code ipsec.child-sa} are installed and removed through the map listener, and
 * outbound sequence numbers are reserved in {@code ipsec.seq-reservations} (by SA id) before use; an SA
 * announced on the bus and written to the map (either order) is installed once; a replacement forwarder resumes
 * above its predecessor's block.
 */
class ClusteredChildSaTest {

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static void await(Vertx v, BooleanSupplier condition) throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    long timer = v.setPeriodic(20, t -> {
      if (condition.getAsBoolean()) {
        done.complete(null);
      }
    });
    try {
      done.get(30, TimeUnit.SECONDS);
    } finally {
      v.cancelTimer(timer);
    }
  }

  @Test
  void childSaMapDrivesTheSadAndSequenceNumbersAreReserved() throws Exception {
    int port = freePort();
    LaunchOptions options = LaunchOptions.defaults().withClusterName("esp-test-" + ProcessHandle.current().pid())
        .withCluster(port, List.of("127.0.0.1:" + port));
    Vertx vertx = ServiceLauncher.startVertx(options).await(90, TimeUnit.SECONDS);
    try {
      BusCodecs.register(vertx);
      HazelcastInstance hz = Cluster.hazelcast(vertx);
      assertNotNull(hz);
      KeyWrap w = KeyWrap.fromEnvironment();
      byte[] k = new byte[EspTransform.AES_GCM_128.keyMaterialBytes()];
      ChildSa present = childSa(0xA0000001L, 0xB0000001L, w, k);
      // one SA is in the map before the forwarder starts, one arrives later
      hz.getMap(SharedMaps.CHILD_SAS).put(present.key(), RecordJson.toJson(present).encode());
      EspForwarderVerticle f = new EspForwarderVerticle(new InProcessPacketPort("c"));
      String fId = vertx.deployVerticle(f, new DeploymentOptions().setConfig(new JsonObject()
          .put("bindAddress", "127.0.0.1").put("port", 0))).await(30, TimeUnit.SECONDS);
      await(vertx, () -> f.dataPlane().sad().get(0xA0000001L) != null);
      ChildSa later = childSa(0xA0000002L, 0xB0000002L, w, k);
      hz.getMap(SharedMaps.CHILD_SAS).put(later.key(), RecordJson.toJson(later).encode());
      await(vertx, () -> f.dataPlane().sad().get(0xA0000002L) != null);

      Object reserved = hz.getMap(SharedMaps.SEQUENCE_RESERVATIONS).get(later.saId());
      assertEquals(SequenceReservations.encode(later.saId(), 1048576), reserved, "the first block [1, 2^20] is reserved (by SA id) before the SA is used");
      assertEquals(1048576, f.dataPlane().sad().get(0xA0000002L).outbound().sequenceLimit());

      // as ike-service does it (make-before-break): the bus announcement, then the map write right after; and
      // the other order. Each SA is installed once: one block reserved, the pair never replaced
      ChildSa busFirst = childSa(0xA0000003L, 0xB0000003L, w, k);
      vertx.eventBus().publish(SaMessages.CHILD_INSTALLED, new SaMessages.ChildSaInstalled(busFirst));
      hz.getMap(SharedMaps.CHILD_SAS).put(busFirst.key(), RecordJson.toJson(busFirst).encode());
      ChildSa mapFirst = childSa(0xA0000004L, 0xB0000004L, w, k);
      hz.getMap(SharedMaps.CHILD_SAS).put(mapFirst.key(), RecordJson.toJson(mapFirst).encode());
      vertx.eventBus().publish(SaMessages.CHILD_INSTALLED, new SaMessages.ChildSaInstalled(mapFirst));
      await(vertx, () -> f.dataPlane().sad().get(0xA0000003L) != null && f.dataPlane().sad().get(0xA0000004L) != null);
      SaPair busPair = f.dataPlane().sad().get(0xA0000003L);
      SaPair mapPair = f.dataPlane().sad().get(0xA0000004L);
      // the later copies went through the control context too: a round trip on it after them
      vertx.eventBus().publish(SaMessages.CHILD_INSTALLED, new SaMessages.ChildSaInstalled(busFirst));
      Thread.sleep(500);
      assertSame(busPair, f.dataPlane().sad().get(0xA0000003L));
      assertSame(mapPair, f.dataPlane().sad().get(0xA0000004L));
      assertEquals(SequenceReservations.encode(busFirst.saId(), 1048576), hz.getMap(SharedMaps.SEQUENCE_RESERVATIONS).get(busFirst.saId()));
      assertEquals(SequenceReservations.encode(mapFirst.saId(), 1048576), hz.getMap(SharedMaps.SEQUENCE_RESERVATIONS).get(mapFirst.saId()));

      hz.getMap(SharedMaps.CHILD_SAS).remove(later.key());
      await(vertx, () -> f.dataPlane().sad().get(0xA0000002L) == null);
      assertNotNull(f.dataPlane().sad().get(0xA0000001L));

      // the forwarder is replaced (undeployed without deleting anything, a new one reads the map): it resumes
      // above the block its predecessor held, never at 1
      vertx.undeploy(fId).await(30, TimeUnit.SECONDS);
      EspForwarderVerticle g = new EspForwarderVerticle(new InProcessPacketPort("d"));
      vertx.deployVerticle(g, new DeploymentOptions().setConfig(new JsonObject().put("bindAddress", "127.0.0.1")
          .put("port", 0))).await(30, TimeUnit.SECONDS);
      await(vertx, () -> g.dataPlane().sad().get(0xA0000003L) != null);
      assertEquals(1048577, g.dataPlane().sad().get(0xA0000003L).outbound().nextSequence());
      assertEquals(SequenceReservations.encode(busFirst.saId(), 2097152), hz.getMap(SharedMaps.SEQUENCE_RESERVATIONS).get(busFirst.saId()));
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  /**
   * Someone on the Hazelcast port puts a deleted SA's old, validly sealed record back into {@code ipsec.child-sa}:
   * its reservation survived the deletion as a tombstone with a TTL of its remaining hard lifetime plus the
   * margin, so the forwarder that installs it starts above every number the SA could have sent (its whole first
   * block), never at 1 under the same key.
   */
  @Test
  void aDeletedSaPutBackIntoTheMapResumesAboveItsTombstone() throws Exception {
    int port = freePort();
    LaunchOptions options = LaunchOptions.defaults().withClusterName("esp-rollback-" + ProcessHandle.current().pid())
        .withCluster(port, List.of("127.0.0.1:" + port));
    Vertx vertx = ServiceLauncher.startVertx(options).await(90, TimeUnit.SECONDS);
    try {
      BusCodecs.register(vertx);
      HazelcastInstance hz = Cluster.hazelcast(vertx);
      KeyWrap w = KeyWrap.fromEnvironment();
      byte[] k = new byte[EspTransform.AES_GCM_128.keyMaterialBytes()];
      ChildSa sa = childSa(0xA0000011L, 0xB0000011L, w, k);
      String record = RecordJson.toJson(sa).encode(); // what an eavesdropper on the map keeps
      IMap<String, String> reservations = hz.getMap(SharedMaps.SEQUENCE_RESERVATIONS);
      EspForwarderVerticle f = new EspForwarderVerticle(new InProcessPacketPort("e"));
      String fId = vertx.deployVerticle(f, new DeploymentOptions().setConfig(new JsonObject()
          .put("bindAddress", "127.0.0.1").put("port", 0))).await(30, TimeUnit.SECONDS);
      hz.getMap(SharedMaps.CHILD_SAS).put(sa.key(), record);
      await(vertx, () -> f.dataPlane().sad().get(0xA0000011L) != null);
      long sentAtMost = f.dataPlane().sad().get(0xA0000011L).outbound().sequenceLimit();
      assertEquals(1048576, sentAtMost);

      hz.getMap(SharedMaps.CHILD_SAS).remove(sa.key());
      await(vertx, () -> f.dataPlane().sad().get(0xA0000011L) == null);
      // the reservation stays, now with a TTL: the rest of the hour-long hard lifetime plus the margin
      long most = (3600 + SequenceReservations.TOMBSTONE_MARGIN_SECONDS) * 1000;
      await(vertx, () -> {
        EntryView<String, String> e = reservations.getEntryView(sa.saId());
        return e != null && e.getTtl() > 0 && e.getTtl() <= most;
      });
      EntryView<String, String> tomb = reservations.getEntryView(sa.saId());
      assertEquals(SequenceReservations.encode(sa.saId(), 1048576), tomb.getValue());
      assertTrue(tomb.getTtl() > 3_500_000L, "TTL " + tomb.getTtl());

      // a forwarder that never saw the deletion (this one remembers it) meets the old record in the map
      vertx.undeploy(fId).await(30, TimeUnit.SECONDS);
      hz.getMap(SharedMaps.CHILD_SAS).put(sa.key(), record);
      EspForwarderVerticle g = new EspForwarderVerticle(new InProcessPacketPort("f"));
      vertx.deployVerticle(g, new DeploymentOptions().setConfig(new JsonObject().put("bindAddress", "127.0.0.1")
          .put("port", 0))).await(30, TimeUnit.SECONDS);
      await(vertx, () -> g.dataPlane().sad().get(0xA0000011L) != null
          && g.dataPlane().sad().get(0xA0000011L).outbound().sequenceLimit() > 1);
      long next = g.dataPlane().sad().get(0xA0000011L).outbound().nextSequence();
      assertTrue(next > sentAtMost, "resumes at " + next + ", above every number sent before (<= " + sentAtMost + ")");
      assertEquals(1048577, next);
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  private static ChildSa childSa(long in, long out, KeyWrap w, byte[] k) {
    return new ChildSa("0a:0b", 21, "VPN", 10, in, out, EspTransform.AES_GCM_128, ChildSa.Mode.TUNNEL, true, false,
        64, "127.0.0.1", 4500, "127.0.0.1", 4500, List.of(TrafficSelector.anyPorts("10.91.31.0", "10.91.31.255")),
        List.of(TrafficSelector.anyPorts("10.91.32.0", "10.91.32.255")), new ChildSa.Lifetime(3240, 3600, 0, 0), 0,
        "copy", w.wrap(k), w.wrap(k), System.currentTimeMillis());
  }
}
