package io.ipsecmesh.config.lang;

import io.ipsecmesh.proto.config.AccessListEntry;
import io.ipsecmesh.proto.config.AddressMatch;
import io.ipsecmesh.proto.config.Ipv4;
import io.ipsecmesh.proto.config.PortMatch;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One extended access-list entry, after the list name: {@code permit|deny PROTOCOL SRC [PORTS] DST [PORTS] [log]}
 * or {@code remark TEXT}. Shared by numbered {@code access-list N …} and named {@code ip access-list extended} lines.
 */
final class AccessListEntryParser {

  private static final Set<String> PROTOCOLS = Set.of("ip", "tcp", "udp", "icmp", "esp", "ahp", "gre");

  /** The protocol words of an {@code ipv6 access-list} (IOS XE): "icmp" is ICMPv6 there. */
  private static final Set<String> PROTOCOLS6 = Set.of("ipv6", "tcp", "udp", "icmp", "esp", "ahp", "sctp");

  private static final Map<String, Integer> PORT_NAMES = Map.ofEntries(
      Map.entry("ftp", 21), Map.entry("ssh", 22), Map.entry("telnet", 23), Map.entry("smtp", 25),
      Map.entry("domain", 53), Map.entry("bootps", 67), Map.entry("bootpc", 68), Map.entry("www", 80),
      Map.entry("ntp", 123), Map.entry("snmp", 161), Map.entry("bgp", 179), Map.entry("https", 443),
      Map.entry("isakmp", 500), Map.entry("syslog", 514), Map.entry("non500-isakmp", 4500));

  private AccessListEntryParser() {}

  static AccessListEntry parse(Args a) {
    String action = a.oneOf("action", "permit", "deny", "remark");
    if (action.equals("remark")) {
      return AccessListEntry.remark(a.rest("remark text"));
    }
    String protocol = protocol(a);
    boolean ports = protocol.equals("tcp") || protocol.equals("udp");
    AddressMatch source = address(a, "source");
    PortMatch sourcePort = port(a, ports);
    AddressMatch destination = address(a, "destination");
    PortMatch destinationPort = port(a, ports);
    // Logging is a router matter; the selection of traffic is what the gateway needs.
    if (!a.accept("log")) {
      a.accept("log-input");
    }
    a.end();
    return new AccessListEntry(
        action.equals("permit") ? AccessListEntry.Action.PERMIT : AccessListEntry.Action.DENY,
        protocol, source, sourcePort, destination, destinationPort, null);
  }

  /**
   * One entry of an {@code ipv6 access-list}, after its optional {@code sequence N}: {@code permit|deny PROTOCOL
   * {X/LEN|any|host X} [PORTS] {X/LEN|any|host X} [PORTS] [log|log-input] [sequence N]} or {@code remark TEXT}.
   */
  static AccessListEntry parseIpv6(Args a) {
    String action = a.oneOf("action", "permit", "deny", "remark");
    if (action.equals("remark")) {
      return AccessListEntry.remark(a.rest("remark text"));
    }
    String p = a.next("protocol (ipv6|tcp|udp|icmp|esp|ahp|sctp|0-255)").toLowerCase(Locale.ROOT);
    String protocol;
    if (PROTOCOLS6.contains(p)) {
      protocol = p;
    } else if (!p.isEmpty() && p.length() <= 3 && p.chars().allMatch(Character::isDigit)
        && Integer.parseInt(p) <= 255) {
      protocol = String.valueOf(Integer.parseInt(p));
    } else if (p.equals("ip")) {
      throw a.fail("an ipv6 access-list selects every protocol with 'ipv6', not 'ip': write permit ipv6 …");
    } else {
      throw a.fail("protocol must be ipv6|tcp|udp|icmp|esp|ahp|sctp|0-255, got '" + Args.quote(p) + "'");
    }
    boolean ports = protocol.equals("tcp") || protocol.equals("udp");
    AddressMatch source = address6(a, "source");
    PortMatch sourcePort = port(a, ports);
    AddressMatch destination = address6(a, "destination");
    PortMatch destinationPort = port(a, ports);
    if (protocol.equals("icmp") && a.hasMore() && !a.is(a.position(), "log") && !a.is(a.position(), "log-input")
        && !a.is(a.position(), "sequence")) {
      // a crypto ACL selects by addresses, protocol and ports (RFC 4301 §4.4.1.1): an ICMPv6 type cannot be a
      // traffic selector, and widening a deny to every ICMPv6 message would send traffic in clear
      throw a.fail("ICMPv6 message types (" + Args.quote(a.peek()) + ") cannot select IPsec traffic: write permit "
          + "icmp SRC DST for all of ICMPv6");
    }
    if (!a.accept("log")) {
      a.accept("log-input");
    }
    if (a.accept("sequence")) {
      a.number("sequence number", 1, 4_294_967_295L);
    }
    a.end();
    return new AccessListEntry(
        action.equals("permit") ? AccessListEntry.Action.PERMIT : AccessListEntry.Action.DENY,
        protocol, source, sourcePort, destination, destinationPort, null);
  }

