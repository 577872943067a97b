package io.ipsecmesh.proto.runtime;

import com.hazelcast.config.ClassFilter;
import com.hazelcast.config.Config;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
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
    return config;
  }
}
