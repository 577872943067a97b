package io.ipsecmesh.config.show;

/** Fixed-width columns the way IOS tables pad them: at least one space, even when a value overflows. */
final class Columns {

  private Columns() {}

  /** An address as IOS prints it: IPv6 in capitals ({@code 2001:DB8::1}), IPv4 as it is; null as empty. */
  static String ip(String address) {
    if (address == null) {
      return "";
    }
    return io.ipsecmesh.proto.config.Ipv6.looksLike(address) ? address.toUpperCase(java.util.Locale.ROOT) : address;
  }

  static boolean ipv6(String address) {
    return io.ipsecmesh.proto.config.Ipv6.looksLike(address);
  }

  static String pad(String s, int width) {
    StringBuilder b = new StringBuilder(s);
    do {
      b.append(' ');
    } while (b.length() < width);
    return b.toString();
  }
}
