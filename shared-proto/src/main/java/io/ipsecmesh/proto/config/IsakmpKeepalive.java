package io.ipsecmesh.proto.config;

/**
 * {@code crypto isakmp keepalive SECONDS [RETRY] [periodic|on-demand]}: IKEv1 dead peer detection.
 *
 * @param seconds      10–3600: the DPD interval (periodic) or the idle time before a probe (on-demand)
 * @param retrySeconds 2–60, default 2: the interval between the five retries once a probe is missed
 */
public record IsakmpKeepalive(int seconds, int retrySeconds, DpdMode mode) {
  public static final int DEFAULT_RETRY_SECONDS = 2;
}
