package io.ipsecmesh.gateway;

import java.util.List;

/**
 * JVM flags of every ipsec-mesh process started by class path (the gateway jar carries the same as
 * manifest attributes): native access for FFM (TUN) and Netty, and the module openings Hazelcast asks
 * for on Java 9+.
 */
public final class JvmFlags {

  public static final List<String> ALL = List.of(
      "--enable-native-access=ALL-UNNAMED",
      "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-opens", "java.base/java.lang=ALL-UNNAMED",
      "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens", "java.management/sun.management=ALL-UNNAMED",
      "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED");

  private JvmFlags() {}
}
