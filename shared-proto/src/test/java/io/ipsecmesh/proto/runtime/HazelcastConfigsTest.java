package io.ipsecmesh.proto.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import java.io.IOException;
import java.io.Serializable;
import java.net.ServerSocket;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A member of ours: JSON strings pass, a Java-serialized class outside the allow-list is refused. */
class HazelcastConfigsTest {

  /** Stands for a gadget class someone with access to the member port could plant. */
  record Planted(String command) implements Serializable {}

  @Test
  void belowTheClusterQuorumTheSequenceReservationsRefuseReadsAndWrites() throws Exception {
    int port = freePort();
    LaunchOptions o = LaunchOptions.parse(new String[] {"--cluster-quorum", "2"}, java.util.Map.of())
        .withClusterName("hz-quorum-" + UUID.randomUUID()).withCluster(port, List.of("127.0.0.1:" + port));
    assertEquals(2, HazelcastConfigs.quorum(o));
    HazelcastInstance hz = Hazelcast.newHazelcastInstance(HazelcastConfigs.member(o));
    try {
      // a lone member is a minority of a two-member quorum: no block can be reserved on this side
      IMap<String, String> seq = hz.getMap(io.ipsecmesh.proto.sa.SharedMaps.SEQUENCE_RESERVATIONS);
      assertThrows(com.hazelcast.splitbrainprotection.SplitBrainProtectionException.class,
          () -> seq.putIfAbsent("child/1/2/3", "{}"));
      assertThrows(com.hazelcast.splitbrainprotection.SplitBrainProtectionException.class,
          () -> seq.get("child/1/2/3"));
      IMap<String, String> other = hz.getMap(io.ipsecmesh.proto.sa.SharedMaps.CHILD_SAS);
      other.put("k", "v"); // the other maps are not fenced
      assertEquals("v", other.get("k"));
    } finally {
      hz.shutdown();
    }
  }

  @Test
  void withoutAQuorumNothingIsProtected() {
    assertEquals(0, HazelcastConfigs.quorum(LaunchOptions.defaults()));
    assertTrue(HazelcastConfigs.member(LaunchOptions.defaults()).getSplitBrainProtectionConfigs().isEmpty());
    assertThrows(IllegalArgumentException.class, () -> HazelcastConfigs.quorum(
        LaunchOptions.parse(new String[] {"--cluster-quorum", "two"}, java.util.Map.of())));
  }

  @Test
  void javaDeserializationOutsideTheAllowListIsRefused() throws Exception {
    int port = freePort();
    LaunchOptions o = LaunchOptions.defaults().withClusterName("hz-filter-" + UUID.randomUUID())
        .withCluster(port, List.of("127.0.0.1:" + port));
    HazelcastInstance hz = Hazelcast.newHazelcastInstance(HazelcastConfigs.member(o));
    try {
      IMap<String, Object> map = hz.getMap("filter-test");
      map.put("json", "{\"a\":1}");
      assertEquals("{\"a\":1}", map.get("json"));
      map.put("planted", new Planted("rm -rf /"));
      Exception e = assertThrows(Exception.class, () -> map.get("planted"));
      String all = e + " / " + e.getCause();
      assertTrue(all.contains("is not allowed") || all.contains("SecurityException"), all);
    } finally {
      hz.shutdown();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
