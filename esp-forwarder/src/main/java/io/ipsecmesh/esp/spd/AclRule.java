package io.ipsecmesh.esp.spd;

import io.ipsecmesh.proto.config.AccessListEntry;
import io.ipsecmesh.proto.config.AddressMatch;
import io.ipsecmesh.proto.config.Ipv4;
import io.ipsecmesh.proto.config.PortMatch;

/**
 * One extended access-list line compiled for matching packets. IPv4 ({@code access-list}): address +
 * wildcard as value/mask on the IPv4-mapped low half; IPv6 ({@code ipv6 access-list}): the prefix as
 * value/mask on both halves. A rule matches only packets of its own family (an IPv4 ACL never matches IPv6
 * traffic and an IPv6 {@code any} never IPv4, as in IOS); protocol 0 = any; port conditions only for
 * TCP, UDP and SCTP.
 */
public final class AclRule {

  private final boolean permit;
  private final int version;
  private final int protocol;
  private final long srcValueHi;
  private final long srcValueLo;
  private final long srcMaskHi;
  private final long srcMaskLo;
  private final long dstValueHi;
  private final long dstValueLo;
  private final long dstMaskHi;
  private final long dstMaskLo;
  private final PortMatch srcPort;
  private final PortMatch dstPort;

  private AclRule(AccessListEntry e, boolean ipv6) {
    this.permit = e.action() == AccessListEntry.Action.PERMIT;
    this.version = ipv6 ? 6 : 4;
    this.protocol = e.protocolNumber(ipv6);
    long[] s = ipv6 ? prefix6(e.source()) : wildcard4(e.source());
    long[] d = ipv6 ? prefix6(e.destination()) : wildcard4(e.destination());
    this.srcMaskHi = s[2];
    this.srcMaskLo = s[3];
    this.srcValueHi = s[0] & s[2];
    this.srcValueLo = s[1] & s[3];
    this.dstMaskHi = d[2];
    this.dstMaskLo = d[3];
    this.dstValueHi = d[0] & d[2];
    this.dstValueLo = d[1] & d[3];
    this.srcPort = e.sourcePort();
    this.dstPort = e.destinationPort();
  }

  /** The rule of an entry, or null for a {@code remark}; the family is the line's addresses'. */
  public static AclRule compile(AccessListEntry e) {
    if (e.action() == AccessListEntry.Action.REMARK) {
      return null;
    }
    boolean ipv6 = e.source().ipv6() || e.destination().ipv6();
    if (ipv6 != (e.source().ipv6() && e.destination().ipv6())) {
      throw new IllegalArgumentException("an access-list line mixes IPv4 and IPv6 addresses: " + e);
    }
    return new AclRule(e, ipv6);
  }

  /** {value hi, value lo, mask hi, mask lo} of an IPv4 address + wildcard on the IPv4-mapped address. */
  private static long[] wildcard4(AddressMatch m) {
    long wildcard = Ipv4.toLong(m.wildcard());
    if (wildcard < 0) {
      throw new IllegalArgumentException("bad wildcard " + m.wildcard());
    }
    long a = Ipv4.toLong(m.address());
    if (a < 0) {
      throw new IllegalArgumentException("bad address " + m.address());
    }
    return new long[] {0, Ip128.v4Lo((int) a), -1L, 0xFFFF_FFFF_0000_0000L | (~wildcard & 0xFFFF_FFFFL)};
  }

  /** {value hi, value lo, mask hi, mask lo} of an IPv6 prefix. */
  private static long[] prefix6(AddressMatch m) {
    byte[] b = m.ipv6Bytes();
    int len = m.prefixLength();
    if (b == null || len < 0) {
      throw new IllegalArgumentException("bad IPv6 prefix " + m.address() + m.wildcard());
    }
    return new long[] {Ip128.readLong(b, 0), Ip128.readLong(b, 8), Ip128.maskHi(len), Ip128.maskLo(len)};
  }

  public boolean permit() {
    return permit;
  }

  /** 4 or 6: the family of packets this line can match. */
  public int version() {
    return version;
  }

  public boolean matches(FlowKey f) {
    if (f.version != version) {
      return false;
    }
    if ((f.srcHi & srcMaskHi) != srcValueHi || (f.srcLo & srcMaskLo) != srcValueLo
        || (f.dstHi & dstMaskHi) != dstValueHi || (f.dstLo & dstMaskLo) != dstValueLo) {
      return false;
    }
    if (protocol != 0 && protocol != f.protocol) {
      return false;
    }
    if (srcPort != null && !(hasPorts(f.protocol) && srcPort.matches(f.srcPort))) {
      return false;
    }
    return dstPort == null || hasPorts(f.protocol) && dstPort.matches(f.dstPort);
  }

  private static boolean hasPorts(int p) {
    return p == 6 || p == 17 || p == 132;
  }
}
