package io.ipsecmesh.esp.df;

import io.ipsecmesh.proto.config.DfBit;

/**
 * {@code crypto ipsec df-bit clear|set|copy} (seed 003, "DF Bit Override Functionality with IPsec
 * Tunnels"): the DF bit of the outer IPv4 header of a tunnel-mode packet. {@code copy} takes the
 * inner packet's bit; an inner IPv6 packet has none and counts as DF clear (RFC 4301 §5.1.2.1 leaves
 * the outer DF of IPv6-in-IPv4 to local policy).
 */
public final class OuterDf {

  private OuterDf() {}

  public static boolean outerDf(DfBit setting, boolean innerDf) {
    return switch (setting) {
      case CLEAR -> false;
      case SET -> true;
      case COPY -> innerDf;
    };
  }
}