  private static AddressMatch address6(Args a, String what) {
    if (a.accept("any")) {
      return AddressMatch.ANY6;
    }
    if (a.accept("host")) {
      return AddressMatch.host(a.ipv6(what + " host"));
    }
    if (!a.hasMore()) {
      throw a.fail("missing " + what + " (any, host IPV6 or IPV6/LENGTH)");
    }
    if (Ipv4.isAddress(a.peek())) {
      throw a.fail(what + " " + a.peek() + " is IPv4: an ipv6 access-list takes IPv6 prefixes (2001:DB8:1::/64)");
    }
    String[] prefix = a.ipv6Prefix(what + " (any, host IPV6 or IPV6/LENGTH)");
    return AddressMatch.ipv6Prefix(prefix[0], Integer.parseInt(prefix[1]));
  }

  private static String protocol(Args a) {
    String p = a.next("protocol (ip|tcp|udp|icmp|esp|ahp|gre|0-255)").toLowerCase(Locale.ROOT);
    if (PROTOCOLS.contains(p)) {
      return p;
    }
    if (!p.isEmpty() && p.length() <= 3 && p.chars().allMatch(Character::isDigit) && Integer.parseInt(p) <= 255) {
      return String.valueOf(Integer.parseInt(p));
    }
    throw a.fail("protocol must be ip|tcp|udp|icmp|esp|ahp|gre|0-255, got '" + Args.quote(p) + "'");
  }

  private static AddressMatch address(Args a, String what) {
    if (a.accept("any")) {
      return AddressMatch.ANY;
    }
    if (a.accept("host")) {
      return AddressMatch.host(a.ipv4(what + " host"));
    }
    if (!a.hasMore()) {
      throw a.fail("missing " + what + " (any, host IP or IP WILDCARD)");
    }
    if (io.ipsecmesh.proto.config.Ipv6.looksLike(a.peek())) {
      throw a.fail(what + " " + Args.quote(a.peek()) + " is IPv6: IPv6 traffic is selected by an ipv6 access-list NAME");
    }
    String ip = a.ipv4(what + " (any, host IP or IP WILDCARD)");
    if (!a.hasMore()) {
      throw a.fail("missing " + what + " wildcard after " + ip);
    }
    String wildcard = a.ipv4(what + " wildcard");
    // IOS keeps the address as written; the bits the wildcard ignores are cleared so equal lists compare equal.
    long w = Ipv4.toLong(wildcard);
    return new AddressMatch(Ipv4.toText(Ipv4.toLong(ip) & ~w & 0xFFFF_FFFFL), wildcard);
  }

  private static PortMatch port(Args a, boolean allowed) {
    String op = a.peek() == null ? "" : a.peek().toLowerCase(Locale.ROOT);
    PortMatch.Operator operator = switch (op) {
      case "eq" -> PortMatch.Operator.EQ;
      case "neq" -> PortMatch.Operator.NEQ;
      case "lt" -> PortMatch.Operator.LT;
      case "gt" -> PortMatch.Operator.GT;
      case "range" -> PortMatch.Operator.RANGE;
      default -> null;
    };
    if (operator == null) {
      return null;
    }
    if (!allowed) {
      throw a.fail("port condition '" + op + "' needs protocol tcp or udp");
    }
    a.skip(1);
    int low = portNumber(a);
    int high = low;
    if (operator == PortMatch.Operator.RANGE) {
      high = portNumber(a);
      if (high < low) {
        throw a.fail("range " + low + " " + high + ": the first port must not be above the second");
      }
    }
    return new PortMatch(operator, low, high);
  }

  private static int portNumber(Args a) {
    String p = a.peek();
    if (p != null && PORT_NAMES.containsKey(p.toLowerCase(Locale.ROOT))) {
      a.skip(1);
      return PORT_NAMES.get(p.toLowerCase(Locale.ROOT));
    }
    return a.integer("port", 0, 65535);
  }
}
