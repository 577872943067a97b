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
  private static final int FRAGMENT = 44;
  private static final int AH = 51;
  /** More extension headers than any real packet carries (RFC 8200 §4.1 recommends one of each, in order). */
  static final int MAX_EXTENSION_HEADERS = 8;

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
    int end = off + 40 + u16(b, off + 4);
    k.version = 6;
    k.srcHi = Ip128.readLong(b, off + 8);
    k.srcLo = Ip128.readLong(b, off + 16);
    k.dstHi = Ip128.readLong(b, off + 24);
    k.dstLo = Ip128.readLong(b, off + 32);
    k.dontFragment = false;
    // RFC 4301 §4.4.1.1 "Next Layer Protocol": the protocol after the extension headers (RFC 8200 §4), which are
    // skipped, at most MAX_EXTENSION_HEADERS of them; a chain that runs past the packet is malformed
    int next = b[off + 6] & 0xFF;
    int at = off + 40;
    boolean firstFragment = true;
    for (int n = 0; isExtension(next); n++) {
      if (n == MAX_EXTENSION_HEADERS || at + 8 > end) {
        return false;
      }
      int header = next;
      next = b[at] & 0xFF;
      if (header == FRAGMENT) {
        // RFC 8200 §4.5: the offset is the top 13 bits of the third and fourth octets
        firstFragment = (u16(b, at + 2) & 0xFFF8) == 0;
        at += 8;
      } else if (header == AH) {
        at += ((b[at + 1] & 0xFF) + 2) * 4; // RFC 4302 §2.2: in 32-bit words, minus 2
      } else {
        at += ((b[at + 1] & 0xFF) + 1) * 8; // RFC 8200 §4.3-4.6: in 8-octet units, not counting the first
      }
      if (at > end) {
        return false;
      }
    }
    k.protocol = next;
    ports(b, at, end, firstFragment, k, ICMPV6);
    return true;
  }

  /** Hop-by-Hop Options, Routing, Fragment, Destination Options (RFC 8200 §4.1) and AH (RFC 4302). */
  private static boolean isExtension(int nh) {
    return nh == 0 || nh == 43 || nh == FRAGMENT || nh == 60 || nh == AH;
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
