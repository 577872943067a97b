package io.ipsecmesh.esp.spd;

import io.ipsecmesh.proto.config.AccessListEntry;
import io.ipsecmesh.proto.config.AddressMatch;
import io.ipsecmesh.proto.config.Ipv4;
import io.ipsecmesh.proto.config.PortMatch;

/**
 * One extended access-list line compiled for matching packets: IPv4 address + wildcard as value/mask
 * on the IPv4-mapped low half (so an IPv4 ACL never matches IPv6 traffic, as in IOS), protocol 0 =
 * any, port conditions only for TCP/UDP.
 */
public final class AclRule {

  private final boolean permit;
  private final int protocol;
  private final long srcValue;
  private final long srcMask;
  private final long dstValue;
  private final long dstMask;
  private final PortMatch srcPort;
  private final PortMatch dstPort;

  private AclRule(AccessListEntry e) {
    this.permit = e.action() == AccessListEntry.Action.PERMIT;
    this.protocol = e.protocolNumber();
    this.srcMask = mask(e.source());
    this.srcValue = value(e.source()) & srcMask;
    this.dstMask = mask(e.destination());
    this.dstValue = value(e.destination()) & dstMask;
    this.srcPort = e.sourcePort();
    this.dstPort = e.destinationPort();
  }

  /** The rule of an entry, or null for a {@code remark}. */
  public static AclRule compile(AccessListEntry e) {
    return e.action() == AccessListEntry.Action.REMARK ? null : new AclRule(e);
  }

  private static long mask(AddressMatch m) {
    long wildcard = Ipv4.toLong(m.wildcard());
    if (wildcard < 0) {
      throw new IllegalArgumentException("bad wildcard " + m.wildcard());
    }
    return 0xFFFF_FFFF_0000_0000L | (~wildcard & 0xFFFF_FFFFL);
  }

  private static long value(AddressMatch m) {
    long a = Ipv4.toLong(m.address());
    if (a < 0) {
      throw new IllegalArgumentException("bad address " + m.address());
    }
    return Ip128.v4Lo((int) a);
  }

  public boolean permit() {
    return permit;
  }

  public boolean matches(FlowKey f) {
    if (f.srcHi != 0 || f.dstHi != 0) {
      return false;
    }
    if ((f.srcLo & srcMask) != srcValue || (f.dstLo & dstMask) != dstValue) {
      return false;
    }
    if (protocol != 0 && protocol != f.protocol) {
      return false;
    }
    if (srcPort != null && !(isTcpUdp(f.protocol) && srcPort.matches(f.srcPort))) {
      return false;
    }
    return dstPort == null || isTcpUdp(f.protocol) && dstPort.matches(f.dstPort);
  }

  private static boolean isTcpUdp(int p) {
    return p == 6 || p == 17;
  }
}
