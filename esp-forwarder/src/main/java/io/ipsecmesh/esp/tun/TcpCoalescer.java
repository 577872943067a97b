package io.ipsecmesh.esp.tun;

import io.ipsecmesh.esp.io.PacketBuffer;

/**
 * Receive-side coalescing (GRO) for a TUN with offloads: consecutive in-order IPv4 or IPv6 TCP segments
 * of one flow, as they come out of one batch of decapsulated ESP packets, are joined into one
 * super-packet that is written with a virtio-net header asking the kernel for TCP segmentation
 * ({@code GSO_TCPV4} / {@code GSO_TCPV6}), so the kernel forwards one packet instead of dozens. The rules
 * follow Linux's {@code tcp_gro_receive}: same addresses, ports, TOS, TTL (IPv6: traffic class, flow label,
 * hop limit) and TCP header apart from the sequence number, checksum and a final PSH; pure ACK/PSH segments of
 * equal size, the last may be shorter; IPv4 with DF set (IP IDs then carry no meaning), IPv6 without extension
 * headers. Anything else is written as it is, after the pending super-packet, so order within a flow is kept.
 * Used from one thread.
 */
public final class TcpCoalescer {

  /** Writes a finished packet to the TUN: {@code gsoSize} 0 for a plain packet. */
  @FunctionalInterface
  public interface Writer {
    boolean write(PacketBuffer buf, int off, int len, int gsoSize, int headerLen);
  }

  private static final int MAX_SEGMENTS = 64;
  private static final int MAX_LEN = 65535 - 128;
  private static final int ACK = 0x10;
  private static final int PSH = 0x08;

  private final PacketBuffer superPacket = new PacketBuffer(PacketBuffer.HEADROOM + 65536 + PacketBuffer.TAILROOM);
  private final Writer writer;
  private int len;
  private int segments;
  private int mss;
  private int headerLen;
  /** The IP header length of the pending super-packet: 20 (IPv4) or 40 (IPv6); its TCP header follows. */
  private int ipLen;
  private long nextSeq;
  private boolean closed;
  private long coalesced;
  private long lost;

  public TcpCoalescer(Writer writer) {
    this.writer = writer;
  }

  /** Segments lost because the write of their super-packet failed (statistics). */
  public long lost() {
    return lost;
  }

  /** Segments that joined another one (statistics). */
  public long coalesced() {
    return coalesced;
  }

  /** Takes a decapsulated packet: joins, starts or (after the pending one) writes it. */
  public boolean write(PacketBuffer buf, int off, int len) {
    byte[] b = buf.array();
    int hdr = eligibleHeaderLen(b, off, len);
    if (hdr < 0) {
      boolean ok = flush();
      return writer.write(buf, off, len, 0, 0) && ok;
    }
    int t = ipHeaderLen(b, off);
    if (segments > 0 && joins(b, off, len, hdr)) {
      int payload = len - hdr;
      System.arraycopy(b, off + hdr, superPacket.array(), PacketBuffer.HEADROOM + this.len, payload);
      this.len += payload;
      segments++;
      coalesced++;
      nextSeq = (nextSeq + payload) & 0xFFFF_FFFFL;
      int flags = b[off + t + 13] & 0xFF;
      if ((flags & PSH) != 0) {
        superPacket.array()[PacketBuffer.HEADROOM + t + 13] |= PSH;
        closed = true;
      }
      if (payload < mss) {
        closed = true;
      }
      return true;
    }
    boolean ok = flush();
    System.arraycopy(b, off, superPacket.array(), PacketBuffer.HEADROOM, len);
    this.len = len;
    segments = 1;
    headerLen = hdr;
    ipLen = t;
    mss = len - hdr;
    nextSeq = (u32(b, off + t + 4) + mss) & 0xFFFF_FFFFL;
    closed = (b[off + t + 13] & PSH) != 0;
    return ok;
  }

