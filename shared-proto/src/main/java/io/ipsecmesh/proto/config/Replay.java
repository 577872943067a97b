package io.ipsecmesh.proto.config;

/**
 * {@code security-association replay window-size N} or {@code replay disable}.
 *
 * @param windowSize packets, a power of two 64–65536; meaningless when {@code enabled} is false
 */
public record Replay(boolean enabled, int windowSize) {
  public static final int DEFAULT_WINDOW = 64;
  public static final Replay DEFAULT = new Replay(true, DEFAULT_WINDOW);
  public static final Replay DISABLED = new Replay(false, DEFAULT_WINDOW);

  public static Replay window(int size) {
    return new Replay(true, size);
  }

  /** The window the data plane runs: 0 when anti-replay is disabled. */
  public int effectiveWindow() {
    return enabled ? windowSize : 0;
  }
}
