package io.ipsecmesh.proto.config;

/**
 * {@code ip route PREFIX MASK {INTERFACE [NEXT-HOP] | NEXT-HOP} [DISTANCE]}: a static route. Routes into a tunnel
 * interface make the forwarder send matching inner packets to that tunnel's SA (route-based VPN). An {@code ipv6
 * route PREFIX/LEN {INTERFACE [NEXT-HOP] | NEXT-HOP} [DISTANCE]} is held with the IPv6 prefix as {@code prefix} and
 * {@code "/LEN"} as {@code mask} ({@link #ipv6()}), as {@link AddressMatch} holds IPv6 prefixes.
 *
 * @param interfaceName the outgoing interface, null for a route by next hop only
 * @param nextHop       the next-hop address, null when unset
 * @param distance      administrative distance 1–255, null for the default (1)
 */
public record StaticRoute(String prefix, String mask, String interfaceName, String nextHop, Integer distance) {

  /** {@code ipv6 route 2001:db8:2::/64 …}. */
  public static StaticRoute ipv6(String cidr, String interfaceName, String nextHop, Integer distance) {
    int slash = cidr.indexOf('/');
    if (slash < 0 || cidr.indexOf(':') < 0) {
      throw new IllegalArgumentException("not an IPv6 prefix: " + cidr);
    }
    return new StaticRoute(cidr.substring(0, slash), cidr.substring(slash), interfaceName, nextHop, distance);
  }

  /** Whether this is an {@code ipv6 route}. */
  public boolean ipv6() {
    return mask != null && mask.startsWith("/");
  }

  /** The prefix length of the mask (a valid, contiguous netmask), or of an IPv6 route's {@code /LEN}. */
  public int prefixLength() {
    if (ipv6()) {
      try {
        return Integer.parseInt(mask.substring(1));
      } catch (NumberFormatException e) {
        return -1;
      }
    }
    return Long.bitCount(Ipv4.toLong(mask));
  }

  /**
   * The route as {@code show running-config} writes it, without the leading {@code ip route} ({@code ipv6 route}
   * for an IPv6 one, whose prefix is written {@code PREFIX/LEN}).
   */
  public String text() {
    StringBuilder b = new StringBuilder(prefix).append(ipv6() ? "" : " ").append(mask);
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
