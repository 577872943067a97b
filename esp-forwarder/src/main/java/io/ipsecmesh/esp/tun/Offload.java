package io.ipsecmesh.esp.tun;

/**
 * The work a NIC would do for packets the kernel hands to a TUN device with offloads enabled
 * ({@code IFF_VNET_HDR} + {@code TUNSETOFFLOAD}): finishing a partial checksum ({@code
 * VIRTIO_NET_HDR_F_NEEDS_CSUM}) and cutting a TCP super-packet into MSS-sized segments (TSO). Pure
 * byte-array codec, allocation-free.
 */
public final class Offload {

  /** {@code struct virtio_net_hdr}: flags, gso_type, hdr_len, gso_size, csum_start, csum_offset (host byte order). */
  public static final int VNET_HDR_LEN = 10;
  public static final int F_NEEDS_CSUM = 1;
  public static final int GSO_NONE = 0;
  public static final int GSO_TCPV4 = 1;
  public static final int GSO_TCPV6 = 4;
  public static final int GSO_ECN = 0x80;

  private static final java.lang.invoke.VarHandle LONG_BE =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.BIG_ENDIAN);
  private static final int TCP_FIN = 0x01;
  private static final int TCP_PSH = 0x08;
  private static final int TCP_CWR = 0x80;

  private Offload() {}

  /** Receives each segment {@link #segmentTcp} cuts. */
  @FunctionalInterface
  public interface SegmentSink {
    void segment(byte[] buf, int off, int len);
  }

  public static int hdrFlags(byte[] b, int off) {
    return b[off] & 0xFF;
  }

  public static int gsoType(byte[] b, int off) {
    return b[off + 1] & 0xFF & ~GSO_ECN;
  }

  public static int gsoSize(byte[] b, int off) {
    return le16(b, off + 4);
  }

  public static int csumStart(byte[] b, int off) {
    return le16(b, off + 6);
  }

  public static int csumOffset(byte[] b, int off) {
    return le16(b, off + 8);
  }

  private static int le16(byte[] b, int off) {
    return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8;
  }

  /**
   * Completes a checksum the kernel left partial: the ones' complement sum from {@code start} to the
   * end of the packet (the field already holds the pseudo-header sum) goes into the field.
   *
   * @return false when the offsets lie outside the packet
   */
  public static boolean finishChecksum(byte[] b, int pkt, int len, int start, int offset) {
    int field = start + offset;
    if (start < 0 || field + 2 > len) {
      return false;
    }
    int c = fold(sum(b, pkt + start, len - start, 0));
    c = ~c & 0xFFFF;
    b[pkt + field] = (byte) (c >>> 8);
    b[pkt + field + 1] = (byte) c;
    return true;
  }

  /**
   * Cuts the TCP super-packet at {@code b[pkt, pkt+len)} into segments of at most {@code mss}
   * payload bytes, each with its own IP and TCP header and checksums, written one after the other
   * at {@code out[outOff, …)} and handed to {@code sink} before the next overwrites it.
   *
   * @return the number of segments, or -1 when the packet is not a well-formed TCP packet
   */
  public static int segmentTcp(byte[] b, int pkt, int len, int mss, byte[] out, int outOff, SegmentSink sink) {
    if (len < 20 || mss <= 0) {
      return -1;
    }
    int version = (b[pkt] & 0xFF) >>> 4;
    int ipLen;
    if (version == 4) {
      ipLen = (b[pkt] & 0x0F) * 4;
      if (ipLen < 20 || (b[pkt + 9] & 0xFF) != 6) {
        return -1;
      }
    } else if (version == 6) {
      ipLen = 40;
      if (len < 40 || (b[pkt + 6] & 0xFF) != 6) {
        return -1;
      }
    } else {
      return -1;
    }
    if (len < ipLen + 20) {
      return -1;
    }
    int tcpLen = ((b[pkt + ipLen + 12] & 0xFF) >>> 4) * 4;
    int hdr = ipLen + tcpLen;
    if (tcpLen < 20 || hdr > len) {
      return -1;
    }
    int payload = len - hdr;
    long seq = u32(b, pkt + ipLen + 4);
    int ipId = version == 4 ? u16(b, pkt + 4) : 0;
    int flags = b[pkt + ipLen + 13] & 0xFF;
    int n = 0;
    for (int p = 0; p < payload || n == 0; p += mss, n++) {
      int chunk = Math.min(mss, payload - p);
      boolean last = p + chunk >= payload;
      System.arraycopy(b, pkt, out, outOff, hdr);
      System.arraycopy(b, pkt + hdr + p, out, outOff + hdr, chunk);
      int segLen = hdr + chunk;
      int tcp = outOff + ipLen;
      if (version == 4) {
        put16(out, outOff + 2, segLen);
        put16(out, outOff + 4, (ipId + n) & 0xFFFF);
        put16(out, outOff + 10, 0);
        put16(out, outOff + 10, ~fold(sum(out, outOff, ipLen, 0)) & 0xFFFF);
      } else {
        put16(out, outOff + 4, segLen - 40);
      }
      put32(out, tcp + 4, (seq + p) & 0xFFFF_FFFFL);
      int f = flags;
      if (!last) {
        f &= ~(TCP_FIN | TCP_PSH);
      }
      if (n > 0) {
        f &= ~TCP_CWR;
      }
      out[tcp + 13] = (byte) f;
      put16(out, tcp + 16, 0);
      long s = pseudoHeader(out, outOff, version, tcpLen + chunk);
      put16(out, tcp + 16, ~fold(sum(out, tcp, tcpLen + chunk, s)) & 0xFFFF);
      sink.segment(out, outOff, segLen);
    }
    return n;
  }

  private static long pseudoHeader(byte[] b, int ip, int version, int l4Len) {
    long s;
    if (version == 4) {
      s = sum(b, ip + 12, 8, 0);
    } else {
      s = sum(b, ip + 8, 32, 0);
    }
    return s + 6 + l4Len;
  }

  /**
   * Ones' complement sum of 16-bit big-endian words (odd tail padded with zero), not folded. Reads
   * eight bytes at a time and adds their two 32-bit halves: 2^16 = 1 modulo 2^16 - 1, so folding the
   * wider sum gives the 16-bit one; a 64-bit accumulator cannot overflow for 64 KiB.
   */
  static long sum(byte[] b, int off, int len, long initial) {
    long s = initial;
    int i = off;
    int end8 = off + (len & ~7);
    for (; i < end8; i += 8) {
      long v = (long) LONG_BE.get(b, i);
      s += (v >>> 32) + (v & 0xFFFF_FFFFL);
    }
    int end = off + (len & ~1);
    for (; i < end; i += 2) {
      s += (b[i] & 0xFF) << 8 | b[i + 1] & 0xFF;
    }
    if ((len & 1) != 0) {
      s += (b[off + len - 1] & 0xFF) << 8;
    }
    return s;
  }

  static int fold(long s) {
    while ((s >>> 16) != 0) {
      s = (s & 0xFFFF) + (s >>> 16);
    }
    return (int) s;
  }

  private static int u16(byte[] b, int off) {
    return (b[off] & 0xFF) << 8 | b[off + 1] & 0xFF;
  }

  private static long u32(byte[] b, int off) {
    return ((long) u16(b, off) << 16) | u16(b, off + 2);
  }

  private static void put16(byte[] b, int off, int v) {
    b[off] = (byte) (v >>> 8);
    b[off + 1] = (byte) v;
  }

  private static void put32(byte[] b, int off, long v) {
    put16(b, off, (int) (v >>> 16) & 0xFFFF);
    put16(b, off + 2, (int) v & 0xFFFF);
  }
}
