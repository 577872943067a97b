package io.ipsecmesh.dpd;

/** The keyword of {@code crypto isakmp keepalive … [periodic | on-demand]} and of IKEv2 {@code dpd}. */
public enum DpdMode {
  /** R-U-THERE every interval while nothing is received, even with no traffic to send. */
  PERIODIC,
  /** The default: probe only when there is traffic to send and the peer has been silent for the interval. */
  ON_DEMAND
}
