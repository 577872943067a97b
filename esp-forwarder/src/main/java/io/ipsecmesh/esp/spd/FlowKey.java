package io.ipsecmesh.esp.spd;

/**
 * The selector fields of one IP packet (RFC 4301 §4.4.1.1): addresses, next-layer protocol and ports
 * (ICMP type/code in the port fields, as RFC 4301 §4.4.1.1 does for ICMP). Mutable and reused per
 * thread: parsing a packet fills it, allocating nothing.
 */
public final class FlowKey {
  public int version;
  public long srcHi;
  public long srcLo;
  public long dstHi;
  public long dstLo;
  public int protocol;
  public int srcPort;
  public int dstPort;
  /** The inner IPv4 header's DF bit (for {@code df-bit copy}); false for IPv6. */
  public boolean dontFragment;

  /** Swaps source and destination, to test an inbound packet against outbound-oriented rules. */
  public void mirror() {
    long h = srcHi;
    long l = srcLo;
    srcHi = dstHi;
    srcLo = dstLo;
    dstHi = h;
    dstLo = l;
    int p = srcPort;
    srcPort = dstPort;
    dstPort = p;
  }

  public String sourceText() {
    return Ip128.format(srcHi, srcLo);
  }

  public String destinationText() {
    return Ip128.format(dstHi, dstLo);
  }
}
