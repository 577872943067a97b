package io.ipsecmesh.ike.v1;

import static io.ipsecmesh.proto.ikev1.IsakmpConstants.*;

import io.ipsecmesh.proto.config.Ipv4;
import io.ipsecmesh.proto.config.Ipv6;
import io.ipsecmesh.proto.ikev1.IsakmpCodec;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.Identification;
import io.ipsecmesh.proto.sa.TrafficSelector;
import java.math.BigInteger;

/**
 * Quick Mode client identities (RFC 2409 §5.5, RFC 2407 §4.6.2) ↔ traffic selectors: a host is
 * ID_IPV4_ADDR, a prefix ID_IPV4_ADDR_SUBNET, any other range ID_IPV4_ADDR_RANGE; IPv6 selectors the same with
 * ID_IPV6_ADDR, ID_IPV6_ADDR_SUBNET and ID_IPV6_ADDR_RANGE (16-octet addresses and masks, §4.6.2.1); one port or
 * any port.
 */
public final class QuickModeIds {

  private static final BigInteger ONE = BigInteger.ONE;

  private QuickModeIds() {}

  public static Identification toId(TrafficSelector ts) {
    int port = ts.startPort() == ts.endPort() ? ts.startPort() : 0;
    if (Ipv6.looksLike(ts.startAddress())) {
      return toId6(ts, port);
    }
    long start = Ipv4.toLong(ts.startAddress());
    long end = Ipv4.toLong(ts.endAddress());
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

  private static Identification toId6(TrafficSelector ts, int port) {
    byte[] s = Ipv6.parse(ts.startAddress());
    byte[] e = Ipv6.parse(ts.endAddress());
    if (java.util.Arrays.equals(s, e)) {
      return new Identification(ID_IPV6_ADDR, ts.protocol(), port, s);
    }
    BigInteger start = new BigInteger(1, s);
    BigInteger size = new BigInteger(1, e).subtract(start).add(ONE);
    int bits = size.bitLength() - 1;
    if (size.bitCount() == 1 && start.mod(size).signum() == 0) {
      // a prefix of length 128 - bits: its mask is the first 128 - bits ones
      byte[] d = new byte[32];
      System.arraycopy(s, 0, d, 0, 16);
      System.arraycopy(Ipv6.last(new byte[16], 128 - bits), 0, d, 16, 16);
      for (int i = 16; i < 32; i++) {
        d[i] = (byte) ~d[i];
      }
      return new Identification(ID_IPV6_ADDR_SUBNET, ts.protocol(), port, d);
    }
    byte[] d = new byte[32];
    System.arraycopy(s, 0, d, 0, 16);
    System.arraycopy(e, 0, d, 16, 16);
    return new Identification(ID_IPV6_ADDR_RANGE, ts.protocol(), port, d);
  }

  /** Null for an ID type or length that is not an address selector. */
  public static TrafficSelector fromId(Identification id) {
    byte[] d = id.data();
    int lo = id.port() == 0 ? 0 : id.port();
    int hi = id.port() == 0 ? 65535 : id.port();
    switch (id.idType()) {
      case ID_IPV6_ADDR, ID_IPV6_ADDR_SUBNET, ID_IPV6_ADDR_RANGE -> {
        byte[][] range = range6(id.idType(), d);
        return range == null ? null : new TrafficSelector(Ipv6.text(range[0]), Ipv6.text(range[1]), id.protocolId(),
            lo, hi);
      }
      default -> { }
    }
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
    return new TrafficSelector(Ipv4.toText(start), Ipv4.toText(end), id.protocolId(), lo, hi);
  }

  /** First and last address of an IPv6 ID, or null when its length is wrong or the range runs backwards. */
  private static byte[][] range6(int type, byte[] d) {
    if (type == ID_IPV6_ADDR) {
      return d.length == 16 ? new byte[][] {d.clone(), d.clone()} : null;
    }
    if (d.length != 32) {
      return null;
    }
    byte[] a = java.util.Arrays.copyOfRange(d, 0, 16);
    byte[] b = java.util.Arrays.copyOfRange(d, 16, 32);
    if (type == ID_IPV6_ADDR_RANGE) {
      return new BigInteger(1, b).compareTo(new BigInteger(1, a)) < 0 ? null : new byte[][] {a, b};
    }
    // subnet: address and mask (a mask with holes selects what its ones select, as for IPv4)
    byte[] first = new byte[16];
    byte[] last = new byte[16];
    for (int i = 0; i < 16; i++) {
      first[i] = (byte) (a[i] & b[i]);
      last[i] = (byte) (first[i] | ~b[i]);
    }
    return new byte[][] {first, last};
  }

  /** An address of either family as an unsigned number (IPv4 32 bits, IPv6 128 bits), or null for other text. */
  static BigInteger number(String address) {
    long v4 = Ipv4.toLong(address);
    if (v4 >= 0) {
      return BigInteger.valueOf(v4);
    }
    byte[] v6 = Ipv6.parse(address);
    return v6 == null ? null : new BigInteger(1, v6);
  }
}
