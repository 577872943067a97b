package io.ipsecmesh.config.lang;

import io.ipsecmesh.proto.config.Ipv4;
import io.ipsecmesh.proto.config.StaticRoute;

/**
 * {@code ip route PREFIX MASK {INTERFACE [NEXT-HOP] | NEXT-HOP} [DISTANCE] [name NAME] [permanent] [tag N]}: a
 * static route. A route into a tunnel interface is how a route-based VPN says what goes into the tunnel (the Cisco
 * IPsec Virtual Tunnel Interface document); the other routes are kept so that the longest prefix decides, as on the
 * router.
 */
final class StaticRoutes {

  private StaticRoutes() {}

  static void parse(Args a, ConfigDraft draft, CrossReferences references, Diagnostics diagnostics) {
    a.skip(2).command("ip route");
    if (a.is(a.position(), "vrf")) {
      diagnostics.warn(a.lineNumber, "ip route vrf: VRFs are not used by this gateway; ignored");
      return;
    }
    String prefix = a.ipv4("prefix");
    String mask = a.netmask("mask");
    long net = Ipv4.toLong(prefix);
    long m = Ipv4.toLong(mask);
    if ((net & ~m & 0xFFFF_FFFFL) != 0) {
      // current IOS answers "%Inconsistent address and mask"; the seed's invalid-SPI example (router A) was
      // captured with such a route, so it is taken as its network, with a warning, rather than refusing the file
      String network = Ipv4.toText(net & m);
      diagnostics.warn(a.lineNumber, "ip route: inconsistent address and mask: " + prefix + " has bits outside "
          + mask + "; taken as " + network + " " + mask + " (write that)");
      prefix = network;
    }
    String itf = null;
    String nextHop = null;
    String first = a.next("interface or next-hop address");
    if (Ipv4.isAddress(first)) {
      nextHop = first;
    } else {
      StringBuilder name = new StringBuilder(first);
      // "Tunnel 1" and "GigabitEthernet 0/0" are one name, as for interface
      if (a.hasMore() && Character.isDigit(a.peek().charAt(0)) && !Ipv4.isAddress(a.peek())
          && !first.chars().anyMatch(Character::isDigit)) {
        name.append(a.next("interface number"));
      }
      if (name.length() > 64 || !name.chars().allMatch(c -> c > ' ' && c < 127)) {
        throw a.fail("interface must be 1-64 printable characters, got '" + Args.quote(name.toString()) + "'");
      }
      itf = InterfaceNames.canonical(name.toString());
      if (a.hasMore() && Ipv4.isAddress(a.peek())) {
        nextHop = a.next("next hop");
      }
    }
    Integer distance = null;
    if (a.hasMore() && a.peek().chars().allMatch(Character::isDigit)) {
      distance = a.integer("distance", 1, 255);
    }
    while (a.hasMore()) {
      String option = a.oneOf("option", "name", "permanent", "tag", "track", "multicast");
      if (option.equals("name")) {
        a.name("route name");
      } else if (option.equals("tag") || option.equals("track")) {
        a.number(option, 1, 4_294_967_295L);
      }
      if (!option.equals("name")) {
        diagnostics.warn(a.lineNumber, "ip route … " + option + " is not used by this gateway; ignored");
      }
    }
    if (itf != null) {
      references.add(CrossReferences.Kind.INTERFACE, itf, a.lineNumber);
    }
    draft.staticRoutes.add(new StaticRoute(prefix, mask, itf, nextHop, distance));
    draft.staticRouteLines.add(a.lineNumber);
  }

  /**
   * {@code ipv6 route PREFIX/LEN {INTERFACE [NEXT-HOP] | NEXT-HOP} [DISTANCE] [name NAME] [tag N] …}: the same record
   * with the IPv6 prefix and its length ({@link StaticRoute#ipv6()}); the host bits of the prefix are cleared.
   */
  static void parseIpv6(Args a, ConfigDraft draft, CrossReferences references, Diagnostics diagnostics) {
    a.skip(2).command("ipv6 route");
    if (a.is(a.position(), "vrf")) {
      diagnostics.warn(a.lineNumber, "ipv6 route vrf: VRFs are not used by this gateway; ignored");
      return;
    }
    if (a.hasMore() && Ipv4.isAddress(a.peek())) {
      throw a.fail("ipv6 route takes an IPv6 prefix (2001:DB8:2::/64); an IPv4 route is ip route PREFIX MASK …");
    }
    String[] prefix = a.ipv6Prefix("prefix");
    String itf = null;
    String nextHop = null;
    String first = a.next("interface or next-hop address");
    if (io.ipsecmesh.proto.config.Ipv6.looksLike(first)) {
      nextHop = nextHop6(a, first);
    } else {
      StringBuilder name = new StringBuilder(first);
      if (a.hasMore() && Character.isDigit(a.peek().charAt(0)) && !io.ipsecmesh.proto.config.Ipv6.looksLike(a.peek())
          && !first.chars().anyMatch(Character::isDigit)) {
        name.append(a.next("interface number"));
      }
      if (name.length() > 64 || !name.chars().allMatch(c -> c > ' ' && c < 127)) {
        throw a.fail("interface must be 1-64 printable characters, got '" + Args.quote(name.toString()) + "'");
      }
      itf = InterfaceNames.canonical(name.toString());
      if (a.hasMore() && io.ipsecmesh.proto.config.Ipv6.looksLike(a.peek())) {
        nextHop = nextHop6(a, a.next("next hop"));
      }
    }
    Integer distance = null;
    if (a.hasMore() && a.peek().chars().allMatch(Character::isDigit)) {
      distance = a.integer("distance", 1, 254);
    }
    while (a.hasMore()) {
      String option = a.oneOf("option", "name", "tag", "track", "multicast", "unicast", "nexthop-vrf");
      if (option.equals("name") || option.equals("nexthop-vrf")) {
        a.name(option);
      } else if (option.equals("tag") || option.equals("track")) {
        a.number(option, 1, 4_294_967_295L);
      }
      if (!option.equals("name")) {
        diagnostics.warn(a.lineNumber, "ipv6 route … " + option + " is not used by this gateway; ignored");
      }
    }
    if (itf != null) {
      references.add(CrossReferences.Kind.INTERFACE, itf, a.lineNumber);
    }
    draft.staticRoutes.add(new StaticRoute(prefix[0], prefix[1], itf, nextHop, distance));
    draft.staticRouteLines.add(a.lineNumber);
  }

  private static String nextHop6(Args a, String text) {
    String c = io.ipsecmesh.proto.config.Ipv6.canonical(text);
    if (c == null) {
      throw a.fail("next hop must be an IPv6 address, got '" + Args.quote(text) + "'");
    }
    return c;
  }
}
