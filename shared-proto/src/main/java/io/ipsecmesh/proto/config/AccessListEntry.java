package io.ipsecmesh.proto.config;

/**
 * One line of an extended access list: {@code permit|deny PROTOCOL SRC [PORT] DST [PORT]}, or a
 * {@code remark} (then only {@code remark} is set).
 *
 * @param protocol   "ip", "tcp", "udp", "icmp", "esp", "ahp", "gre" or a protocol number 0–255
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
    return switch (protocol) {
      case "ip" -> 0;
      case "icmp" -> 1;
      case "tcp" -> 6;
      case "udp" -> 17;
      case "gre" -> 47;
      case "esp" -> 50;
      case "ahp" -> 51;
      default -> Integer.parseInt(protocol);
    };
  }
}
