package io.ipsecmesh.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The configuration {@code ipsec-mesh run} uses without {@code --config}: a seed-style example. */
final class DefaultConfig {

  static final String RESOURCE = "default-gateway.cfg";

  /**
   * The host interfaces of the example's IOS interfaces (the forwarder's {@code interfaceMap}) when
   * {@code run} uses it without {@code --interfaceMap}: the conventional names of a Linux host's first
   * two NICs. An nftables {@code iifname} match on an absent interface is valid and matches nothing.
   */
  static final String INTERFACE_MAP = "GigabitEthernet0/0=eth0,GigabitEthernet0/1=eth1";

  private DefaultConfig() {}

  static String text() {
    try (InputStream in = DefaultConfig.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the gateway jar lacks its " + RESOURCE);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
