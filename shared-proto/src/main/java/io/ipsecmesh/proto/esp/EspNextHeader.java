package io.ipsecmesh.proto.esp;

/**
 * Values of the ESP Next Header field (RFC 4303 §2.6, IANA protocol numbers) that the data plane
 * treats specially. Tunnel mode carries a whole IP packet (4 or 41); any other value is transport
 * mode's upper-layer protocol.
 */
public final class EspNextHeader {
  /** Tunnel mode, inner IPv4 packet. */
  public static final int IPV4 = 4;
  /** Tunnel mode, inner IPv6 packet. */
  public static final int IPV6 = 41;
  public static final int TCP = 6;
  public static final int UDP = 17;
  /**
   * "No Next Header": a dummy packet for traffic-flow confidentiality (§2.6) that the receiver
   * must silently discard after its ICV has verified.
   */
  public static final int NO_NEXT_HEADER = 59;

  private EspNextHeader() {}

  public static boolean isTunnel(int nextHeader) {
    return nextHeader == IPV4 || nextHeader == IPV6;
  }
}
