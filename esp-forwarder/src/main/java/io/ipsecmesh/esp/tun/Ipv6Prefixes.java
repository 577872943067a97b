package io.ipsecmesh.esp.tun;

import io.ipsecmesh.esp.spd.Ip128;
import io.ipsecmesh.proto.config.AddressMatch;
import java.math.BigInteger;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * IPv6 prefixes for kernel routes into the TUN, the 128-bit counterpart of the IPv4 arithmetic in
 * {@link KernelRoutes} and {@link NegotiatedRoutes}: an {@code ipv6 access-list} address as a route, and the fewest
 * prefixes covering a negotiated address range (RFC 7296 §3.13.1 TS_IPV6_ADDR_RANGE). Control plane only (it
 * allocates freely).
 */
final class Ipv6Prefixes {

  private static final BigInteger ONE = BigInteger.ONE;

  private Ipv6Prefixes() {}

  /** The route of an IPv6 ACL address, {@code 2001:db8:2::/64} (host bits cleared), or null for a bad one. */
  static String prefix(AddressMatch m) {
    byte[] b = m.ipv6Bytes();
    int len = m.prefixLength();
    if (b == null || len < 0) {
      return null;
    }
    long hi = Ip128.readLong(b, 0) & Ip128.maskHi(len);
    long lo = Ip128.readLong(b, 8) & Ip128.maskLo(len);
    return text(hi, lo) + "/" + len;
  }

  /** The 128-bit value of an IPv6 literal, or null when it is not one. */
  static BigInteger value(String literal) {
    if (literal == null || literal.indexOf(':') < 0) {
      return null;
    }
    try {
      InetAddress a = InetAddress.getByName(literal);
      return a instanceof Inet6Address ? new BigInteger(1, a.getAddress()) : null;
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** The fewest prefixes covering {@code start}–{@code end} exactly, at most {@code max + 1} (the caller refuses more). */
  static List<String> prefixes(BigInteger start, BigInteger end, int max) {
    List<String> out = new ArrayList<>();
    BigInteger s = start;
    while (s.compareTo(end) <= 0 && out.size() <= max) {
      int bits = s.signum() == 0 ? 128 : Math.min(128, s.getLowestSetBit());
      while (bits > 0 && s.add(ONE.shiftLeft(bits)).subtract(ONE).compareTo(end) > 0) {
        bits--;
      }
      out.add(text(s) + "/" + (128 - bits));
      s = s.add(ONE.shiftLeft(bits));
    }
    return out;
  }

  static String text(BigInteger v) {
    byte[] raw = v.toByteArray();
    byte[] b = new byte[16];
    int n = Math.min(16, raw.length);
    System.arraycopy(raw, raw.length - n, b, 16 - n, n);
    return text(Ip128.readLong(b, 0), Ip128.readLong(b, 8));
  }

  private static String text(long hi, long lo) {
    return Ip128.format(hi, lo);
  }
}
