package io.ipsecmesh.config.show;

import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.sa.IkeSaSummary;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.TrafficSelector;
import java.util.Arrays;
import java.util.Collection;
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
   * An SA as this listing prints it: its record, the peer it is listed under and its lines, or no lines when the
   * listing leaves it out (a deleted IKE SA).
   */
  public interface Printed<T> {
    T value();

    String peer();

    String line();
  }

  /** How this listing prints a row of one SA table: made once per row, when the row is decoded. */
  public interface Listing<T> {
    String peer(T sa);

    /** Null for a row the listing leaves out. */
    String line(T sa);
  }

  public static final Listing<IkeSaSummary> IKE_SAS = new Listing<>() {
    @Override
    public String peer(IkeSaSummary sa) {
      return sa.dst();
    }

    @Override
    public String line(IkeSaSummary sa) {
      return "DELETED".equalsIgnoreCase(sa.status()) ? null : ikeSaLine(sa);
    }
  };

  public static final Listing<ChildSa> CHILD_SAS = new Listing<>() {
    @Override
    public String peer(ChildSa sa) {
      return sa.peerAddress();
    }

    @Override
    public String line(ChildSa sa) {
      return flowLines(sa);
    }
  };

  private record Lines<T>(T value, String peer, String line) implements Printed<T> {}

  public static <T> Printed<T> printed(Listing<T> listing, T sa) {
    return new Lines<>(sa, listing.peer(sa), listing.line(sa));
  }

  /**
   * The same listing in parts of whole lines ({@link TextParts}): what the management API sends. At 100 000 sessions
   * this is 18 MB of text, so the rows are sorted by peer in two arrays and walked side by side rather than grouped
   * into a map of peers with lists: a call leaves the arrays and its text behind, not a few hundred thousand objects
   * for the young generation to copy while the call runs (docs/performance.md, "100 000 IKE SAs on one gateway").
   */
  public static List<String> renderParts(GatewayConfig config, List<IkeSaSummary> ikeSas, List<ChildSa> childSas) {
    return renderPrinted(config, ikeSas.stream().map(sa -> printed(IKE_SAS, sa)).toList(),
        childSas.stream().map(sa -> printed(CHILD_SAS, sa)).toList());
  }

  /**
   * The listing from rows whose lines were printed before the command: the gateway's tables print each row when they
   * decode it ({@link SaTables#cryptoSession}), so a command sorts and copies them and reads no record but a session's
   * first. At 100 000 SAs a command that read each row's record (its peer, its status) spent most of its time waiting
   * for memory — 200 000 records scattered over a heap of a gigabyte, on two cores busy with DPD — and took over a
   * second. The tables keep the peer of each row as one shared string per address ({@link String#intern}), so that
   * grouping and sorting compare references, not text, whenever the peers are the same.
   */
  public static List<String> renderPrinted(GatewayConfig config, Collection<? extends Printed<IkeSaSummary>> ikeSas,
      Collection<? extends Printed<ChildSa>> childSas) {
    @SuppressWarnings("unchecked")
    Printed<IkeSaSummary>[] ike = ikeSas.stream().filter(s -> s.line() != null).toArray(Printed[]::new);
    @SuppressWarnings("unchecked")
    Printed<ChildSa>[] child = childSas.toArray(new Printed[0]);
    Arrays.sort(ike, (a, b) -> byAddress(a.peer(), b.peer())); // stable: a peer's SAs keep their order
    Arrays.sort(child, (a, b) -> byAddress(a.peer(), b.peer()));
    TextParts out = new TextParts().append("Crypto session current status\n\n");
    InterfaceOf interfaces = new InterfaceOf(config);
    int i = 0;
    int c = 0;
    while (i < ike.length || c < child.length) {
      String peer = c == child.length || i < ike.length && byAddress(ike[i].peer(), child[c].peer()) <= 0
          ? ike[i].peer() : child[c].peer();
      int ikeEnd = i;
      while (ikeEnd < ike.length && samePeer(ike[ikeEnd].peer(), peer)) {
        ikeEnd++;
      }
      int childEnd = c;
      while (childEnd < child.length && samePeer(child[childEnd].peer(), peer)) {
        childEnd++;
      }
      session(out, interfaces, peer, ike, i, ikeEnd, child, c, childEnd);
      i = ikeEnd;
      c = childEnd;
    }
    return out.parts();
  }

  private static boolean samePeer(String a, String b) {
    return a == b || a != null && a.equals(b);
  }

  /** The block of one peer: its IKE SAs {@code ike[i, ikeEnd)} and Child SAs {@code child[c, childEnd)}. */
  private static void session(TextParts out, InterfaceOf interfaces, String peer, Printed<IkeSaSummary>[] ike, int i,
      int ikeEnd, Printed<ChildSa>[] child, int c, int childEnd) {
    boolean ikeUp = false;
    for (int k = i; k < ikeEnd && !ikeUp; k++) {
      ikeUp = ike[k].value().ready();
    }
    String status = ikeUp ? (c == childEnd ? "UP-IDLE" : "UP-ACTIVE") : i < ikeEnd ? "DOWN-NEGOTIATING" : "UP-NO-IKE";
    int port = i < ikeEnd && ike[i].value().peerPort() > 0 ? ike[i].value().peerPort()
        : c < childEnd && child[c].value().peerPort() > 0 ? child[c].value().peerPort() : 500;
    out.append("Interface: ").append(c == childEnd ? "(none)" : interfaces.of(child[c].value())).append('\n');
    out.append("Session status: ").append(status).append('\n');
    out.append("Peer: ").append(Columns.ip(peer)).append(" port ").append(port).append('\n');
    for (int k = i; k < ikeEnd; k++) {
      out.appendLines(ike[k].line());
    }
    for (int k = c; k < childEnd; k++) {
      out.appendLines(child[k].line());
    }
    out.append('\n');
  }

  /** The IKE SA's line of its session, as its own string (kept with the row). */
  public static String ikeSaLine(IkeSaSummary sa) {
    return new StringBuilder(64).append("  IKEv").append(sa.version() == 0 ? 2 : sa.version()).append(" SA: local ")
        .append(Columns.ip(sa.src())).append('/').append(sa.localPort()).append(" remote ")
        .append(Columns.ip(sa.dst())).append('/')
        .append(sa.peerPort()).append(' ').append(sa.ready() ? "Active" : "Inactive").append('\n').toString();
  }

  /** The Child SA's lines of its session, as one string (kept with the row). */
  public static String flowLines(ChildSa sa) {
    StringBuilder out = new StringBuilder(96).append("  IPSEC FLOW: permit ").append(protocol(sa)).append(' ');
    range(out, sa.localSelectors());
    out.append(' ');
    range(out, sa.remoteSelectors());
    // one Child SA is an inbound/outbound pair: IOS counts both
    return out.append("\n        Active SAs: 2, origin: crypto map\n").toString();
  }

  /**
   * Peers in the order of their address text, as a sorted map of them would list them; a missing address first. Our
   * own comparison rather than {@code Comparator.comparing}: the JDK's shared comparator code calls key extractors the
   * whole JVM passes it, too many kinds for the JIT to inline ours.
   */
  private static int byAddress(String a, String b) {
    if (a == b) {
      return 0;
    }
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

  /** The first selector as the flow line's access-list notation. */
  private static void range(StringBuilder out, List<TrafficSelector> selectors) {
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
