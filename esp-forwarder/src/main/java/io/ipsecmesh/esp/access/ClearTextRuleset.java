package io.ipsecmesh.esp.access;

import io.ipsecmesh.esp.iface.InterfaceMap;
import io.ipsecmesh.esp.spd.DynamicMapRules;
import io.ipsecmesh.esp.spd.TunnelRoutes;
import io.ipsecmesh.proto.config.AccessList;
import io.ipsecmesh.proto.config.AccessListEntry;
import io.ipsecmesh.proto.config.AddressMatch;
import io.ipsecmesh.proto.config.CryptoMapEntry;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.InterfaceConfig;
import io.ipsecmesh.proto.config.Ipv4;
import io.ipsecmesh.proto.config.PortMatch;
import java.util.ArrayList;
import java.util.List;

/**
 * The nftables ruleset of the crypto access check on clear-text packets: a packet that arrives
 * unencrypted on an interface carrying a crypto map, and that the map's ACL says must be protected
 * (mirrored: it comes from the ACL's destination towards its source), is dropped and counted, as
 * IOS does with {@code %CRYPTO-4-RECVD_PKT_NOT_IPSEC}. The kernel, not the forwarder, routes between
 * the outside interface and the LAN, so the check lives where that packet passes: a prerouting hook
 * in the forwarder's namespace. Entries are checked in crypto map sequence and ACL order, first
 * match wins: a {@code deny} entry (not protected) lets the packet pass, a {@code permit} drops it
 * into the counter of its crypto map entry. An entry that stands for a dynamic crypto map checks the
 * {@code match address} lines of its dynamic map's entries ({@link DynamicMapRules}). IKE and ESP
 * addressed to the gateway itself are never checked.
 *
 * <p>The other direction: a LAN packet that a static entry's ACL says must be protected reaches the TUN by a kernel
 * route ({@code KernelRoutes}); while that route is missing (the forwarder starting, stopped, or its route removed)
 * the kernel would forward the packet in clear by the crypto map's interface. A forward hook drops it into the same
 * counter, with the ACL's lines unmirrored in the same order, so protected traffic fails closed as on IOS, where
 * it never leaves unencrypted. A permit line towards {@code any} gets no route and no such rule (it would take the
 * LAN's whole traffic off the outside interface), nor does a dynamic map (its routes follow negotiated SAs).
 *
 * <p>Tunnel interfaces: routes, not an ACL, say what must go protected, and the forwarder's TUN carries it; a
 * packet for a prefix routed into a protected tunnel interface that is about to leave in clear by the tunnel's
 * source interface (a kernel route missing, the forwarder stopped) is dropped in a postrouting hook and counted
 * under the tunnel ("Tunnel1 0"). The routes are checked longest prefix first, so a longer route elsewhere lets its
 * traffic go as forwarding does ({@link TunnelRoutes#routedPrefixes}); IKE and ESP (also in UDP) always pass. A pure
 * function of the configuration.
 */
public final class ClearTextRuleset {

  public static final String TABLE = "ipsecmesh_access";

  /** The ruleset text and, per counter index, the crypto map entry it counts ("VPN 10"). */
  public record Ruleset(String text, List<String> counters) {
    public boolean empty() {
      return counters.isEmpty();
    }
  }

  private ClearTextRuleset() {}

  /** With every interface name taken as the host interface name (tests with Linux names). */
  public static Ruleset of(GatewayConfig config) {
    return of(config, InterfaceMap.IDENTITY);
  }

