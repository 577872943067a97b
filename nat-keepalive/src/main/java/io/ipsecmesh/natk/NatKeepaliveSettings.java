package io.ipsecmesh.natk;

/**
 * {@code crypto isakmp nat keepalive SECONDS} (5–3600): send a keepalive on a NAT-T path that carried
 * nothing in either direction for this long, with a five-percent jitter "to avoid security association
 * rekey collisions" (seed 003, NAT Transparency).
 */
public record NatKeepaliveSettings(int seconds) {

  public static final int MIN_SECONDS = 5;
  public static final int MAX_SECONDS = 3600;
  /** ±5 % of the interval. */
  public static final double JITTER = 0.05;

  public NatKeepaliveSettings {
    if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) {
      throw new IllegalArgumentException("nat keepalive seconds " + seconds + " out of range "
          + MIN_SECONDS + "-" + MAX_SECONDS);
    }
  }

  public long intervalMillis() {
    return seconds * 1000L;
  }

  /** Largest deviation from the interval the jitter may add or remove. */
  public long maxJitterMillis() {
    return Math.round(intervalMillis() * JITTER);
  }
}
