package io.ipsecmesh.ike.exchange;

import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.ikev2.Payload.Selector;
import io.ipsecmesh.proto.sa.TrafficSelector;
import java.math.BigInteger;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/** Traffic selectors (RFC 7296 §2.9, §3.13.1): conversion and narrowing by intersection. */
public final class Selectors {

  private Selectors() {}

  public static Selector toWire(TrafficSelector ts) {
    byte[] s = Identities.literal(ts.startAddress());
    byte[] e = Identities.literal(ts.endAddress());
    return new Selector(s.length == 4 ? IkeConstants.TS_IPV4_ADDR_RANGE : IkeConstants.TS_IPV6_ADDR_RANGE,
        ts.protocol(), ts.startPort(), ts.endPort(), s, e);
  }

  public static List<Selector> toWire(List<TrafficSelector> list) {
    return list.stream().map(Selectors::toWire).toList();
  }

  public static TrafficSelector fromWire(Selector s) {
    return new TrafficSelector(text(s.startAddress()), text(s.endAddress()), s.ipProtocol(), s.startPort(),
        s.endPort());
  }

  public static List<TrafficSelector> fromWire(List<Selector> list) {
    return list.stream().map(Selectors::fromWire).toList();
  }

  /**
   * Narrowing (§2.9): every non-empty intersection of a proposed selector with an allowed one, in the
   * proposer's order. Empty result = TS_UNACCEPTABLE.
   */
  public static List<Selector> narrow(List<Selector> proposed, List<TrafficSelector> allowed) {
    List<Selector> out = new ArrayList<>();
    for (Selector p : proposed) {
      for (TrafficSelector a : allowed) {
        Selector w = toWire(a);
        if (w.tsType() != p.tsType()) {
          continue;
        }
        int proto;
        if (p.ipProtocol() == 0) {
          proto = w.ipProtocol();
        } else if (w.ipProtocol() == 0 || w.ipProtocol() == p.ipProtocol()) {
          proto = p.ipProtocol();
        } else {
          continue;
        }
        BigInteger start = max(num(p.startAddress()), num(w.startAddress()));
        BigInteger end = min(num(p.endAddress()), num(w.endAddress()));
        int sp = Math.max(p.startPort(), w.startPort());
        int ep = Math.min(p.endPort(), w.endPort());
        if (start.compareTo(end) > 0 || sp > ep) {
          continue;
        }
        int len = p.startAddress().length;
        Selector n = new Selector(p.tsType(), proto, sp, ep, bytes(start, len), bytes(end, len));
        if (out.stream().noneMatch(x -> same(x, n))) {
          out.add(n);
        }
      }
    }
    return out;
  }

  /** Whether every selector of {@code narrowed} lies within one of {@code offered} (initiator's check). */
  public static boolean within(List<Selector> narrowed, List<Selector> offered) {
    for (Selector n : narrowed) {
      boolean ok = false;
      for (Selector o : offered) {
        ok |= n.tsType() == o.tsType() && (o.ipProtocol() == 0 || o.ipProtocol() == n.ipProtocol())
            && num(n.startAddress()).compareTo(num(o.startAddress())) >= 0
            && num(n.endAddress()).compareTo(num(o.endAddress())) <= 0
            && n.startPort() >= o.startPort() && n.endPort() <= o.endPort();
      }
      if (!ok) {
        return false;
      }
    }
    return !narrowed.isEmpty();
  }

  private static boolean same(Selector a, Selector b) {
    return a.tsType() == b.tsType() && a.ipProtocol() == b.ipProtocol() && a.startPort() == b.startPort()
        && a.endPort() == b.endPort() && java.util.Arrays.equals(a.startAddress(), b.startAddress())
        && java.util.Arrays.equals(a.endAddress(), b.endAddress());
  }

  private static BigInteger num(byte[] a) {
    return new BigInteger(1, a);
  }

  private static BigInteger max(BigInteger a, BigInteger b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private static BigInteger min(BigInteger a, BigInteger b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static byte[] bytes(BigInteger v, int len) {
    byte[] b = v.toByteArray();
    byte[] out = new byte[len];
    int copy = Math.min(b.length, len);
    System.arraycopy(b, b.length - copy, out, len - copy, copy);
    return out;
  }

  static String text(byte[] address) {
    if (address.length == 16) {
      return io.ipsecmesh.proto.config.Ipv6.text(address); // RFC 5952 text, as the configuration holds IPv6
    }
    try {
      return InetAddress.getByAddress(address).getHostAddress();
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException("bad address length " + address.length, e);
    }
  }
}
