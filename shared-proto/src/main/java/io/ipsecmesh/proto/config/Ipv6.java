package io.ipsecmesh.proto.config;

import java.util.Locale;

/**
 * IPv6 text as the configuration writes it: addresses in RFC 4291 §2.2 form (any of its three forms, no zone),
 * prefixes {@code ADDRESS/LENGTH} (§2.3). The model and {@code show running-config} keep the RFC 5952 canonical
 * text (lower case, the longest run of zero groups compressed); the {@code show} commands print it in capitals, as
 * IOS does ({@link #ios}). Parsing never looks a name up: text that is not a literal is refused.
 */
public final class Ipv6 {

  private Ipv6() {}

  /** Whether {@code text} could only be meant as IPv6 (it has a colon), so a caller can say "bad IPv6 address". */
  public static boolean looksLike(String text) {
    return text != null && text.indexOf(':') >= 0;
  }

  /** The 16 bytes of an IPv6 literal, or null when {@code text} is not one (IPv4-embedded forms allowed). */
  public static byte[] parse(String text) {
    if (text == null || text.length() < 2 || text.length() > 45) {
      return null;
    }
    int doubleColon = text.indexOf("::");
    if (doubleColon >= 0 && text.indexOf("::", doubleColon + 1) >= 0) {
      return null;
    }
    String head = doubleColon >= 0 ? text.substring(0, doubleColon) : text;
    String tail = doubleColon >= 0 ? text.substring(doubleColon + 2) : "";
    int[] h = groups(head, doubleColon < 0);
    int[] t = doubleColon >= 0 ? groups(tail, true) : new int[0];
    if (h == null || t == null) {
      return null;
    }
    int total = h.length + t.length;
    if (doubleColon < 0 ? total != 8 : total > 7) {
      return null;
    }
    byte[] out = new byte[16];
    for (int i = 0; i < h.length; i++) {
      out[2 * i] = (byte) (h[i] >>> 8);
      out[2 * i + 1] = (byte) h[i];
    }
    for (int i = 0; i < t.length; i++) {
      int g = 8 - t.length + i;
      out[2 * g] = (byte) (t[i] >>> 8);
      out[2 * g + 1] = (byte) t[i];
    }
    return out;
  }

  /** Colon-separated 16-bit groups; an IPv4 dotted quad may end the last part ({@code ipv4Last}) as two groups. */
  private static int[] groups(String part, boolean ipv4Last) {
    if (part.isEmpty()) {
      return new int[0];
    }
    String[] words = part.split(":", -1);
    int extra = 0;
    String last = words[words.length - 1];
    if (last.indexOf('.') >= 0) {
      if (!ipv4Last || !Ipv4.isAddress(last)) {
        return null;
      }
      extra = 1;
    }
    int[] out = new int[words.length + extra];
    for (int i = 0; i < words.length; i++) {
      String w = words[i];
      if (i == words.length - 1 && extra == 1) {
        long v = Ipv4.toLong(w);
        out[i] = (int) (v >>> 16);
        out[i + 1] = (int) (v & 0xFFFF);
        continue;
      }
      if (w.isEmpty() || w.length() > 4) {
        return null;
      }
      int v = 0;
      for (int k = 0; k < w.length(); k++) {
        int d = Character.digit(w.charAt(k), 16);
        if (d < 0) {
          return null;
        }
        v = (v << 4) | d;
      }
      out[i] = v;
    }
    return out;
  }

  public static boolean isAddress(String text) {
    return parse(text) != null;
  }

  /** {@link #text(long, long)} of 16 bytes in network order. */
  public static String text(byte[] a) {
    long hi = 0;
    long lo = 0;
    for (int i = 0; i < 8; i++) {
      hi = hi << 8 | (a[i] & 0xFF);
      lo = lo << 8 | (a[8 + i] & 0xFF);
    }
    return text(hi, lo);
  }

  /**
   * The RFC 5952 §4 text of the address whose high and low 64 bits are {@code hi} and {@code lo}: lower case (§4.3),
   * no leading zeros (§4.1), the longest run of two or more zero groups as {@code ::} (§4.2.1, §4.2.2), the first of
   * equally long runs (§4.2.3). This is how configurations write addresses, so text from a packet equals the text of
   * the command that names it. An IPv4-mapped address comes out in hex ({@code ::ffff:c000:201}), not in §5's mixed
   * form; the data plane prints mapped addresses as IPv4 before it gets here ({@code Ip128.format}).
   */
  public static String text(long hi, long lo) {
    int[] g = new int[8];
    for (int i = 0; i < 4; i++) {
      g[i] = (int) (hi >>> (48 - 16 * i)) & 0xFFFF;
      g[4 + i] = (int) (lo >>> (48 - 16 * i)) & 0xFFFF;
    }
    int bestStart = -1;
    int bestLen = 1;
    for (int i = 0; i < 8; ) {
      if (g[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && g[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    StringBuilder b = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        b.append("::");
        i += bestLen - 1;
        continue;
      }
      if (b.length() > 0 && b.charAt(b.length() - 1) != ':') {
        b.append(':');
      }
      b.append(Integer.toHexString(g[i]));
    }
    return b.toString();
  }

  /** The canonical text of an IPv6 literal, or null when it is not one. */
  public static String canonical(String text) {
    byte[] a = parse(text);
    return a == null ? null : text(a);
  }

  /** IOS's way of printing an address: the canonical text in capitals ({@code 2001:DB8::1}). */
  public static String ios(String text) {
    return text.toUpperCase(Locale.ROOT);
  }

  /** The first {@code length} bits of {@code a}, the rest cleared (a new array). */
  public static byte[] network(byte[] a, int length) {
    byte[] n = a.clone();
    for (int bit = length; bit < 128; bit++) {
      n[bit >>> 3] &= (byte) ~(0x80 >>> (bit & 7));
    }
    return n;
  }

  /** The last address of the prefix: the bits after {@code length} set (a new array). */
  public static byte[] last(byte[] a, int length) {
    byte[] n = a.clone();
    for (int bit = length; bit < 128; bit++) {
      n[bit >>> 3] |= (byte) (0x80 >>> (bit & 7));
    }
    return n;
  }

  /** Whether IPv6 {@code address} lies in {@code network/length}; false for anything that is not IPv6. */
  public static boolean inPrefix(String network, int length, String address) {
    byte[] n = parse(network);
    byte[] a = parse(address);
    if (n == null || a == null || length < 0 || length > 128) {
      return false;
    }
    return java.util.Arrays.equals(network(n, length), network(a, length));
  }

  /**
   * A prefix {@code ADDRESS/LENGTH} split and checked: {@code [canonical network, length]}, or null when it is not
   * one. The host bits are cleared, as IOS does for an ACL or a route.
   */
  public static String[] prefix(String text) {
    int slash = text == null ? -1 : text.indexOf('/');
    if (slash < 0 || slash == text.length() - 1 || text.length() - slash > 4) {
      return null;
    }
    byte[] a = parse(text.substring(0, slash));
    String len = text.substring(slash + 1);
    if (a == null || !len.chars().allMatch(Character::isDigit)) {
      return null;
    }
    int l = Integer.parseInt(len);
    if (l > 128) {
      return null;
    }
    return new String[] {text(network(a, l)), String.valueOf(l)};
  }
}