  /**
   * The ruleset with each IOS interface matched as its host interface ({@code iifname} is the Linux
   * name); an interface without one is left out (the forwarder refuses such a configuration first).
   */
  public static Ruleset of(GatewayConfig config, InterfaceMap interfaces) {
    StringBuilder rules = new StringBuilder();
    StringBuilder forward = new StringBuilder();
    List<String> counters = new ArrayList<>();
    for (InterfaceConfig i : config.interfaces()) {
      String host = interfaces.hostName(i.name());
      if (i.cryptoMap() == null && i.ipv6CryptoMap() == null || host == null) {
        continue;
      }
      String iif = "iifname \"" + host + "\" ";
      String oif = "    oifname \"" + host + "\" ";
      // the protocol before the route lookup: nftables stops a rule at its first mismatch, so ESP-in-UDP pays one
      // fib lookup (in the second rule) instead of one per rule, on every packet of the tunnel
      rules.append("    ").append(iif).append("meta l4proto { esp, ah } fib daddr type local accept\n");
      rules.append("    ").append(iif).append("udp dport { 500, 4500 } fib daddr type local accept\n");
      // crypto map and ipv6 crypto map: the entries of both, each line matching only its own family
      List<CryptoMapEntry> entries = new ArrayList<>();
      if (i.cryptoMap() != null) {
        entries.addAll(config.cryptoMap(i.cryptoMap()));
      }
      if (i.ipv6CryptoMap() != null && !i.ipv6CryptoMap().equals(i.cryptoMap())) {
        entries.addAll(config.cryptoMap(i.ipv6CryptoMap()));
      }
      for (CryptoMapEntry e : entries) {
        AccessList acl = e.matchAddress() == null ? null : config.accessList(e.matchAddress());
        // an entry standing for a dynamic crypto map checks its dynamic map's match address lines
        List<AccessListEntry> lines = e.dynamicMap() != null ? DynamicMapRules.lines(config, e)
            : acl == null ? List.of() : acl.entries();
        if (lines.isEmpty()) {
          continue;
        }
        int counter = counters.size();
        counters.add(e.name() + " " + e.seq());
        for (AccessListEntry a : lines) {
          if (a.action() == AccessListEntry.Action.REMARK) {
            continue;
          }
          // the inbound mirror of an outbound selector: its destination sends to its source
          String verdict = a.action() == AccessListEntry.Action.PERMIT
              ? "counter name \"cleartext_" + counter + "\" drop\n" : "accept\n";
          rules.append("    ").append(iif).append(match(a, true)).append(verdict);
          // the same selector on its way out: protected traffic a kernel route steers into the TUN (KernelRoutes:
          // static entries, destinations other than any) that is about to leave in clear because that route is not
          // there yet or any more (the forwarder starting or stopped)
          if (e.dynamicMap() == null && (a.action() != AccessListEntry.Action.PERMIT || !a.destination().isAny())) {
            forward.append(oif).append(match(a, false)).append(verdict);
          }
        }
      }
    }
    String postrouting = tunnelRules(config, interfaces, counters);
    if (counters.isEmpty()) {
      return new Ruleset("", List.of());
    }
    StringBuilder t = new StringBuilder();
    // declaring then deleting makes one idempotent transaction: the old table goes, the new one comes
    t.append("table inet ").append(TABLE).append("\n");
    t.append("delete table inet ").append(TABLE).append("\n");
    t.append("table inet ").append(TABLE).append(" {\n");
    for (int c = 0; c < counters.size(); c++) {
      t.append("  counter cleartext_").append(c).append(" {\n  }\n");
    }
    if (!rules.isEmpty()) {
      t.append("  chain prerouting {\n");
      t.append("    type filter hook prerouting priority -150; policy accept;\n");
      t.append(rules);
      t.append("  }\n");
    }
    if (!forward.isEmpty()) {
      // forward, not postrouting: the gateway's own IKE and ESP never pass it, a LAN host's packets always do
      t.append("  chain forward {\n");
      t.append("    type filter hook forward priority 0; policy accept;\n");
      t.append(forward);
      t.append("  }\n");
    }
    if (!postrouting.isEmpty()) {
      t.append("  chain postrouting {\n");
      t.append("    type filter hook postrouting priority 150; policy accept;\n");
      t.append(postrouting);
      t.append("  }\n");
    }
    t.append("}\n");
    return new Ruleset(t.toString(), List.copyOf(counters));
  }

