package io.ipsecmesh.proto.runtime;

import com.hazelcast.config.ClassFilter;
import com.hazelcast.config.Config;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.SplitBrainProtectionConfig;
import io.ipsecmesh.proto.sa.SharedMaps;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;

/**
 * The Hazelcast member configuration of every ipsec-mesh process. Starts from vertx-hazelcast's own
 * default (it carries the {@code __vertx.*} structures the event bus needs) and replaces discovery:
 * multicast and auto-detection off, an explicit TCP/IP member list, so a gateway never joins a
 * stranger's cluster on the same LAN.
 */
public final class HazelcastConfigs {

  /** The only classes (with java.lang's) that Hazelcast deserialises with Java serialization. */
  public static final String JAVA_SERIALIZATION_ALLOWED_PREFIX = "io.vertx.";

  private HazelcastConfigs() {}

  public static Config member(LaunchOptions options) {
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(options.clusterName());
    // one logging backend (JUL, like Vert.x); no phone-home from a VPN gateway
    config.setProperty("hazelcast.logging.type", "jdk");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    // Vert.x leaves the cluster from our own shutdown hook; Hazelcast's hook would pull the member
    // away from under the event bus first
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    // a lone member should be up in about a second, not after the 5 s default wait
    config.setProperty("hazelcast.wait.seconds.before.join", "1");
    config.setProperty("hazelcast.max.wait.seconds.before.join", "2");
    config.setProperty("hazelcast.socket.bind.any", options.autoHost() ? "true" : "false");
    if (!options.autoHost()) {
      config.setProperty("hazelcast.local.localAddress", options.clusterHost());
    }

    // nothing of ours uses Java serialization (the maps hold JSON strings, RecordJson); Vert.x's own
    // cluster records are DataSerializable. Anything else Java-serialized that arrives from the cluster
    // network (Hazelcast open source has no TLS) is refused before a gadget chain can run.
    config.getSerializationConfig().setJavaSerializationFilterConfig(new JavaSerializationFilterConfig()
        .setWhitelist(new ClassFilter().addPrefixes(JAVA_SERIALIZATION_ALLOWED_PREFIX).addPackages("java.lang")));

    NetworkConfig network = config.getNetworkConfig();
    network.setPort(options.clusterPort()).setPortAutoIncrement(true).setPortCount(20);
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(2).setMembers(options.members());
    protectSequenceReservations(config, quorum(options));
    return config;
  }

  /** The split-brain protection of {@link SharedMaps#SEQUENCE_RESERVATIONS} ({@code --cluster-quorum}). */
  public static final String SEQUENCE_QUORUM = "ipsecmesh-sequence-quorum";

  /**
   * {@code --cluster-quorum N} (or {@code IPSECMESH_CLUSTER_QUORUM}; 0 or absent = off): the sequence-number
   * reservations are read and written only while this member's cluster has at least N members. In a network
   * partition the minority side then reserves no block, so it can never hand out numbers the majority side hands
   * out too (esp-forwarder scale-out, README "Several esp-forwarder instances"). Every member needs the same N.
   */
  static int quorum(LaunchOptions options) {
    Object v = options.serviceConfig().getValue("cluster-quorum");
    if (v == null) {
      v = System.getenv("IPSECMESH_CLUSTER_QUORUM");
    }
    if (v == null || String.valueOf(v).isBlank()) {
      return 0;
    }
    try {
      return v instanceof Number n ? n.intValue() : Integer.parseInt(String.valueOf(v).strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--cluster-quorum must be a whole number, got '" + v + "'");
    }
  }

  static void protectSequenceReservations(Config config, int quorum) {
    if (quorum <= 0) {
      return;
    }
    config.addSplitBrainProtectionConfig(new SplitBrainProtectionConfig(SEQUENCE_QUORUM, true, quorum));
    config.addMapConfig(new MapConfig(SharedMaps.SEQUENCE_RESERVATIONS).setBackupCount(1)
        .setSplitBrainProtectionName(SEQUENCE_QUORUM));
  }
}
