package io.ipsecmesh.esp.tun;

import io.ipsecmesh.esp.spd.DynamicMapRules;
import io.ipsecmesh.esp.spd.NegotiatedPolicies;
import io.ipsecmesh.esp.spd.SpdEntry;
import io.ipsecmesh.proto.config.AccessListEntry;
import io.ipsecmesh.proto.config.AddressMatch;
import io.ipsecmesh.proto.config.CryptoMapEntry;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.InterfaceConfig;
import io.ipsecmesh.proto.config.Ipv4;
import io.ipsecmesh.proto.sa.TrafficSelector;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * The kernel routes of dynamic crypto maps, reverse-route-injection style: the destinations of a dynamic map's
 * {@code match address} permit lines (from the configuration, like {@link KernelRoutes}: traffic to them enters the
 * TUN and is dropped until a peer brings an SA, never sent in clear), and the remote network of every Child SA a peer
 * negotiated through one ({@link NegotiatedPolicies}), added when the SA is installed and deleted when its last SA
 * goes. A static map's routes stay {@link KernelRoutes}'s and are never touched here.
 *
 * <p>A negotiated network is the peer's claim, so a route is refused (and reported) when it would cover a tunnel
 * endpoint — the SA's peer, any address of this gateway's interfaces: IKE and ESP would then be routed into their own
 * tunnel — or overlap a network an interface is connected to (the spoke would draw the hub's own LAN), or be the
 * default route. A dynamic map's {@code match address} is what bounds the claims further (RFC 7296 §2.9 narrowing).
 *
 * <p>{@link #reconcile} runs the difference between what is installed and what is wanted through a {@link RouteTable}
 * ({@code ip route} in production); one caller at a time.
 */
public final class NegotiatedRoutes {

  /** Longest list of prefixes one selector range may become (a 32-bit range needs at most 62). */
  static final int MAX_PREFIXES_PER_SELECTOR = 64;

  /** Where the routes go: the kernel's main table in production. */
  public interface RouteTable {
    /** Routes {@code prefix} into the tunnel; null when done, else why not. */
    String replace(String prefix);

    /** Removes the route of {@code prefix} into the tunnel; null when done, else why not. */
    String delete(String prefix);
  }

  /** What is wanted: the prefixes, and every negotiated network refused a route, with the reason. */
  public record Plan(Set<String> prefixes, List<String> refused) {
    public Plan {
      prefixes = Set.copyOf(prefixes);
      refused = List.copyOf(refused);
    }
  }

  private final RouteTable table;
  private final Set<String> installed = new TreeSet<>();

  public NegotiatedRoutes(RouteTable table) {
    this.table = table;
  }

  /**
   * The routes the dynamic maps of {@code config} want now.
   *
   * @param negotiated     the negotiated policies of every dynamic entry ({@code SaDatabase.negotiatedPolicies})
   * @param staticPrefixes the routes {@link KernelRoutes} installs for static entries: left to it
   */
  public static Plan wanted(GatewayConfig config, Map<SpdEntry, List<NegotiatedPolicies.Policy>> negotiated,
      Collection<String> staticPrefixes) {
    Set<String> out = new TreeSet<>();
    List<String> refused = new ArrayList<>();
    List<long[]> connected = connectedNetworks(config);
    for (CryptoMapEntry e : config.cryptoMaps()) {
      for (AccessListEntry line : DynamicMapRules.lines(config, e)) {
        String p = line.action() == AccessListEntry.Action.PERMIT ? prefix(line.destination()) : null;
        if (p != null && !p.endsWith("/0")) {
          out.add(p);
        }
      }
    }
    for (Map.Entry<SpdEntry, List<NegotiatedPolicies.Policy>> entry : negotiated.entrySet()) {
      for (NegotiatedPolicies.Policy policy : entry.getValue()) {
        long peer = Ipv4.toLong(policy.peer());
        for (TrafficSelector ts : policy.remote()) {
          long start = Ipv4.toLong(ts.startAddress());
          long end = Ipv4.toLong(ts.endAddress());
          if (start < 0 || end < 0 || end < start) {
            ipv6(entry.getKey(), policy, ts, config, out, refused);
            continue;
          }
          String why = start == 0 && end == 0xFFFF_FFFFL ? "it is the default route"
              : peer >= start && peer <= end ? "it holds the peer's own address " + policy.peer()
              : overlapsConnected(start, end, connected);
          String range = ts.startAddress() + "-" + ts.endAddress();
          if (why != null) {
            refused.add("crypto map " + entry.getKey() + ": no route for " + range + " negotiated by "
                + policy.peer() + ": " + why);
            continue;
          }
          List<String> prefixes = prefixes(start, end);
          if (prefixes.size() > MAX_PREFIXES_PER_SELECTOR) {
            refused.add("crypto map " + entry.getKey() + ": no route for " + range + " negotiated by "
                + policy.peer() + ": more than " + MAX_PREFIXES_PER_SELECTOR + " prefixes");
            continue;
          }
          out.addAll(prefixes);
        }
      }
    }
    out.removeAll(staticPrefixes);
    return new Plan(out, refused);
  }

  /**
   * Installs what {@code wanted} adds and deletes what it no longer holds; a route that could not be installed is
   * tried again at the next call. Returns the failures. Blocking.
   */
  public List<String> reconcile(Set<String> wanted) {
    List<String> failures = new ArrayList<>();
    for (String p : wanted) {
      if (!installed.contains(p)) {
        String f = table.replace(p);
        if (f == null) {
          installed.add(p);
        } else {
          failures.add(f);
        }
      }
    }
    for (String p : List.copyOf(installed)) {
      if (!wanted.contains(p)) {
        String f = table.delete(p);
        // a route already gone (the TUN went down with it) is as good as deleted
        installed.remove(p);
        if (f != null) {
          failures.add(f);
        }
      }
    }
    return failures;
  }

  /** The routes installed by {@link #reconcile}. */
  public Set<String> installed() {
    return Set.copyOf(installed);
  }

  /** The fewest CIDR prefixes that cover the address range {@code start}–{@code end} exactly. */
  static List<String> prefixes(long start, long end) {
    List<String> out = new ArrayList<>();
    long s = start;
    while (s <= end && out.size() <= MAX_PREFIXES_PER_SELECTOR) {
      int bits = s == 0 ? 32 : Math.min(32, Long.numberOfTrailingZeros(s));
      while (bits > 0 && s + (1L << bits) - 1 > end) {
        bits--;
      }
      out.add(Ipv4.toText(s) + "/" + (32 - bits));
      s += 1L << bits;
    }
    return out;
  }

  /**
   * A negotiated IPv6 range (TS_IPV6_ADDR_RANGE), refused on the same grounds as an IPv4 one: the default route
   * {@code ::/0}, a range holding the peer's own address or an interface's {@code ipv6 address}, or too many prefixes.
   */
  private static void ipv6(SpdEntry entry, NegotiatedPolicies.Policy policy, TrafficSelector ts, GatewayConfig config,
      Set<String> out, List<String> refused) {
    BigInteger start = Ipv6Prefixes.value(ts.startAddress());
    BigInteger end = Ipv6Prefixes.value(ts.endAddress());
    if (start == null || end == null || end.compareTo(start) < 0) {
      return; // neither family's valid range: nothing to route
    }
    String range = ts.startAddress() + "-" + ts.endAddress();
    BigInteger peer = Ipv6Prefixes.value(policy.peer());
    String why = start.signum() == 0 && end.bitLength() == 128 && end.bitCount() == 128 ? "it is the default route"
        : peer != null && peer.compareTo(start) >= 0 && peer.compareTo(end) <= 0
            ? "it holds the peer's own address " + policy.peer() : null;
    for (InterfaceConfig i : config.interfaces()) {
      BigInteger own = Ipv6Prefixes.value(i.ipv6AddressOnly());
      if (why == null && own != null && own.compareTo(start) >= 0 && own.compareTo(end) <= 0) {
        why = "it holds the address " + i.ipv6AddressOnly() + " of interface " + i.name() + " of this gateway";
      }
    }
    List<String> prefixes = why != null ? List.of() : Ipv6Prefixes.prefixes(start, end, MAX_PREFIXES_PER_SELECTOR);
    if (why == null && prefixes.size() > MAX_PREFIXES_PER_SELECTOR) {
      why = "more than " + MAX_PREFIXES_PER_SELECTOR + " prefixes";
    }
    if (why != null) {
      refused.add("crypto map " + entry + ": no route for " + range + " negotiated by " + policy.peer() + ": " + why);
      return;
    }
    out.addAll(prefixes);
  }

  /** An ACL address with a contiguous wildcard (IPv4) or an IPv6 prefix as a prefix, else null. */
  static String prefix(AddressMatch m) {
    if (m.ipv6()) {
      return m.isAny() ? null : Ipv6Prefixes.prefix(m);
    }
    long wildcard = Ipv4.toLong(m.wildcard());
    long address = Ipv4.toLong(m.address());
    if (wildcard < 0 || address < 0 || ((wildcard + 1) & wildcard) != 0) {
      return null;
    }
    return Ipv4.toText(address & ~wildcard & 0xFFFF_FFFFL) + "/" + (32 - Long.bitCount(wildcard));
  }

  /** Each interface's connected network as {start, end}. */
  private static List<long[]> connectedNetworks(GatewayConfig config) {
    List<long[]> out = new ArrayList<>();
    for (InterfaceConfig i : config.interfaces()) {
      long a = i.ipAddress() == null ? -1 : Ipv4.toLong(i.ipAddress());
      long m = i.mask() == null ? -1 : Ipv4.toLong(i.mask());
      if (a >= 0 && m >= 0) {
        out.add(new long[] {a & m, (a & m) | (~m & 0xFFFF_FFFFL)});
      }
    }
    return out;
  }

  private static String overlapsConnected(long start, long end, List<long[]> connected) {
    for (long[] n : connected) {
      if (start <= n[1] && n[0] <= end) {
        return "it overlaps the connected network " + Ipv4.toText(n[0]) + "-" + Ipv4.toText(n[1])
            + " of an interface of this gateway";
      }
    }
    return null;
  }

  /** {@code ip route replace|del PREFIX dev DEVICE} in the forwarder's namespace. */
  public static RouteTable ipRoute(String device) {
    return new RouteTable() {
      @Override
      public String replace(String prefix) {
        return ip("replace", prefix, device);
      }

      @Override
      public String delete(String prefix) {
        return ip("del", prefix, device);
      }
    };
  }

  private static String ip(String verb, String prefix, String device) {
    String cmd = "ip route " + verb + " " + prefix + " dev " + device;
    try {
      Process proc = new ProcessBuilder("ip", "route", verb, prefix, "dev", device).redirectErrorStream(true).start();
      String output = new String(proc.getInputStream().readAllBytes()).trim();
      if (!proc.waitFor(5, TimeUnit.SECONDS)) {
        proc.destroyForcibly();
        return cmd + ": no answer in 5 s";
      }
      return proc.exitValue() == 0 ? null : cmd + ": " + output;
    } catch (IOException e) {
      return cmd + ": " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return cmd + ": interrupted";
    }
  }
}
