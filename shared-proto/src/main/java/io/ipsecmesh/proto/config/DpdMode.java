package io.ipsecmesh.proto.config;

/** The last keyword of {@code crypto isakmp keepalive} and of the IKEv2 {@code dpd} command. */
public enum DpdMode {
  /** R_U_THERE at every interval, traffic or not. */
  PERIODIC,
  /** The default: probe only when there is traffic to send and nothing was heard for the interval. */
  ON_DEMAND;

  public String keyword() {
    return this == PERIODIC ? "periodic" : "on-demand";
  }
}
