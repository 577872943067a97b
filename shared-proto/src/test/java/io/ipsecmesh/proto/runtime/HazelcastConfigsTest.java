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

  /**
   * Issue 13's split-brain fence: with a quorum of two for {@code ike.checkpoints}, a member that sees only itself
   * (the minority side of a partition, here: alone after the other left) can neither write nor claim a checkpoint,
   * while the other maps keep working; with the second member in its view it can.
   */
  @Test
  void aSideBelowTheQuorumCannotWriteOrClaimIkeCheckpoints() throws Exception {
    int p1 = freePort();
    int p2 = freePort();
    List<String> members = List.of("127.0.0.1:" + p1, "127.0.0.1:" + p2);
    String cluster = "hz-quorum-" + UUID.randomUUID();
    LaunchOptions o1 = LaunchOptions.defaults().withClusterName(cluster).withCluster(p1, members)
        .withServiceConfig(new io.vertx.core.json.JsonObject().put("cluster-quorum", 2));
    LaunchOptions o2 = o1.withCluster(p2, members);
    HazelcastInstance a = Hazelcast.newHazelcastInstance(HazelcastConfigs.member(o1));
    HazelcastInstance b = null;
    try {
      IMap<String, String> checkpoints = a.getMap(io.ipsecmesh.proto.sa.SharedMaps.IKE_CHECKPOINTS);
      awaitMembers(a, 1);
      Exception alone = assertThrows(Exception.class, () -> checkpoints.put("k", "v1"));
      assertTrue(alone instanceof com.hazelcast.splitbrainprotection.SplitBrainProtectionException, alone.toString());
      a.getMap("ike.sas").put("row", "still written"); // only the checkpoints are fenced

      b = Hazelcast.newHazelcastInstance(HazelcastConfigs.member(o2));
      awaitMembers(a, 2);
      // the same the other way: the protection hears of the join a moment after the member list (CI16 failed here)
      awaitQuorum(checkpoints);
      checkpoints.put("k", "v1");
      assertTrue(checkpoints.replace("k", "v1", "claimed by a"), "with the quorum a claim succeeds");

      b.shutdown();
      b = null;
      awaitMembers(a, 1);
      // the split-brain protection hears of the departure by its own membership listener, a moment after the
      // member list: wait (bounded) until a read is refused, then check the claim
      awaitFenced(checkpoints);
      assertThrows(com.hazelcast.splitbrainprotection.SplitBrainProtectionException.class,
          () -> checkpoints.replace("k", "claimed by a", "claimed again"), "alone again: no claim");
    } finally {
      if (b != null) {
        b.shutdown();
      }
      a.shutdown();
    }
  }

  /**
   * Two members that each formed a cluster of their own (here: a started while b was not up, b never listed a)
   * merge once a's master sees b among its listed members: within seconds, not after Hazelcast's five minutes.
   */
  @Test
  void twoClustersOfOneNameMergeWithinSeconds() throws Exception {
    int p1 = freePort();
    int p2 = freePort();
    String cluster = "hz-merge-" + UUID.randomUUID();
    LaunchOptions o1 = LaunchOptions.defaults().withClusterName(cluster)
        .withCluster(p1, List.of("127.0.0.1:" + p1, "127.0.0.1:" + p2));
    LaunchOptions o2 = o1.withCluster(p2, List.of("127.0.0.1:" + p2));
    HazelcastInstance a = Hazelcast.newHazelcastInstance(HazelcastConfigs.member(o1));
    HazelcastInstance b = null;
    try {
      // b lists only itself, so it starts as a cluster of its own; only a's merge check can find it (not asserted
      // here: on a slow host that check may already run while b starts)
      b = Hazelcast.newHazelcastInstance(HazelcastConfigs.member(o2));
      // the deadline is four merge checks (and the first's wait): a bound for a hung test, not a timing claim
      awaitMembers(a, 2, 4 * HazelcastConfigs.MERGE_CHECK_SECONDS + 20);
      awaitMembers(b, 2, 30);
    } finally {
      if (b != null) {
        b.shutdown();
      }
      a.shutdown();
    }
  }

  @Test
  void theQuorumIsAMajorityOfTheListedMembersOrWhatIsAskedFor() {
    LaunchOptions seven = LaunchOptions.defaults().withCluster(5701, List.of("a:1", "b:1", "c:1", "d:1", "e:1",
        "f:1", "g:1"));
    assertEquals(4, HazelcastConfigs.checkpointQuorum(seven));
    assertEquals(0, HazelcastConfigs.checkpointQuorum(LaunchOptions.defaults().withCluster(5701, List.of("a:1",
        "b:1"))), "two listed: no majority survives a split, no fence");
    assertEquals(3, HazelcastConfigs.checkpointQuorum(seven.withServiceConfig(
        new io.vertx.core.json.JsonObject().put("cluster-quorum", "3"))));
    assertEquals(HazelcastConfigs.CHECKPOINT_QUORUM, HazelcastConfigs.member(seven).getMapConfig(
        io.ipsecmesh.proto.sa.SharedMaps.IKE_CHECKPOINTS).getSplitBrainProtectionName());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HazelcastConfigs.checkpointQuorum(
        seven.withServiceConfig(new io.vertx.core.json.JsonObject().put("cluster-quorum", "most"))));
    assertTrue(e.getMessage().contains("--cluster-quorum"), e.getMessage());
  }

  /** Until {@code hz} sees {@code n} members (a deadline for a hung test, not a timing assertion). */
  private static void awaitMembers(HazelcastInstance hz, int n) throws InterruptedException {
    awaitMembers(hz, n, 60);
  }

  private static void awaitMembers(HazelcastInstance hz, int n, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(seconds);
    while (hz.getCluster().getMembers().size() != n) {
      assertTrue(System.nanoTime() < deadline, "never " + n + " members");
      Thread.sleep(50);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static void awaitQuorum(IMap<String, String> map) throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      try {
        map.get("k");
        return;
      } catch (com.hazelcast.splitbrainprotection.SplitBrainProtectionException stillFenced) {
        Thread.sleep(20); // polling a condition with a deadline, not a fixed wait
      }
    }
    throw new AssertionError("still fenced 10 s after the member count reached the quorum");
  }

  private static void awaitFenced(IMap<String, String> map) throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      try {
        map.get("k");
      } catch (com.hazelcast.splitbrainprotection.SplitBrainProtectionException fenced) {
        return;
      }
      Thread.sleep(20); // polling a condition with a deadline, not a fixed wait
    }
    throw new AssertionError("still no split-brain protection 10 s after the member count fell below the quorum");
  }
}