  /**
   * The postrouting rules of the protected tunnel interfaces on their source interfaces: IKE and ESP pass, then the
   * routed prefixes longest first, a tunnel's dropped into its counter, any other accepted.
   */
  private static String tunnelRules(GatewayConfig config, InterfaceMap interfaces, List<String> counters) {
    List<String> sources = new ArrayList<>();
    for (InterfaceConfig t : config.ipsecTunnels()) {
      InterfaceConfig source = config.tunnelSourceInterface(t);
      String host = source == null ? null : interfaces.hostName(source.name());
      if (host != null && !sources.contains(host)) {
        sources.add(host);
      }
    }
    List<TunnelRoutes.RoutedPrefix> routes = TunnelRoutes.routedPrefixes(config);
    if (sources.isEmpty() || routes.stream().allMatch(r -> r.tunnel() == null)) {
      return "";
    }
    StringBuilder rules = new StringBuilder();
    for (String host : sources) {
      String oif = "    oifname \"" + host + "\" ";
      rules.append(oif).append("meta l4proto { esp, ah } accept\n");
      rules.append(oif).append("udp sport { 500, 4500 } accept\n");
      rules.append(oif).append("udp dport { 500, 4500 } accept\n");
      for (TunnelRoutes.RoutedPrefix r : routes) {
        String daddr = r.cidr().indexOf(':') >= 0 ? "ip6 daddr " : "ip daddr ";
        if (r.tunnel() == null) {
          rules.append(oif).append(daddr).append(r.cidr()).append(" accept\n");
          continue;
        }
        String name = r.tunnel() + " " + GatewayConfig.TUNNEL_SEQUENCE;
        if (!counters.contains(name)) {
          counters.add(name);
        }
        rules.append(oif).append(daddr).append(r.cidr()).append(" counter name \"cleartext_")
            .append(counters.indexOf(name)).append("\" drop\n");
      }
    }
    return rules.toString();
  }

  /** The line's selector as nftables matches, {@code mirrored} for the inbound flow (from its destination). */
  private static String match(AccessListEntry a, boolean mirrored) {
    StringBuilder m = new StringBuilder();
    // the table is inet: an IPv4 line (even "any any") must not match IPv6 packets, nor an IPv6 line IPv4 ones
    boolean v6 = a.source().ipv6() || a.destination().ipv6();
    m.append("meta nfproto ").append(v6 ? "ipv6 " : "ipv4 ");
    address(m, "saddr", mirrored ? a.destination() : a.source());
    address(m, "daddr", mirrored ? a.source() : a.destination());
    int proto = a.protocolNumber();
    if (proto != 0) {
      m.append("meta l4proto ").append(proto).append(' ');
    }
    port(m, "sport", mirrored ? a.destinationPort() : a.sourcePort());
    port(m, "dport", mirrored ? a.sourcePort() : a.destinationPort());
    return m.toString();
  }

  private static void address(StringBuilder m, String field, AddressMatch a) {
    if (a == null || a.isAny()) {
      return;
    }
    if (a.ipv6()) {
      // ipv6 access-list: a prefix, written with its host bits cleared
      byte[] b = a.ipv6Bytes();
      int len = Math.max(0, a.prefixLength());
      String net = b == null ? a.address() : io.ipsecmesh.esp.spd.Ip128.format(
          io.ipsecmesh.esp.spd.Ip128.readLong(b, 0) & io.ipsecmesh.esp.spd.Ip128.maskHi(len),
          io.ipsecmesh.esp.spd.Ip128.readLong(b, 8) & io.ipsecmesh.esp.spd.Ip128.maskLo(len));
      m.append("ip6 ").append(field).append(' ').append(net).append(len == 128 ? "" : "/" + len).append(' ');
      return;
    }
    long mask = ~Ipv4.toLong(a.wildcard()) & 0xFFFF_FFFFL;
    long net = Ipv4.toLong(a.address()) & mask;
    if (mask == 0xFFFF_FFFFL) {
      m.append("ip ").append(field).append(' ').append(dotted(net)).append(' ');
    } else {
      // a wildcard need not be contiguous: match under the mask, as the ACL does
      m.append("ip ").append(field).append(" & ").append(dotted(mask)).append(" == ").append(dotted(net)).append(' ');
    }
  }

  private static void port(StringBuilder m, String field, PortMatch p) {
    if (p == null) {
      return;
    }
    m.append("th ").append(field).append(' ').append(switch (p.operator()) {
      case EQ -> Integer.toString(p.low());
      case NEQ -> "!= " + p.low();
      case LT -> "< " + p.low();
      case GT -> "> " + p.low();
      case RANGE -> p.low() + "-" + p.high();
    }).append(' ');
  }

  private static String dotted(long v) {
    return (v >>> 24 & 0xFF) + "." + (v >>> 16 & 0xFF) + "." + (v >>> 8 & 0xFF) + "." + (v & 0xFF);
  }
}
