package io.ipsecmesh.esp.frag;

import io.ipsecmesh.esp.io.PacketBuffer;

/**
 * Pre-fragmentation (seed 003, "Pre-Fragmentation for IPsec VPNs"): cuts an inner IPv4 packet that
 * would exceed the egress MTU once encapsulated into the fewest fragments that fit, of equal size:
 * every fragment but the last carries the same multiple of 8 bytes of data (RFC 791 §3.2), the last
 * carries the rest, never more. The caller encrypts each fragment on its own.
 * Equal sizes keep every fragment as far below the MTU as the others, so none needs fragmenting
 * again downstream. A packet that is itself a fragment is cut further (offsets add, MF kept on the
 * last piece). Non-first fragments carry only the options whose copied flag is set. The fragments'
 * DF bit is clear: they are fragments.
 *
 * <p>Each fragment is built in one scratch buffer owned by this object and handed to the sink,
 * which must be done with it when it returns. Allocates nothing; one instance per thread.
 */
public final class InnerFragmenter {

  /** Receives each fragment in turn; the buffer is reused for the next one. */
  @FunctionalInterface
  public interface Sink {
    void fragment(PacketBuffer buf, int off, int len);
  }

  private final PacketBuffer scratch = new PacketBuffer();
  private final byte[] copiedOptions = new byte[40];

  /**
   * @param maxLen the largest fragment (IP header included) that fits once encapsulated
   * @return the number of fragments handed to the sink, or -1 when the packet is not an IPv4
   *     packet that can be cut to {@code maxLen} (nothing was handed over then)
   */
  public int fragment(byte[] a, int off, int len, int maxLen, Sink sink) {
    if (len < 20 || (a[off] & 0xF0) != 0x40) {
      return -1;
    }
    int ihl = (a[off] & 0x0F) * 4;
    int total = u16(a, off + 2);
    if (ihl < 20 || total < ihl || total > len) {
      return -1;
    }
    int flags = u16(a, off + 6);
    int baseOffset = (flags & 0x1FFF) * 8;
    boolean lastPieceMf = (flags & 0x2000) != 0;
    int laterIhl = 20 + copiedOptions(a, off, ihl);
    int data = total - ihl;
    int cap = (maxLen - Math.max(ihl, laterIhl)) & ~7;
    if (cap < 8 || data <= 8) {
      return -1;
    }
    int count = (data + cap - 1) / cap;
    // the common size: the smallest multiple of 8 that carries the data in `count` pieces
    int chunk = ((data + count - 1) / count + 7) & ~7;
    byte[] s = scratch.array();
    int at = PacketBuffer.HEADROOM;
    int done = 0;
    for (int i = 0; i < count; i++) {
      int piece = i == count - 1 ? data - done : chunk;
      int h;
      if (i == 0) {
        System.arraycopy(a, off, s, at, ihl);
        h = ihl;
      } else {
        System.arraycopy(a, off, s, at, 20);
        System.arraycopy(copiedOptions, 0, s, at + 20, laterIhl - 20);
        h = laterIhl;
        s[at] = (byte) (0x40 | h / 4);
      }
      System.arraycopy(a, off + ihl + done, s, at + h, piece);
      int fragLen = h + piece;
      boolean mf = i < count - 1 || lastPieceMf;
      int fo = (baseOffset + done) / 8;
      put16(s, at + 2, fragLen);
      put16(s, at + 6, (mf ? 0x2000 : 0) | fo);
      put16(s, at + 10, 0);
      put16(s, at + 10, Checksum.ones(s, at, h));
      sink.fragment(scratch, at, fragLen);
      done += piece;
    }
    return count;
  }

  /** Copies the options with the copied flag (RFC 791 §3.1) into {@link #copiedOptions}, padded to 4 bytes. */
  private int copiedOptions(byte[] a, int off, int ihl) {
    int n = 0;
    int p = off + 20;
    int end = off + ihl;
    while (p < end) {
      int type = a[p] & 0xFF;
      if (type == 0) {
        break; // end of option list
      }
      if (type == 1) {
        p++; // no-operation, not copied
        continue;
      }
      if (p + 1 >= end) {
        break;
      }
      int optLen = a[p + 1] & 0xFF;
      if (optLen < 2 || p + optLen > end) {
        break;
      }
      if ((type & 0x80) != 0) {
        System.arraycopy(a, p, copiedOptions, n, optLen);
        n += optLen;
      }
      p += optLen;
    }
    while ((n & 3) != 0) {
      copiedOptions[n++] = 0;
    }
    return n;
  }

  static int u16(byte[] b, int off) {
    return (b[off] & 0xFF) << 8 | b[off + 1] & 0xFF;
  }

  static void put16(byte[] b, int off, int v) {
    b[off] = (byte) (v >>> 8);
    b[off + 1] = (byte) v;
  }
}
