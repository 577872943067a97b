package io.ipsecmesh.config.show;

import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.sa.IkeSaSummary;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.TrafficSelector;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * {@code show crypto session}: one block per peer with the IOS session status, its IKE SAs and its
 * IPsec flows. Status as IOS names it: UP-ACTIVE (IKE SA and Child SAs), UP-IDLE (IKE SA only),
 * UP-NO-IKE (Child SAs without IKE SA, e.g. manual keying), DOWN-NEGOTIATING (IKE SA not ready yet).
 */
public final class ShowCryptoSession {

  private ShowCryptoSession() {}

  public static String render(GatewayConfig config, List<IkeSaSummary> ikeSas, List<ChildSa> childSas) {
    return String.join("", renderParts(config, ikeSas, childSas));
  }

  /**
   * The same listing in parts of whole lines ({@link TextParts}): what the management API sends. At 100 000 sessions
   * this is 18 MB of text, so the rows are sorted by peer in two arrays and walked side by side rather than grouped
   * into a map of peers with lists: a call leaves the arrays and its text behind, not a few hundred thousand objects
   * for the young generation to copy while the call runs (docs/performance.md, "100 000 IKE SAs on one gateway").
   */
  public static List<String> renderParts(GatewayConfig config, List<IkeSaSummary> ikeSas, List<ChildSa> childSas) {
    IkeSaSummary[] ike = ikeSas.stream().filter(s -> !"DELETED".equalsIgnoreCase(s.status()))
        .toArray(IkeSaSummary[]::new);
    ChildSa[] child = childSas.toArray(new ChildSa[0]);
    Arrays.sort(ike, (a, b) -> byAddress(a.dst(), b.dst())); // stable: a peer's SAs keep their order
    Arrays.sort(child, (a, b) -> byAddress(a.peerAddress(), b.peerAddress()));
    TextParts out = new TextParts().append("Crypto session current status\n\n");
    InterfaceOf interfaces = new InterfaceOf(config);
    int i = 0;
    int c = 0;
    while (i < ike.length || c < child.length) {
      String peer = c == child.length || i < ike.length && byAddress(ike[i].dst(), child[c].peerAddress()) <= 0
          ? ike[i].dst() : child[c].peerAddress();
      int ikeEnd = i;
      while (ikeEnd < ike.length && Objects.equals(ike[ikeEnd].dst(), peer)) {
        ikeEnd++;
      }
      int childEnd = c;
      while (childEnd < child.length && Objects.equals(child[childEnd].peerAddress(), peer)) {
        childEnd++;
      }
      session(out, interfaces, peer, ike, i, ikeEnd, child, c, childEnd);
      i = ikeEnd;
      c = childEnd;
    }
    return out.parts();
  }

  /** The block of one peer: its IKE SAs {@code ike[i, ikeEnd)} and Child SAs {@code child[c, childEnd)}. */
  private static void session(TextParts out, InterfaceOf interfaces, String peer, IkeSaSummary[] ike, int i,
      int ikeEnd, ChildSa[] child, int c, int childEnd) {
    boolean ikeUp = false;
    for (int k = i; k < ikeEnd && !ikeUp; k++) {
      ikeUp = ready(ike[k]);
    }
    String status = ikeUp ? (c == childEnd ? "UP-IDLE" : "UP-ACTIVE") : i < ikeEnd ? "DOWN-NEGOTIATING" : "UP-NO-IKE";
    int port = i < ikeEnd && ike[i].peerPort() > 0 ? ike[i].peerPort()
        : c < childEnd && child[c].peerPort() > 0 ? child[c].peerPort() : 500;
    out.append("Interface: ").append(c == childEnd ? "(none)" : interfaces.of(child[c])).append('\n');
    out.append("Session status: ").append(status).append('\n');
    out.append("Peer: ").append(Columns.ip(peer)).append(" port ").append(port).append('\n');
    for (int k = i; k < ikeEnd; k++) {
      ikeSaLine(out, ike[k]);
    }
    for (int k = c; k < childEnd; k++) {
      flowLines(out, child[k]);
    }
    out.append('\n');
  }