  /** Writes the pending super-packet (if any). */
  public boolean flush() {
    if (segments == 0) {
      return true;
    }
    byte[] s = superPacket.array();
    int p = PacketBuffer.HEADROOM;
    boolean ok;
    if (segments == 1) {
      ok = writer.write(superPacket, p, len, 0, 0);
    } else if (ipLen == 40) {
      // IPv6: payload length, no header checksum; the TCP checksum field holds the RFC 8200 §8.1 pseudo-header sum
      put16(s, p + 4, len - 40);
      long pseudo = Offload.sum(s, p + 8, 32, 0) + 6 + (len - 40);
      put16(s, p + 56, Offload.fold(pseudo));
      ok = writer.write(superPacket, p, len, mss, headerLen);
    } else {
      put16(s, p + 2, len);
      put16(s, p + 10, 0);
      put16(s, p + 10, ~Offload.fold(Offload.sum(s, p, 20, 0)) & 0xFFFF);
      // NEEDS_CSUM: the field holds the pseudo-header sum, the kernel adds the rest per segment
      long pseudo = Offload.sum(s, p + 12, 8, 0) + 6 + (len - 20);
      put16(s, p + 36, Offload.fold(pseudo));
      ok = writer.write(superPacket, p, len, mss, headerLen);
    }
    if (!ok) {
      lost += segments;
    }
    segments = 0;
    len = 0;
    return ok;
  }

  /** 40 for an IPv6 packet, else 20 (only called on eligible segments and the pending super-packet). */
  private static int ipHeaderLen(byte[] b, int off) {
    return (b[off] & 0xF0) == 0x60 ? 40 : 20;
  }

  /** The IP + TCP header length of a coalescable segment, or -1. */
  private static int eligibleHeaderLen(byte[] b, int off, int len) {
    if (len >= 60 && (b[off] & 0xF0) == 0x60) {
      // IPv6, TCP right after the fixed header (no extension headers), the payload length telling the truth
      if (b[off + 6] != 6 || u16(b, off + 4) != len - 40) {
        return -1;
      }
      int tcpLen = ((b[off + 52] & 0xFF) >>> 4) * 4;
      int hdr = 40 + tcpLen;
      int flags = b[off + 53] & 0xFF;
      return tcpLen < 20 || hdr >= len || (flags & ~PSH) != ACK ? -1 : hdr;
    }
    if (len < 40 || b[off] != 0x45 || b[off + 9] != 6) {
      return -1;
    }
    int frag = u16(b, off + 6);
    if (frag != 0x4000) {
      return -1; // DF only, no fragments
    }
    int tcpLen = ((b[off + 32] & 0xFF) >>> 4) * 4;
    int hdr = 20 + tcpLen;
    int flags = b[off + 33] & 0xFF;
    if (tcpLen < 20 || hdr >= len || u16(b, off + 2) != len || (flags & ~PSH) != ACK) {
      return -1;
    }
    return hdr;
  }

  private boolean joins(byte[] b, int off, int len, int hdr) {
    byte[] s = superPacket.array();
    int p = PacketBuffer.HEADROOM;
    int payload = len - hdr;
    int t = ipHeaderLen(b, off);
    if (closed || t != ipLen || hdr != headerLen || payload > mss || segments >= MAX_SEGMENTS
        || this.len + payload > MAX_LEN) {
      return false;
    }
    if (u32(b, off + t + 4) != nextSeq) {
      return false;
    }
    if (t == 40) {
      // version, traffic class, flow label; next header, hop limit; addresses (payload length differs)
      if (!same(b, off, s, p, 4) || !same(b, off + 6, s, p + 6, 34)) {
        return false;
      }
    } else if (b[off + 1] != s[p + 1] || b[off + 8] != s[p + 8] || !same(b, off + 12, s, p + 12, 8)) {
      return false; // TOS, TTL, protocol, addresses
    }
    // ports, then ack .. urgent and options, skipping seq (t+4..t+7), flags' PSH and checksum (t+16..t+17)
    return same(b, off + t, s, p + t, 4) && same(b, off + t + 8, s, p + t + 8, 5)
        && ((b[off + t + 13] ^ s[p + t + 13]) & ~PSH) == 0 && same(b, off + t + 14, s, p + t + 14, 2)
        && same(b, off + t + 18, s, p + t + 18, hdr - t - 18);
  }

  private static boolean same(byte[] a, int ao, byte[] b, int bo, int n) {
    for (int i = 0; i < n; i++) {
      if (a[ao + i] != b[bo + i]) {
        return false;
      }
    }
    return true;
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
}
