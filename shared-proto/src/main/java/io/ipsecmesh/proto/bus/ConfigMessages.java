package io.ipsecmesh.proto.bus;

import io.ipsecmesh.proto.config.GatewayConfig;
import java.util.List;

/**
 * The active configuration, published whenever a validated configuration replaces the previous one.
 *
 * <p>A service that starts after the configuration was published asks for it once with
 * {@link #CONFIG_GET} and then follows {@link #CONFIG_CHANGED}; it keeps the highest version it has
 * seen, so a reply that arrives after a newer publication is ignored. The same state is in the
 * Hazelcast map {@link io.ipsecmesh.proto.sa.SharedMaps#CONFIG}: key {@code active} → running-config
 * text, {@link #MODEL_KEY} → the {@link GatewayConfig} as RecordJson, {@link #VERSION_KEY} → version.
 */
public final class ConfigMessages {

  /** publish: {@link ConfigChanged} */
  public static final String CONFIG_CHANGED = "config.changed";
  /**
   * request–reply: {@link GetConfig} → {@link ConfigChanged} with the active configuration; fails with
   * code 404 while config-service has no valid configuration yet.
   */
  public static final String CONFIG_GET = "config.get";

  /** Key of the RecordJson {@link GatewayConfig} in the {@code ipsec.config} map. */
  public static final String MODEL_KEY = "model";
  /** Key of the decimal version in the {@code ipsec.config} map. */
  public static final String VERSION_KEY = "version";

  /** The typed model of the IOS configuration, with a version that only grows. */
  public record ConfigChanged(long version, GatewayConfig config) {}

  /** {@code requester}: the asking service's name, for config-service's log. */
  public record GetConfig(String requester) {}

  static final List<Class<? extends Record>> RECORDS = List.of(ConfigChanged.class, GetConfig.class);

  private ConfigMessages() {}
}
