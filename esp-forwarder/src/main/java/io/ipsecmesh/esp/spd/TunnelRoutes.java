package io.ipsecmesh.esp.spd;

import io.ipsecmesh.proto.config.AddressMatch;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.InterfaceConfig;
import io.ipsecmesh.proto.config.Ipv4;
import io.ipsecmesh.proto.config.Ipv6;
import io.ipsecmesh.proto.config.StaticRoute;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * The route-based half of the SPD: which tunnel interface an inner IPv4 packet is routed into, by longest-prefix
 * match over the configuration's static routes ({@code ip route PREFIX MASK TunnelN}) and the connected subnets of
 * the tunnel interfaces ({@code ip address} on {@code TunnelN}), as the router's routing table decides the egress
 * interface before any IPsec applies (the Cisco IPsec Virtual Tunnel Interface document: "traffic is encrypted
 * or decrypted when it is forwarded from or to the tunnel interface and is forwarded to the IP routing table").
 * Routes to anything else (a next hop, a physical interface) take part in the match too: when one of them is the
 * longest match the packet is not the tunnel's, and the crypto-map SPD decides.
 *
 * <p>One open-addressing table per prefix length, probed from /32 down to /0 over the lengths that exist:
 * allocation-free and O(distinct lengths) per packet. Immutable; built with the SPD on a configuration change.
 * IPv6 routes ({@code ipv6 route PREFIX/LEN TunnelN}, the {@code ipv6 address} of a {@code tunnel mode ipsec ipv6}
 * tunnel) are a second, small table on the 128-bit address, searched longest prefix first; also allocation-free.
 */
public final class TunnelRoutes {

  /** The winner of a match that is no tunnel's: the crypto-map SPD decides. */
  private static final SpdEntry NOT_A_TUNNEL = new SpdEntry("(route)", -1, -1, new AclRule[0], false);
  private static final TunnelRoutes EMPTY = new TunnelRoutes(new int[0], new long[33][], new SpdEntry[33][],
      Routes6.NONE);

  /** Prefix lengths present, longest first. */
  private final int[] lengths;
  /** Per prefix length: network address | USED, 0 = empty slot. */
  private final long[][] keys;
  private final SpdEntry[][] targets;

  private static final long USED = 1L << 32;

  /** The IPv6 routes, longest prefix first. */
  private final Routes6 routes6;

  private TunnelRoutes(int[] lengths, long[][] keys, SpdEntry[][] targets, Routes6 routes6) {
    this.lengths = lengths;
    this.keys = keys;
    this.targets = targets;
    this.routes6 = routes6;
  }

  /**
   * IPv6 routes as parallel arrays (network, mask, target), longest prefix first, one per prefix (the lowest
   * distance, then the first configured): the first match is the longest.
   */
  private record Routes6(long[] hi, long[] lo, long[] maskHi, long[] maskLo, SpdEntry[] target) {
    static final Routes6 NONE = new Routes6(new long[0], new long[0], new long[0], new long[0], new SpdEntry[0]);

    static Routes6 of(List<Route6> routes) {
      List<Route6> best = new ArrayList<>();
      for (Route6 r : routes.stream().sorted(java.util.Comparator.comparingInt(Route6::length).reversed()).toList()) {
        Route6 same = best.stream().filter(b -> b.same(r)).findFirst().orElse(null);
        if (same == null) {
          best.add(r);
        } else if (r.distance() < same.distance()) {
          best.set(best.indexOf(same), r);
        }
      }
      int n = best.size();
      Routes6 t = new Routes6(new long[n], new long[n], new long[n], new long[n], new SpdEntry[n]);
      for (int i = 0; i < n; i++) {
        Route6 r = best.get(i);
        t.maskHi[i] = Ip128.maskHi(r.length());
        t.maskLo[i] = Ip128.maskLo(r.length());
        t.hi[i] = r.hi() & t.maskHi[i];
        t.lo[i] = r.lo() & t.maskLo[i];
        t.target[i] = r.target();
      }
      return t;
    }

    SpdEntry lookup(long dstHi, long dstLo) {
      for (int i = 0; i < hi.length; i++) {
        if ((dstHi & maskHi[i]) == hi[i] && (dstLo & maskLo[i]) == lo[i]) {
          return target[i] == NOT_A_TUNNEL ? null : target[i];
        }
      }
      return null;
    }
  }

  /** An IPv6 route as the builder sees it. */
  private record Route6(long hi, long lo, int length, int distance, SpdEntry target) {
    boolean same(Route6 o) {
      return length == o.length && (hi & Ip128.maskHi(length)) == (o.hi & Ip128.maskHi(length))
          && (lo & Ip128.maskLo(length)) == (o.lo & Ip128.maskLo(length));
    }

    boolean covers(long h, long l) {
      return (h & Ip128.maskHi(length)) == (hi & Ip128.maskHi(length))
          && (l & Ip128.maskLo(length)) == (lo & Ip128.maskLo(length));
    }

    String cidr() {
      return Ip128.format(hi & Ip128.maskHi(length), lo & Ip128.maskLo(length)) + "/" + length;
    }
  }

  public static TunnelRoutes empty() {
    return EMPTY;
  }

  /** One route as the builder sees it: a prefix and where it goes (a tunnel's SPD entry, or {@link #NOT_A_TUNNEL}). */
  private record Route(long network, int length, int distance, SpdEntry target, String nextHop) {}

  /**
   * @param tunnelEntry the SPD entry of a protected tunnel interface by name, null for any other interface
   */
  public static TunnelRoutes build(GatewayConfig config, Function<String, SpdEntry> tunnelEntry) {
    List<Route> routes = routes(config, tunnelEntry);
    List<Route6> v6 = routes6(config, tunnelEntry);
    Routes6 routes6 = v6.stream().anyMatch(r -> r.target() != NOT_A_TUNNEL) ? Routes6.of(v6) : Routes6.NONE;
    if (routes.stream().noneMatch(r -> r.target() != NOT_A_TUNNEL)) {
      return routes6 == Routes6.NONE ? EMPTY : new TunnelRoutes(new int[0], new long[33][], new SpdEntry[33][],
          routes6);
    }
    // the best route per prefix: the lowest administrative distance, then the first configured
    long[][] keys = new long[33][];
    SpdEntry[][] targets = new SpdEntry[33][];
    int[] distances = new int[0];
    List<Integer> present = new ArrayList<>();
    for (int len = 32; len >= 0; len--) {
      final int l = len;
      List<Route> atLength = routes.stream().filter(r -> r.length() == l).toList();
      if (atLength.isEmpty()) {
        continue;
      }
      present.add(len);
      int capacity = Integer.highestOneBit(Math.max(2, atLength.size() * 2 - 1)) << 1;
      keys[len] = new long[capacity];
      targets[len] = new SpdEntry[capacity];
      distances = new int[capacity];
      for (Route r : atLength) {
        int slot = slot(r.network(), capacity);
        while (keys[len][slot] != 0 && keys[len][slot] != (r.network() | USED)) {
          slot = (slot + 1) & (capacity - 1);
        }
        if (keys[len][slot] == 0 || r.distance() < distances[slot]) {
          keys[len][slot] = r.network() | USED;
          targets[len][slot] = r.target();
          distances[slot] = r.distance();
        }
      }
    }
    return new TunnelRoutes(present.stream().mapToInt(Integer::intValue).toArray(), keys, targets, routes6);
  }

  /** The SPD entry of the tunnel interface the flow's destination is routed into, or null. Allocation-free. */
  public SpdEntry lookup(FlowKey f) {
    if (f.version == 6) {
      return routes6.hi().length == 0 ? null : routes6.lookup(f.dstHi, f.dstLo);
    }
    if (lengths.length == 0 || f.version != 4) {
      return null;
    }
    long dst = f.dstLo & 0xFFFF_FFFFL;
    for (int len : lengths) {
      long network = len == 0 ? 0 : dst & (0xFFFF_FFFFL << (32 - len)) & 0xFFFF_FFFFL;
      long[] k = keys[len];
      int mask = k.length - 1;
      int slot = slot(network, k.length);
      long want = network | USED;
      while (k[slot] != 0) {
        if (k[slot] == want) {
          SpdEntry t = targets[len][slot];
          return t == NOT_A_TUNNEL ? null : t;
        }
        slot = (slot + 1) & mask;
      }
    }
    return null;
  }

  /** Whether any route goes into a tunnel (else the lookup is skipped). */
  public boolean isEmpty() {
    return lengths.length == 0 && routes6.hi().length == 0;
  }

  private static int slot(long network, int capacity) {
    long h = network * 0x9E37_79B9_7F4A_7C15L;
    return (int) (h >>> 40) & (capacity - 1);
  }

  /**
   * The prefixes (CIDR text) routed into protected tunnel interfaces, for the kernel routes that steer them into the
   * forwarder's inner device; a default route ({@code 0.0.0.0 0.0.0.0 TunnelN}) is left out, as for crypto ACLs with
   * destination {@code any}: it would capture the host's own default route.
   */
  /**
   * A route as the clear-text access check needs it: its prefix (CIDR), and the protected tunnel interface it goes
   * into, null for a route elsewhere.
   */
  public record RoutedPrefix(String cidr, String tunnel) {}

  /**
   * Every routed prefix but the default routes, IPv4 then IPv6 ({@code ipv6 route}, a {@code tunnel mode ipsec ipv6}
   * tunnel's {@code ipv6 address} subnet), each longest first, the best route per prefix (lowest distance, then the
   * first configured), so that first match over the list is the forwarding decision ({@code ClearTextRuleset}).
   */
  public static List<RoutedPrefix> routedPrefixes(GatewayConfig config) {
    java.util.Map<String, SpdEntry> markers = new java.util.HashMap<>();
    List<Route> routes = new ArrayList<>(routes(config, name -> {
      InterfaceConfig i = config.interfaceNamed(name);
      return i == null || !i.ipsecVti() ? null
          : markers.computeIfAbsent(name, n -> new SpdEntry(n, -1, -1, new AclRule[0], false));
    }));
    // stable: equal lengths keep configuration order, so the lowest distance then the first configured wins
    routes.sort(java.util.Comparator.comparingInt(Route::length).reversed().thenComparingInt(Route::distance));
    List<RoutedPrefix> out = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (Route r : routes) {
      String cidr = Ipv4.toText(r.network()) + "/" + r.length();
      if (r.length() > 0 && seen.add(cidr)) {
        out.add(new RoutedPrefix(cidr, r.target() == NOT_A_TUNNEL ? null : r.target().mapName()));
      }
    }
    // the IPv6 routes after them, longest first among themselves (an IPv6 packet never matches an IPv4 prefix)
    List<Route6> routes6 = new ArrayList<>(routes6(config, name -> {
      InterfaceConfig i = config.interfaceNamed(name);
      return i == null || !i.ipsecVti() ? null
          : markers.computeIfAbsent(name, n -> new SpdEntry(n, -1, -1, new AclRule[0], false));
    }));
    routes6.sort(java.util.Comparator.comparingInt(Route6::length).reversed().thenComparingInt(Route6::distance));
    for (Route6 r : routes6) {
      if (r.length() > 0 && seen.add(r.cidr())) {
        out.add(new RoutedPrefix(r.cidr(), r.target() == NOT_A_TUNNEL ? null : r.target().mapName()));
      }
    }
    return out;
  }

  public static List<String> kernelPrefixes(GatewayConfig config) {
    SpdEntry tunnel = new SpdEntry("(tunnel)", -1, -1, new AclRule[0], false);
    Function<String, SpdEntry> isTunnel = name -> {
      InterfaceConfig i = config.interfaceNamed(name);
      return i != null && i.ipsecVti() ? tunnel : null;
    };
    List<String> out = new ArrayList<>();
    for (Route r : routes(config, isTunnel)) {
      String cidr = Ipv4.toText(r.network()) + "/" + r.length();
      if (r.target() == tunnel && r.length() > 0 && !out.contains(cidr)) {
        out.add(cidr);
      }
    }
    // IPv6: ::/0 is left out as 0.0.0.0/0 is
    for (Route6 r : routes6(config, isTunnel)) {
      if (r.target() == tunnel && r.length() > 0 && !out.contains(r.cidr())) {
        out.add(r.cidr());
      }
    }
    return out;
  }

  /**
   * Every route with its target: the connected subnets of protected tunnel interfaces, the static routes, and routes
   * by next hop only resolved once through the interface routes (a next hop in a tunnel's subnet, or routed into a
   * tunnel, makes the route the tunnel's).
   */
  private static List<Route> routes(GatewayConfig config, Function<String, SpdEntry> tunnelEntry) {
    List<Route> interfaceRoutes = new ArrayList<>();
    for (InterfaceConfig i : config.interfaces()) {
      SpdEntry t = tunnelEntry.apply(i.name());
      if (t != null && i.ipAddress() != null && i.mask() != null) {
        int len = Long.bitCount(Ipv4.toLong(i.mask()));
        interfaceRoutes.add(new Route(Ipv4.toLong(i.ipAddress()) & maskOf(len), len, 0, t, null));
      }
    }
    List<StaticRoute> nextHopOnly = new ArrayList<>();
    for (StaticRoute r : config.staticRoutes()) {
      if (r.ipv6()) {
        continue; // an ipv6 route: routes6 holds it
      }
      if (r.interfaceName() == null) {
        nextHopOnly.add(r);
        continue;
      }
      SpdEntry t = tunnelEntry.apply(r.interfaceName());
      interfaceRoutes.add(new Route(Ipv4.toLong(r.prefix()), r.prefixLength(), distance(r),
          t == null ? NOT_A_TUNNEL : t, null));
    }
    List<Route> all = new ArrayList<>(interfaceRoutes);
    for (StaticRoute r : nextHopOnly) {
      SpdEntry via = resolve(interfaceRoutes, Ipv4.toLong(r.nextHop()));
      all.add(new Route(Ipv4.toLong(r.prefix()), r.prefixLength(), distance(r), via == null ? NOT_A_TUNNEL : via,
          via == null ? r.nextHop() : null));
    }
    return all;
  }

  /**
   * The IPv6 routes with their targets, as {@link #routes} for IPv4: the {@code ipv6 address} subnets of protected
   * tunnel interfaces, {@code ipv6 route … TunnelN|IFACE}, and routes by next hop resolved once through those.
   */
  private static List<Route6> routes6(GatewayConfig config, Function<String, SpdEntry> tunnelEntry) {
    List<Route6> interfaceRoutes = new ArrayList<>();
    for (InterfaceConfig i : config.interfaces()) {
      SpdEntry t = tunnelEntry.apply(i.name());
      if (t != null && i.ipv6Address() != null) {
        AddressMatch m = AddressMatch.ipv6Prefix(i.ipv6Address());
        byte[] b = m.ipv6Bytes();
        if (b != null && m.prefixLength() >= 0) {
          interfaceRoutes.add(new Route6(Ip128.readLong(b, 0), Ip128.readLong(b, 8), m.prefixLength(), 0, t));
        }
      }
    }
    List<StaticRoute> nextHopOnly = new ArrayList<>();
    for (StaticRoute r : config.staticRoutes()) {
      byte[] b = r.ipv6() ? Ipv6.parse(r.prefix()) : null;
      int length = b == null ? -1 : length6(r);
      if (length < 0) {
        continue;
      }
      if (r.interfaceName() == null) {
        nextHopOnly.add(r);
        continue;
      }
      SpdEntry t = tunnelEntry.apply(r.interfaceName());
      interfaceRoutes.add(new Route6(Ip128.readLong(b, 0), Ip128.readLong(b, 8), length, distance(r),
          t == null ? NOT_A_TUNNEL : t));
    }
    List<Route6> all = new ArrayList<>(interfaceRoutes);
    for (StaticRoute r : nextHopOnly) {
      byte[] b = Ipv6.parse(r.prefix());
      byte[] hop = r.nextHop() == null ? null : Ipv6.parse(r.nextHop());
      Route6 via = null;
      for (Route6 ir : interfaceRoutes) {
        if (hop != null && ir.covers(Ip128.readLong(hop, 0), Ip128.readLong(hop, 8))
            && (via == null || ir.length() > via.length())) {
          via = ir;
        }
      }
      all.add(new Route6(Ip128.readLong(b, 0), Ip128.readLong(b, 8), length6(r), distance(r),
          via == null ? NOT_A_TUNNEL : via.target()));
    }
    return all;
  }

  /** An {@code ipv6 route}'s prefix length (its {@code mask} holds it in decimal), -1 when it is none. */
  private static int length6(StaticRoute r) {
    try {
      int n = r.prefixLength();
      return n >= 0 && n <= 128 ? n : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static SpdEntry resolve(List<Route> routes, long address) {
    Route best = null;
    for (Route r : routes) {
      if ((address & maskOf(r.length())) == r.network() && (best == null || r.length() > best.length())) {
        best = r;
      }
    }
    return best == null || best.target() == NOT_A_TUNNEL ? null : best.target();
  }

  private static int distance(StaticRoute r) {
    return r.distance() == null ? 1 : r.distance();
  }

  private static long maskOf(int len) {
    return len == 0 ? 0 : (0xFFFF_FFFFL << (32 - len)) & 0xFFFF_FFFFL;
  }

  @Override
  public String toString() {
    return "TunnelRoutes" + Arrays.toString(lengths) + (routes6.hi().length > 0 ? " + " + routes6.hi().length
        + " IPv6" : "");
  }
}
