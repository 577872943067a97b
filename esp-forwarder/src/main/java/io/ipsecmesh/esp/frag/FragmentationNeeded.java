package io.ipsecmesh.esp.frag;

/**
 * The ICMP "destination unreachable, fragmentation needed and DF set" message (RFC 792 type 3 code
 * 4, next-hop MTU field of RFC 1191 §4) that tells the inner source of a dropped DF packet the
 * largest packet the tunnel carries. A pure codec: writes into the caller's array.
 */
public final class FragmentationNeeded {

  /** ICMP header + the longest IPv4 header + the 8 bytes of data RFC 792 quotes. */
  public static final int MAX_LENGTH = 8 + 60 + 8;

  private FragmentationNeeded() {}

  /**
   * Writes the ICMP message (no IP header: the kernel adds one) about the IPv4 packet at
   * {@code off} into {@code out} at 0.
   *
   * @return its length, or -1 when the packet is not IPv4
   */
  public static int write(byte[] out, byte[] pkt, int off, int len, int nextHopMtu) {
    if (len < 20 || (pkt[off] & 0xF0) != 0x40) {
      return -1;
    }
    int ihl = (pkt[off] & 0x0F) * 4;
    int quoted = Math.min(len, Math.min(InnerFragmenter.u16(pkt, off + 2), ihl + 8));
    if (ihl < 20 || quoted < ihl) {
      return -1;
    }
    out[0] = 3;
    out[1] = 4;
    out[2] = 0;
    out[3] = 0;
    out[4] = 0;
    out[5] = 0;
    InnerFragmenter.put16(out, 6, nextHopMtu);
    System.arraycopy(pkt, off, out, 8, quoted);
    int n = 8 + quoted;
    InnerFragmenter.put16(out, 2, Checksum.ones(out, 0, n));
    return n;
  }
}
