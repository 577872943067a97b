package io.ipsecmesh.config.show;

import io.ipsecmesh.proto.sa.TrafficSelector;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * A traffic selector in the {@code (addr/mask/prot/port)} notation of {@code show crypto ipsec sa}: a
 * range that is a prefix prints as address/netmask (IPv6: address/prefix length), any other range
 * (IKEv2 selectors need not be prefixes) as first-last, never widened or narrowed; a single port
 * prints as that port, a port range as 0 (any).
 */
final class Ident {

  /** Only literals reach InetAddress, so printing a table can never trigger a DNS lookup. */
  private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f:.]+");

  private Ident() {}

  /** A dotted-quad IPv4 literal as an unsigned 32-bit number, or -1 when {@code text} is not one. */
  static long ipv4(String text) {
    int n = text.length();
    if (n < 7 || n > 15) {
      return -1;
    }
    long value = 0;
    int octet = -1;
    int dots = 0;
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c >= '0' && c <= '9') {
        octet = octet < 0 ? c - '0' : octet * 10 + (c - '0');
        if (octet > 255) {
          return -1;
        }
      } else if (c == '.' && octet >= 0 && dots < 3) {
        value = value << 8 | octet;
        octet = -1;
        dots++;
      } else {
        return -1;
      }
    }
    return dots == 3 && octet >= 0 ? value << 8 | octet : -1;
  }

  static String of(TrafficSelector ts) {
    int port = ts.startPort() == ts.endPort() ? ts.startPort() : 0;
    return "(" + address(ts) + "/" + ts.protocol() + "/" + port + ")";
  }

  /** The address part alone: {@code 10.1.0.0/255.255.0.0}, {@code 2001:db8::/32} or {@code first-last}. */
  static String address(TrafficSelector ts) {
    return addressAndMask(ts.startAddress(), ts.endAddress());
  }

  /**
   * The netmask of the IPv4 range {@code start}–{@code end} when it is a prefix ({@code 255.255.255.0} as
   * {@code 0xFFFFFF00}), else -1 (not a prefix, or not IPv4). The common case, without InetAddress, BigInteger or a
   * regex: {@code show crypto session} prints one per SA.
   */
  static long ipv4Netmask(String start, String end) {
    long a4 = ipv4(start);
    long b4 = ipv4(end);
    if (a4 < 0 || b4 < 0) {
      return -1;
    }
    int hostBits = 64 - Long.numberOfLeadingZeros(a4 ^ b4);
    long span = (1L << hostBits) - 1;
    return (a4 & span) != 0 || b4 != (a4 | span) ? -1 : ~span & 0xFFFF_FFFFL;
  }

  private static String addressAndMask(String start, String end) {
    long mask = ipv4Netmask(start, end);
    if (mask >= 0) {
      return start + "/" + ((mask >>> 24) & 255) + "." + ((mask >>> 16) & 255) + "." + ((mask >>> 8) & 255) + "."
          + (mask & 255);
    }
    if (ipv4(start) >= 0 && ipv4(end) >= 0) {
      return start + "-" + end;
    }
    if (!LITERAL.matcher(start).matches() || !LITERAL.matcher(end).matches()) {
      return start + "/?";
    }
    try {
      byte[] a = InetAddress.getByName(start).getAddress();
      byte[] b = InetAddress.getByName(end).getAddress();
      int bits = a.length * 8;
      BigInteger lo = new BigInteger(1, a);
      BigInteger hi = new BigInteger(1, b);
      int hostBits = hi.xor(lo).bitLength();
      BigInteger span = BigInteger.ONE.shiftLeft(hostBits).subtract(BigInteger.ONE);
      boolean prefix = a.length == b.length && lo.and(span).signum() == 0 && hi.equals(lo.or(span));
      if (!prefix) {
        return Columns.ip(start) + "-" + Columns.ip(end);
      }
      int prefixLen = bits - hostBits;
      if (a.length == 16) {
        return Columns.ip(start) + "/" + prefixLen; // IOS prints IPv6 in capitals
      }
      long netmask = prefixLen == 0 ? 0 : (0xFFFF_FFFFL << (32 - prefixLen)) & 0xFFFF_FFFFL;
      return start + "/" + ((netmask >>> 24) & 255) + "." + ((netmask >>> 16) & 255) + "." + ((netmask >>> 8) & 255)
          + "." + (netmask & 255);
    } catch (UnknownHostException e) {
      // selectors come from ike-service as literals; print what we got rather than fail the whole show
      return start + "/?";
    }
  }
}
