package io.ipsecmesh.esp.spd;

import io.ipsecmesh.proto.config.Ipv6;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Addresses as two unsigned 64-bit halves, IPv4 as IPv4-mapped IPv6 ({@code ::ffff:a.b.c.d}), so one
 * comparison serves both families and a packet's addresses are read without any object.
 */
public final class Ip128 {

  /** The {@code ::ffff:0:0/96} prefix in the low half. */
  public static final long V4_MAPPED = 0x0000_FFFF_0000_0000L;

  private Ip128() {}

  public static long v4Lo(int v4) {
    return V4_MAPPED | (v4 & 0xFFFF_FFFFL);
  }

  /** Parses an address literal (never a host name: no DNS). */
  public static InetAddress literal(String text) {
    if (text == null || text.isEmpty() || !(Character.digit(text.charAt(0), 16) >= 0 || text.charAt(0) == ':')) {
      throw new IllegalArgumentException("not an address literal: " + text);
    }
    try {
      return InetAddress.getByName(text);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an address literal: " + text, e);
    }
  }

  public static long hi(InetAddress a) {
    if (a instanceof Inet4Address) {
      return 0;
    }
    byte[] b = a.getAddress();
    return readLong(b, 0);
  }

  public static long lo(InetAddress a) {
    byte[] b = a.getAddress();
    if (a instanceof Inet6Address) {
      return readLong(b, 8);
    }
    return v4Lo((b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | b[3] & 0xFF);
  }

  /** The high half of the mask of a prefix of {@code length} bits (0–128). */
  public static long maskHi(int length) {
    return length <= 0 ? 0 : length >= 64 ? -1L : -1L << (64 - length);
  }

  /** The low half of the mask of a prefix of {@code length} bits (0–128). */
  public static long maskLo(int length) {
    return length <= 64 ? 0 : length >= 128 ? -1L : -1L << (128 - length);
  }

  public static long readLong(byte[] b, int off) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = v << 8 | (b[off + i] & 0xFF);
    }
    return v;
  }

  /** {@code (aHi,aLo) <= (bHi,bLo)} as unsigned 128-bit numbers. */
  public static boolean le(long aHi, long aLo, long bHi, long bLo) {
    int c = Long.compareUnsigned(aHi, bHi);
    return c < 0 || c == 0 && Long.compareUnsigned(aLo, bLo) <= 0;
  }

  /**
   * Text form for logs and bus records: dotted quad for mapped IPv4, else the RFC 5952 §4 canonical IPv6 text of
   * {@link Ipv6#text(long, long)}, which is how configurations write them — so {@code fd31::2} from a packet equals
   * {@code set peer fd31::2}.
   */
  public static String format(long hi, long lo) {
    if (hi == 0 && (lo & 0xFFFF_FFFF_0000_0000L) == V4_MAPPED) {
      int v = (int) lo;
      return (v >>> 24) + "." + (v >>> 16 & 0xFF) + "." + (v >>> 8 & 0xFF) + "." + (v & 0xFF);
    }
    return Ipv6.text(hi, lo);
  }

  /** {@link #format} of an address (IPv4 as a dotted quad, IPv6 in RFC 5952 form). */
  public static String text(InetAddress a) {
    return format(hi(a), lo(a));
  }
}
