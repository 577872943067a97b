package io.ipsecmesh.proto.config;

/**
 * {@code ip route PREFIX MASK {INTERFACE [NEXT-HOP] | NEXT-HOP} [DISTANCE]}: a static route. Routes into a tunnel
 * interface make the forwarder send matching inner packets to that tunnel's SA (route-based VPN).
 *
 * <p>{@code ipv6 route PREFIX/LEN {INTERFACE [NEXT-HOP] | NEXT-HOP} [DISTANCE]} is the same record with an IPv6
 * {@code prefix} (RFC 5952 text) and {@code mask} holding the prefix length in decimal ({@link #ipv6()}).
 *
 * @param interfaceName the outgoing interface, null for a route by next hop only
 * @param nextHop       the next-hop address, null when unset
 * @param distance      administrative distance 1–255, null for the default (1)
 */
public record StaticRoute(String prefix, String mask, String interfaceName, String nextHop, Integer distance) {

  /** Whether this is an {@code ipv6 route}. */
  public boolean ipv6() {
    return Ipv6.looksLike(prefix);
  }

  /** The prefix length of the mask (a valid, contiguous netmask; IPv6: the length itself). */
  public int prefixLength() {
    return ipv6() ? Integer.parseInt(mask) : Long.bitCount(Ipv4.toLong(mask));
  }

  /** The route as {@code show running-config} writes it, without the leading {@code ip route} / {@code ipv6 route}. */
  public String text() {
    StringBuilder b = ipv6() ? new StringBuilder(prefix).append('/').append(mask)
        : new StringBuilder(prefix).append(' ').append(mask);
    if (interfaceName != null) {
      b.append(' ').append(interfaceName);
    }
    if (nextHop != null) {
      b.append(' ').append(nextHop);
    }
    if (distance != null) {
      b.append(' ').append(distance);
    }
    return b.toString();
  }
}
