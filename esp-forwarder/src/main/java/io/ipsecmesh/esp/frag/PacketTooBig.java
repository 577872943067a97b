package io.ipsecmesh.esp.frag;

/**
 * The ICMPv6 Packet Too Big message (RFC 4443 §3.2: type 2, code 0, the MTU of the next-hop link, then as much
 * of the invoking packet as fits without the ICMPv6 packet exceeding the minimum IPv6 MTU) that tells the inner
 * source of an IPv6 packet too big for the tunnel the largest packet it carries. IPv6 routers never fragment
 * (RFC 8200 §5): this message is the only way to shrink what the source sends. A pure codec: writes into the
 * caller's array, allocates nothing.
 */
public final class PacketTooBig {

  /** RFC 8200 §5: every link carries packets of 1280 octets; a tunnel below that fragments underneath. */
  public static final int IPV6_MIN_MTU = 1280;
  /** RFC 4443 §3.2: the whole ICMPv6 packet, with its 40-byte IPv6 header, fits in {@link #IPV6_MIN_MTU}. */
  public static final int MAX_LENGTH = IPV6_MIN_MTU - 40;
  static final int TYPE = 2;
  static final int NEXT_HEADER_ICMPV6 = 58;

  private PacketTooBig() {}

  /**
   * Writes the ICMPv6 message (no IPv6 header: the kernel adds one) about the IPv6 packet at {@code off} into
   * {@code out} at 0, with its checksum over the RFC 8200 §8.1 pseudo-header from {@code srcHi/srcLo} (the
   * address the message leaves from) to the invoking packet's source. A raw ICMPv6 socket recomputes the
   * checksum with the source the kernel chose (RFC 3542 §3.1), so production passes any source.
   *
   * @return its length, or -1 when the packet is not IPv6 or must not be answered (RFC 4443 §2.4 (e): its source
   *     is the unspecified or a multicast address, so it identifies no single node)
   */
  public static int write(byte[] out, byte[] pkt, int off, int len, int mtu, long srcHi, long srcLo) {
    if (len < 40 || (pkt[off] & 0xF0) != 0x60 || out.length < MAX_LENGTH) {
      return -1;
    }
    int s0 = pkt[off + 8] & 0xFF;
    if (s0 == 0xFF || isUnspecified(pkt, off + 8)) {
      return -1;
    }
    int quoted = Math.min(len, MAX_LENGTH - 8);
    out[0] = TYPE;
    out[1] = 0;
    out[2] = 0;
    out[3] = 0;
    out[4] = (byte) (mtu >>> 24);
    out[5] = (byte) (mtu >>> 16);
    out[6] = (byte) (mtu >>> 8);
    out[7] = (byte) mtu;
    System.arraycopy(pkt, off, out, 8, quoted);
    int n = 8 + quoted;
    int sum = checksum(out, n, srcHi, srcLo, pkt, off + 8);
    out[2] = (byte) (sum >>> 8);
    out[3] = (byte) sum;
    return n;
  }

  private static boolean isUnspecified(byte[] b, int at) {
    for (int i = 0; i < 16; i++) {
      if (b[at + i] != 0) {
        return false;
      }
    }
    return true;
  }

  /** RFC 8200 §8.1: source, destination, upper-layer length (32 bits), three zero octets, next header 58. */
  static int checksum(byte[] msg, int len, long srcHi, long srcLo, byte[] dst, int dstAt) {
    long sum = words(srcHi) + words(srcLo);
    for (int i = 0; i < 16; i += 2) {
      sum += (dst[dstAt + i] & 0xFF) << 8 | dst[dstAt + i + 1] & 0xFF;
    }
    sum += (len >>> 16) + (len & 0xFFFF) + NEXT_HEADER_ICMPV6;
    int i = 0;
    for (; i + 1 < len; i += 2) {
      sum += (msg[i] & 0xFF) << 8 | msg[i + 1] & 0xFF;
    }
    if (i < len) {
      sum += (msg[i] & 0xFF) << 8;
    }
    while ((sum >>> 16) != 0) {
      sum = (sum & 0xFFFF) + (sum >>> 16);
    }
    return (int) ~sum & 0xFFFF;
  }

  private static long words(long v) {
    return (v >>> 48) + (v >>> 32 & 0xFFFF) + (v >>> 16 & 0xFFFF) + (v & 0xFFFF);
  }
}
