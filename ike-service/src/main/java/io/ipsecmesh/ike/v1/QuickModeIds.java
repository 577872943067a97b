package io.ipsecmesh.ike.v1;

import static io.ipsecmesh.proto.ikev1.IsakmpConstants.*;

import io.ipsecmesh.proto.config.Ipv4;
import io.ipsecmesh.proto.ikev1.IsakmpCodec;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.Identification;
import io.ipsecmesh.proto.sa.TrafficSelector;

/**
 * Quick Mode client identities (RFC 2409 §5.5, RFC 2407 §4.6.2) ↔ traffic selectors: a host is
 * ID_IPV4_ADDR, a prefix ID_IPV4_ADDR_SUBNET, any other range ID_IPV4_ADDR_RANGE; one port or any port.
 */
public final class QuickModeIds {

  private QuickModeIds() {}

  public static Identification toId(TrafficSelector ts) {
    long start = Ipv4.toLong(ts.startAddress());
    long end = Ipv4.toLong(ts.endAddress());
    int port = ts.startPort() == ts.endPort() ? ts.startPort() : 0;
    if (start == end) {
      return new Identification(ID_IPV4_ADDR, ts.protocol(), port, IsakmpCodec.uint32(start));
    }
    long size = end - start + 1;
    if ((size & (size - 1)) == 0 && (start & (size - 1)) == 0) {
      byte[] d = new byte[8];
      IsakmpCodec.putUint32(d, 0, start);
      IsakmpCodec.putUint32(d, 4, ~(size - 1) & 0xffffffffL);
      return new Identification(ID_IPV4_ADDR_SUBNET, ts.protocol(), port, d);
    }
    byte[] d = new byte[8];
    IsakmpCodec.putUint32(d, 0, start);
    IsakmpCodec.putUint32(d, 4, end);
    return new Identification(ID_IPV4_ADDR_RANGE, ts.protocol(), port, d);
  }

  /** Null for an ID type or length that is not an IPv4 selector. */
  public static TrafficSelector fromId(Identification id) {
    byte[] d = id.data();
    long start;
    long end;
    switch (id.idType()) {
      case ID_IPV4_ADDR -> {
        if (d.length != 4) {
          return null;
        }
        start = IsakmpCodec.getUint32(d, 0);
        end = start;
      }
      case ID_IPV4_ADDR_SUBNET -> {
        if (d.length != 8) {
          return null;
        }
        long mask = IsakmpCodec.getUint32(d, 4);
        start = IsakmpCodec.getUint32(d, 0) & mask;
        end = start | (~mask & 0xffffffffL);
      }
      case ID_IPV4_ADDR_RANGE -> {
        if (d.length != 8) {
          return null;
        }
        start = IsakmpCodec.getUint32(d, 0);
        end = IsakmpCodec.getUint32(d, 4);
        if (end < start) {
          return null;
        }
      }
      default -> {
        return null;
      }
    }
    int lo = id.port() == 0 ? 0 : id.port();
    int hi = id.port() == 0 ? 65535 : id.port();
    return new TrafficSelector(Ipv4.toText(start), Ipv4.toText(end), id.protocolId(), lo, hi);
  }
}