  // One method per row, not a loop body: the JIT compiles a method after some thousand calls, but a loop inside one
  // long call only after tens of thousands of iterations (OSR), so with all 100 000 SAs under the load-tester's one
  // peer the first listing ran its per-row code interpreted although the 10 000-row warm-up had run it.

  private static void ikeSaLine(TextParts out, IkeSaSummary sa) {
    out.append("  IKEv").append(sa.version() == 0 ? 2 : sa.version()).append(" SA: local ")
        .append(Columns.ip(sa.src())).append('/').append(sa.localPort()).append(" remote ")
        .append(Columns.ip(sa.dst())).append('/')
        .append(sa.peerPort()).append(' ').append(ready(sa) ? "Active" : "Inactive").append('\n');
  }

  private static void flowLines(TextParts out, ChildSa sa) {
    out.append("  IPSEC FLOW: permit ").append(protocol(sa)).append(' ');
    range(out, sa.localSelectors());
    out.append(' ');
    range(out, sa.remoteSelectors());
    out.append('\n');
    // one Child SA is an inbound/outbound pair: IOS counts both
    out.append("        Active SAs: 2, origin: crypto map\n");
  }

  /**
   * Peers in the order of their address text, as a sorted map of them would list them; a missing address first. Our
   * own comparison rather than {@code Comparator.comparing}: the JDK's shared comparator code calls key extractors the
   * whole JVM passes it, too many kinds for the JIT to inline ours.
   */
  private static int byAddress(String a, String b) {
    if (a == null || b == null) {
      return a == null ? (b == null ? 0 : -1) : 1;
    }
    return a.compareTo(b);
  }

  /**
   * The interface a session is shown under, from its first Child SA; the last answer is kept, since neighbouring
   * sessions mostly come from one crypto map (finding it walks the configuration's interfaces).
   */
  private static final class InterfaceOf {
    private final GatewayConfig config;
    private ChildSa last;
    private String lastName;

    InterfaceOf(GatewayConfig config) {
      this.config = config;
    }

    String of(ChildSa sa) {
      if (last == null || !Objects.equals(last.cryptoMap(), sa.cryptoMap())
          || last.mapSequence() != sa.mapSequence() || !Objects.equals(last.localAddress(), sa.localAddress())) {
        last = sa;
        lastName = ShowCryptoIpsecSa.interfaceOf(config, sa);
      }
      return lastName;
    }
  }

  private static boolean ready(IkeSaSummary ike) {
    return "READY".equalsIgnoreCase(ike.state()) || "QM_IDLE".equalsIgnoreCase(ike.state());
  }

  private static String protocol(ChildSa sa) {
    List<TrafficSelector> l = sa.localSelectors();
    int proto = l == null || l.isEmpty() ? 0 : l.getFirst().protocol();
    boolean ipv6 = l != null && !l.isEmpty() && Columns.ipv6(l.getFirst().startAddress());
    return switch (proto) {
      case 0 -> ipv6 ? "ipv6" : "ip"; // as the ipv6 access-list line that selected it
      case 58 -> "icmp";
      case 1 -> "icmp";
      case 6 -> "tcp";
      case 17 -> "udp";
      default -> Integer.toString(proto);
    };
  }

  /** The first selector as the flow line's access-list notation, written into {@code out} (one per SA: no strings). */
  private static void range(TextParts out, List<TrafficSelector> selectors) {
    if (selectors == null || selectors.isEmpty()) {
      out.append("any");
      return;
    }
    TrafficSelector ts = selectors.getFirst();
    // IOS prints a single address as "host A" in IPSEC FLOW, like an access list
    if (ts.startAddress().equals(ts.endAddress())) {
      out.append("host ").append(Columns.ip(ts.startAddress()));
      return;
    }
    long mask = Ident.ipv4Netmask(ts.startAddress(), ts.endAddress());
    if (mask < 0) {
      out.append(Columns.ip(Ident.address(ts)));
      return;
    }
    out.append(ts.startAddress()).append('/').append((int) (mask >>> 24)).append('.')
        .append((int) (mask >>> 16 & 255)).append('.').append((int) (mask >>> 8 & 255)).append('.')
        .append((int) (mask & 255));
  }
}
