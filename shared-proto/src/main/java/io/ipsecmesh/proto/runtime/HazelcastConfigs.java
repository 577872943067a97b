package io.ipsecmesh.proto.runtime;

import com.hazelcast.config.ClassFilter;
import com.hazelcast.config.Config;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.JoinConfig;
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

    int quorum = checkpointQuorum(options);
    if (quorum > 1) {
      // issue 13: the side of a network partition with fewer members than this cannot write or claim IKE SA
      // checkpoints (IMap operations fail with SplitBrainProtectionException), so it never adopts an IKE SA
      // the other side still runs (README, "Several ike-service instances")
      config.addSplitBrainProtectionConfig(new SplitBrainProtectionConfig(CHECKPOINT_QUORUM, true, quorum));
      config.getMapConfig(SharedMaps.IKE_CHECKPOINTS).setSplitBrainProtectionName(CHECKPOINT_QUORUM);
    }
    return config;
  }

  /** The split-brain protection of {@link SharedMaps#IKE_CHECKPOINTS}. */
  public static final String CHECKPOINT_QUORUM = "ike-checkpoints-quorum";

  /**
   * The members a side of the cluster must see to use {@code ike.checkpoints}: {@code --cluster-quorum N}, else a
   * majority of the {@code --members} list when it names at least three (the deployment's member count, as in
   * every split deployment that lists each member); 0 or 1 = none (a lone gateway).
   */
  static int checkpointQuorum(LaunchOptions options) {
    Object v = options.serviceConfig().getValue("cluster-quorum");
    if (v != null) {
      try {
        int n = Integer.parseInt(v.toString().trim());
        if (n < 0) {
          throw new NumberFormatException();
        }
        return n;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--cluster-quorum must be a member count (0 = none), not '" + v + "'");
      }
    }
    int listed = options.members().size();
    return listed >= 3 ? listed / 2 + 1 : 0;
  }
}
