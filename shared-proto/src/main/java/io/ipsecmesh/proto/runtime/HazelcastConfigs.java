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
    // a member left in a cluster of its own looks for the others every MERGE_CHECK_SECONDS and merges back, instead
    // of after Hazelcast's defaults of 300 s, then every 120 s: the services of a gateway start together, and on a
    // loaded host the master can suspect a member in the middle of its join and remove it (seen in CI: seven JVMs
    // on two vCPUs, "Not updating members because caller ... is not known master"); that ike-service then ran
    // alone, without configuration or peers, for minutes. A network partition heals as fast once it is mended.
    config.setProperty("hazelcast.merge.first.run.delay.seconds", Integer.toString(MERGE_CHECK_SECONDS));
    config.setProperty("hazelcast.merge.next.run.delay.seconds", Integer.toString(MERGE_CHECK_SECONDS));
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
    int checkpoints = checkpointQuorum(options);
    if (checkpoints > 1) {
      // issue 13: the side of a network partition with fewer members than this cannot write or claim IKE SA
      // checkpoints (IMap operations fail with SplitBrainProtectionException), so it never adopts an IKE SA
      // the other side still runs (README, "Several ike-service instances")
      config.addSplitBrainProtectionConfig(new SplitBrainProtectionConfig(CHECKPOINT_QUORUM, true, checkpoints));
      config.getMapConfig(SharedMaps.IKE_CHECKPOINTS).setSplitBrainProtectionName(CHECKPOINT_QUORUM);
    }
    return config;
  }

  /** How often a cluster's master looks for another cluster of the same name among the listed members. */
  static final int MERGE_CHECK_SECONDS = 10;

  /** The split-brain protection of {@link SharedMaps#SEQUENCE_RESERVATIONS} ({@code --cluster-quorum}). */
  public static final String SEQUENCE_QUORUM = "ipsecmesh-sequence-quorum";

  /** The split-brain protection of {@link SharedMaps#IKE_CHECKPOINTS}. */
  public static final String CHECKPOINT_QUORUM = "ike-checkpoints-quorum";

  /**
   * {@code --cluster-quorum N} (or {@code IPSECMESH_CLUSTER_QUORUM}; 0 or absent = off): the sequence-number
   * reservations are read and written only while this member's cluster has at least N members. In a network
   * partition the minority side then reserves no block, so it can never hand out numbers the majority side hands
   * out too (esp-forwarder scale-out, README "Several esp-forwarder instances"). Every member needs the same N.
   * Off unless given: without a block a forwarder stops sending, which a deployment must choose.
   */
  static int quorum(LaunchOptions options) {
    return Math.max(explicitQuorum(options), 0);
  }

  /**
   * The members a side of the cluster must see to use {@code ike.checkpoints}: {@code --cluster-quorum N}, else a
   * majority of the {@code --members} list when it names at least three (the deployment's member count, as in
   * every split deployment that lists each member); 0 or 1 = none (a lone gateway).
   */
  static int checkpointQuorum(LaunchOptions options) {
    int explicit = explicitQuorum(options);
    if (explicit >= 0) {
      return explicit;
    }
    int listed = options.members().size();
    return listed >= 3 ? listed / 2 + 1 : 0;
  }

  /** {@code --cluster-quorum N} or {@code IPSECMESH_CLUSTER_QUORUM}; -1 when neither is given. */
  private static int explicitQuorum(LaunchOptions options) {
    Object v = options.serviceConfig().getValue("cluster-quorum");
    if (v == null) {
      v = System.getenv("IPSECMESH_CLUSTER_QUORUM");
    }
    if (v == null || String.valueOf(v).isBlank()) {
      return -1;
    }
    try {
      int n = v instanceof Number num ? num.intValue() : Integer.parseInt(String.valueOf(v).strip());
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--cluster-quorum must be a member count (0 = none), not '" + v + "'");
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
