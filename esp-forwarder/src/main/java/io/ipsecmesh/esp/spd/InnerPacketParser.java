package io.ipsecmesh.esp.spd;

/**
 * Reads the selector fields of an IPv4 or IPv6 packet into a {@link FlowKey}. A pure codec: returns
 * false for anything malformed (the caller counts the drop), never throws for in-range offsets.
 */
public final class InnerPacketParser {

  private static final int TCP = 6;
  private static final int UDP = 17;
  private static final int SCTP = 132;
  private static final int ICMP = 1;
  private static final int ICMPV6 = 58;

  private InnerPacketParser() {}

  public static boolean parse(byte[] b, int off, int len, FlowKey k) {
    if (len < 1) {
      return false;
    }
    int version = (b[off] & 0xFF) >>> 4;
    if (version == 4) {
      return parse4(b, off, len, k);
    }
    if (version == 6) {
      return parse6(b, off, len, k);
    }
    return false;
  }

  private static boolean parse4(byte[] b, int off, int len, FlowKey k) {
    if (len < 20) {
      return false;
    }
    int ihl = (b[off] & 0x0F) * 4;
    int total = u16(b, off + 2);
    if (ihl < 20 || total < ihl || total > len) {
      return false;
    }
    k.version = 4;
    k.srcHi = 0;
    k.srcLo = Ip128.v4Lo(i32(b, off + 12));
    k.dstHi = 0;
    k.dstLo = Ip128.v4Lo(i32(b, off + 16));
    k.protocol = b[off + 9] & 0xFF;
    int frag = u16(b, off + 6);
    k.dontFragment = (frag & 0x4000) != 0;
    boolean firstFragment = (frag & 0x1FFF) == 0;
    ports(b, off + ihl, off + total, firstFragment, k, ICMP);
    return true;
  }

  private static boolean parse6(byte[] b, int off, int len, FlowKey k) {
    if (len < 40) {
      return false;
    }
    if (40 + u16(b, off + 4) > len) {
      return false;
    }
    k.version = 6;
    k.srcHi = Ip128.readLong(b, off + 8);
    k.srcLo = Ip128.readLong(b, off + 16);
    k.dstHi = Ip128.readLong(b, off + 24);
    k.dstLo = Ip128.readLong(b, off + 32);
    k.protocol = b[off + 6] & 0xFF;
    k.dontFragment = false;
    ports(b, off + 40, off + len, true, k, ICMPV6);
    return true;
  }

  /** Ports are OPAQUE (0) for non-first fragments and truncated headers (RFC 4301 §4.4.1.1). */
  private static void ports(byte[] b, int l4, int end, boolean firstFragment, FlowKey k, int icmp) {
    k.srcPort = 0;
    k.dstPort = 0;
    if (!firstFragment) {
      return;
    }
    int p = k.protocol;
    if ((p == TCP || p == UDP || p == SCTP) && l4 + 4 <= end) {
      k.srcPort = u16(b, l4);
      k.dstPort = u16(b, l4 + 2);
    } else if (p == icmp && l4 + 2 <= end) {
      k.srcPort = b[l4] & 0xFF;
      k.dstPort = b[l4 + 1] & 0xFF;
    }
  }

  static int u16(byte[] b, int off) {
    return (b[off] & 0xFF) << 8 | b[off + 1] & 0xFF;
  }

  static int i32(byte[] b, int off) {
    return (b[off] & 0xFF) << 24 | (b[off + 1] & 0xFF) << 16 | (b[off + 2] & 0xFF) << 8 | b[off + 3] & 0xFF;
  }
}
