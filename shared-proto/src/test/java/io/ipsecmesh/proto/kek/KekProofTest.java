package io.ipsecmesh.proto.kek;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Two Hazelcast members on loopback (run under the heavy-test lock): the same KEK joins, another is refused. */
class KekProofTest {

  @Test
  void aMemberWithAnotherKekIsRefusedAtJoinOneWithTheSameIsNot() throws Exception {
    Kek kek = Kek.parseHex("11".repeat(32), "KEK file a");
    String cluster = "kek-proof-" + UUID.randomUUID();
    int port = freePort();
    HazelcastInstance first = Hazelcast.newHazelcastInstance(member(cluster, port, kek));
    try {
      KekProof.verifyJoined(first, kek);
      HazelcastInstance same = Hazelcast.newHazelcastInstance(member(cluster, port, Kek.parseHex("11".repeat(32), "b")));
      try {
        KekProof.verifyJoined(same, Kek.parseHex("11".repeat(32), "b"));
      } finally {
        same.shutdown();
      }
      Kek other = Kek.parseHex("22".repeat(32), "KEK file c");
      HazelcastInstance wrong = Hazelcast.newHazelcastInstance(member(cluster, port, other));
      try {
        KekProof.KekMismatchException e = assertThrows(KekProof.KekMismatchException.class,
            () -> KekProof.verifyJoined(wrong, other));
        assertTrue(e.getMessage().startsWith("KEK mismatch: the KEK from KEK file c is not the KEK of cluster '" + cluster
            + "' (its oldest member [127.0.0.1]:" + port + " proves another key)"), e.getMessage());
      } finally {
        wrong.shutdown();
      }
    } finally {
      first.shutdown();
    }
  }

  private static Config member(String cluster, int port, Kek kek) {
    Config c = new Config().setClusterName(cluster);
    c.setProperty("hazelcast.logging.type", "jdk");
    c.setProperty("hazelcast.phone.home.enabled", "false");
    c.setProperty("hazelcast.wait.seconds.before.join", "1");
    c.setProperty("hazelcast.local.localAddress", "127.0.0.1");
    c.getNetworkConfig().setPort(port).setPortAutoIncrement(true).setPortCount(5);
    c.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
    c.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
    c.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(true).setMembers(List.of("127.0.0.1:" + port));
    KekProof.publish(c, kek);
    return c;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
