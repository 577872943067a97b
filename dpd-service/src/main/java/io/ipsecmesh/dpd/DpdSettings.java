package io.ipsecmesh.dpd;

/**
 * The liveness timers of one IKE peer: {@code crypto isakmp keepalive SECONDS [RETRY] [periodic|on-demand]}
 * or the IKEv2 profile's {@code dpd INTERVAL RETRY on-demand|periodic}. Ranges are the seed documents':
 * 10–3600 s, retry 2–60 s (default 2).
 */
public record DpdSettings(int intervalSeconds, int retrySeconds, DpdMode mode) {

  public static final int MIN_INTERVAL_SECONDS = 10;
  public static final int MAX_INTERVAL_SECONDS = 3600;
  public static final int MIN_RETRY_SECONDS = 2;
  public static final int MAX_RETRY_SECONDS = 60;
  public static final int DEFAULT_RETRY_SECONDS = 2;

  public DpdSettings {
    if (intervalSeconds < MIN_INTERVAL_SECONDS || intervalSeconds > MAX_INTERVAL_SECONDS) {
      throw new IllegalArgumentException("keepalive seconds " + intervalSeconds + " out of range "
          + MIN_INTERVAL_SECONDS + "-" + MAX_INTERVAL_SECONDS);
    }
    if (retrySeconds < MIN_RETRY_SECONDS || retrySeconds > MAX_RETRY_SECONDS) {
      throw new IllegalArgumentException("keepalive retry " + retrySeconds + " out of range "
          + MIN_RETRY_SECONDS + "-" + MAX_RETRY_SECONDS);
    }
    if (mode == null) {
      throw new IllegalArgumentException("keepalive mode missing");
    }
  }

  /** {@code crypto isakmp keepalive SECONDS}: on-demand with the default retry. */
  public static DpdSettings keepalive(int seconds) {
    return new DpdSettings(seconds, DEFAULT_RETRY_SECONDS, DpdMode.ON_DEMAND);
  }

  /** {@code crypto isakmp keepalive SECONDS periodic}. */
  public static DpdSettings keepalive(int seconds, DpdMode mode) {
    return new DpdSettings(seconds, DEFAULT_RETRY_SECONDS, mode);
  }

  /** {@code crypto isakmp keepalive SECONDS RETRY [periodic|on-demand]}. */
  public static DpdSettings keepalive(int seconds, int retry, DpdMode mode) {
    return new DpdSettings(seconds, retry, mode);
  }

  public long intervalMillis() {
    return intervalSeconds * 1000L;
  }

  public long retryMillis() {
    return retrySeconds * 1000L;
  }
}
