package io.ipsecmesh.proto.config;

/**
 * One line of an extended access list: {@code permit|deny PROTOCOL SRC [PORT] DST [PORT]}, or a
 * {@code remark} (then only {@code remark} is set).
 *
 * @param protocol   "ip", "tcp", "udp", "icmp", "esp", "ahp", "gre" or a protocol number 0–255; in an
 *                   {@code ipv6 access-list} also "ipv6" (every protocol) and "sctp", and "icmp" is ICMPv6
 * @param sourcePort null when the entry has no source port condition
 */
public record AccessListEntry(
    Action action,
    String protocol,
    AddressMatch source,
    PortMatch sourcePort,
    AddressMatch destination,
    PortMatch destinationPort,
    String remark) {

  public enum Action {
    PERMIT, DENY, REMARK;

    public String keyword() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public static AccessListEntry remark(String text) {
    return new AccessListEntry(Action.REMARK, null, null, null, null, null, text);
  }

  /** The IP protocol number this entry selects, 0 for "ip" (every protocol). */
  public int protocolNumber() {
    return protocolNumber(source != null && source.ipv6());
  }

  /**
   * The protocol number in an IPv4 or an IPv6 access list: {@code icmp} of an {@code ipv6 access-list} is ICMPv6
   * (58, RFC 4443), {@code ipv6} is every protocol.
   */
  public int protocolNumber(boolean ipv6) {
    return switch (protocol) {
      case "ip", "ipv6" -> 0;
      case "icmp" -> ipv6 ? 58 : 1;
      case "sctp" -> 132;
      case "tcp" -> 6;
      case "udp" -> 17;
      case "gre" -> 47;
      case "esp" -> 50;
      case "ahp" -> 51;
      default -> Integer.parseInt(protocol);
    };
  }
}
