package io.ipsecmesh.proto.bus;

import io.ipsecmesh.proto.config.GatewayConfig;
import java.util.List;

/** The active configuration, published whenever a validated configuration replaces the previous one. */
public final class ConfigMessages {

  /** publish: {@link ConfigChanged} */
  public static final String CONFIG_CHANGED = "config.changed";

  /** The typed model of the IOS configuration, with a version that only grows. */
  public record ConfigChanged(long version, GatewayConfig config) {}

  static final List<Class<? extends Record>> RECORDS = List.of(ConfigChanged.class);

  private ConfigMessages() {}
}
