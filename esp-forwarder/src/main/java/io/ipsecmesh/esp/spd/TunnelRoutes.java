package io.ipsecmesh.esp.spd;

import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.InterfaceConfig;
import io.ipsecmesh.proto.config.Ipv4;
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
 * IPv4 only: IPv6 routes would be a second set of tables on the 128-bit address, the same shape.
 */
public final class TunnelRoutes {

  /** The winner of a match that is no tunnel's: the crypto-map SPD decides. */
  private static final SpdEntry NOT_A_TUNNEL = new SpdEntry("(route)", -1, -1, new AclRule[0], false);
  private static final TunnelRoutes EMPTY = new TunnelRoutes(new int[0], new long[33][], new SpdEntry[33][]);

  /** Prefix lengths present, longest first. */
  private final int[] lengths;
  /** Per prefix length: network address | USED, 0 = empty slot. */
  private final long[][] keys;
  private final SpdEntry[][] targets;

  private static final long USED = 1L << 32;

  private TunnelRoutes(int[] lengths, long[][] keys, SpdEntry[][] targets) {
    this.lengths = lengths;
    this.keys = keys;
    this.targets = targets;
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
    if (routes.stream().noneMatch(r -> r.target() != NOT_A_TUNNEL)) {
      return EMPTY;
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
    return new TunnelRoutes(present.stream().mapToInt(Integer::intValue).toArray(), keys, targets);
  }

  /** The SPD entry of the tunnel interface the flow's destination is routed into, or null. Allocation-free. */
  public SpdEntry lookup(FlowKey f) {
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
    return lengths.length == 0;
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
  public static List<String> kernelPrefixes(GatewayConfig config) {
    SpdEntry tunnel = new SpdEntry("(tunnel)", -1, -1, new AclRule[0], false);
    List<String> out = new ArrayList<>();
    for (Route r : routes(config, name -> {
      InterfaceConfig i = config.interfaceNamed(name);
      return i != null && i.ipsecVti() ? tunnel : null;
    })) {
      String cidr = Ipv4.toText(r.network()) + "/" + r.length();
      if (r.target() == tunnel && r.length() > 0 && !out.contains(cidr)) {
        out.add(cidr);
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
        continue; // ipv6 route: not an IPv4 route (the IPv4 tables below hold 32-bit prefixes only)
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
    return "TunnelRoutes" + Arrays.toString(lengths);
  }
}
