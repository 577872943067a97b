package io.ipsecmesh.proto.config;

/** Dotted-quad IPv4 text, as the configuration writes addresses, masks and wildcards. */
public final class Ipv4 {

  private Ipv4() {}

  /** The address as an unsigned 32-bit value, or -1 when {@code text} is not a dotted quad. */
  public static long toLong(String text) {
    if (text == null) {
      return -1;
    }
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      return -1;
    }
    long v = 0;
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
        return -1;
      }
      int octet = Integer.parseInt(p);
      if (octet > 255) {
        return -1;
      }
      v = (v << 8) | octet;
    }
    return v;
  }

  public static boolean isAddress(String text) {
    return toLong(text) >= 0;
  }

  /** Whether {@code text} is a contiguous netmask such as 255.255.255.0. */
  public static boolean isNetmask(String text) {
    long v = toLong(text);
    if (v < 0) {
      return false;
    }
    long inverted = ~v & 0xFFFF_FFFFL;
    return (inverted & (inverted + 1)) == 0;
  }

  public static String toText(long v) {
    return ((v >>> 24) & 0xFF) + "." + ((v >>> 16) & 0xFF) + "." + ((v >>> 8) & 0xFF) + "." + (v & 0xFF);
  }
}
