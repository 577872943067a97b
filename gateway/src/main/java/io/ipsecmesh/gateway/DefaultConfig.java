package io.ipsecmesh.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The configuration {@code ipsec-mesh run} uses without {@code --config}: a seed-style example. */
final class DefaultConfig {

  static final String RESOURCE = "default-gateway.cfg";

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
