package io.ipsecmesh.esp.spd;

import io.ipsecmesh.proto.sa.TrafficSelector;
import java.net.InetAddress;
import java.util.List;

/** The negotiated traffic selectors of an IKE Child SA (RFC 7296 §3.13.1): address ranges, protocol, port range. */
public final class RangeSelectors implements SelectorSet {

  private final Range[] local;
  private final Range[] remote;

  public RangeSelectors(List<TrafficSelector> local, List<TrafficSelector> remote) {
    this.local = local.stream().map(Range::new).toArray(Range[]::new);
    this.remote = remote.stream().map(Range::new).toArray(Range[]::new);
  }

  @Override
  public boolean coversOutbound(FlowKey f) {
    return any(local, f.srcHi, f.srcLo, f.protocol, f.srcPort) && any(remote, f.dstHi, f.dstLo, f.protocol, f.dstPort);
  }

  @Override
  public boolean coversInbound(FlowKey f) {
    return any(remote, f.srcHi, f.srcLo, f.protocol, f.srcPort) && any(local, f.dstHi, f.dstLo, f.protocol, f.dstPort);
  }

  /**
   * Whether some packet could be covered by both: a local range of each intersects and a remote range of each
   * intersects. Addresses only (protocols and ports are ignored), so the answer errs towards "yes".
   */
  public boolean overlaps(RangeSelectors other) {
    return intersect(local, other.local) && intersect(remote, other.remote);
  }

  private static boolean intersect(Range[] a, Range[] b) {
    for (Range x : a) {
      for (Range y : b) {
        if (Ip128.le(x.startHi, x.startLo, y.endHi, y.endLo) && Ip128.le(y.startHi, y.startLo, x.endHi, x.endLo)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean any(Range[] ranges, long hi, long lo, int protocol, int port) {
    for (Range r : ranges) {
      if (r.covers(hi, lo, protocol, port)) {
        return true;
      }
    }
    return false;
  }

  private static final class Range {
    final long startHi;
    final long startLo;
    final long endHi;
    final long endLo;
    final int protocol;
    final int startPort;
    final int endPort;

    Range(TrafficSelector ts) {
      InetAddress s = Ip128.literal(ts.startAddress());
      InetAddress e = Ip128.literal(ts.endAddress());
      startHi = Ip128.hi(s);
      startLo = Ip128.lo(s);
      endHi = Ip128.hi(e);
      endLo = Ip128.lo(e);
      protocol = ts.protocol();
      startPort = ts.startPort();
      endPort = ts.endPort();
    }

    boolean covers(long hi, long lo, int proto, int port) {
      if (protocol != 0 && protocol != proto) {
        return false;
      }
      if (!(startPort == 0 && endPort == 65535) && (port < startPort || port > endPort)) {
        return false;
      }
      return Ip128.le(startHi, startLo, hi, lo) && Ip128.le(hi, lo, endHi, endLo);
    }
  }
}
