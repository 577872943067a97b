package io.ipsecmesh.config.lang;

/** One diagnostic of the configuration: an error (the configuration is refused) or a warning. */
public record ConfigError(String file, int line, String message) {
  @Override
  public String toString() {
    return file + ":" + line + ": " + message;
  }
}
