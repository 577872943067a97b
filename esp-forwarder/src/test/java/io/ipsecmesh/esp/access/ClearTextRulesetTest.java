package io.ipsecmesh.esp.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ipsecmesh.esp.ManualKeyConfigs;
import io.ipsecmesh.proto.config.AccessList;
import io.ipsecmesh.proto.config.AccessListEntry;
import io.ipsecmesh.proto.config.AddressMatch;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.InterfaceConfig;
import io.ipsecmesh.proto.config.PortMatch;
import io.ipsecmesh.proto.config.StaticRoute;
import io.ipsecmesh.proto.config.TunnelMode;
import io.ipsecmesh.proto.config.TunnelSettings;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The crypto ACL mirrored into nftables rules on the crypto map's interface, in order, first match wins. */
class ClearTextRulesetTest {

  private static GatewayConfig withAcl(List<AccessListEntry> entries) {
    GatewayConfig c = ManualKeyConfigs.gatewayA("172.31.253.1", "172.31.253.2", "10.93.1.0", "10.93.2.0");
    return ManualKeyConfigs.withMaps(c.cryptoMaps(), List.of(new AccessList("101", true, entries)), "172.31.253.1");
  }

  /** ipv6 crypto map VPN6 with ipv6 access-list LAN6: ip6 matches on prefixes, each line kept to its family. */
  @Test
  void anIpv6CryptoMapsLinesMatchIpv6Only() {
    ClearTextRuleset.Ruleset r = ClearTextRuleset.of(ManualKeyConfigs.dualStack(true, "fd31:252::1", "fd31:252::2",
        "10.93.1.0", "10.93.2.0", "fd93:1::", "fd93:2::", true));
    assertEquals(List.of("VPN 10", "VPN6 10"), r.counters());
    assertTrue(r.text().contains("iifname \"wan0\" meta nfproto ipv6 ip6 saddr fd93:2::/64 ip6 daddr fd93:1::/64 "
        + "counter name \"cleartext_1\" drop\n"), r.text());
    assertTrue(r.text().contains("iifname \"wan0\" meta nfproto ipv4 ip saddr & 255.255.255.0 == 10.93.2.0 "), r.text());
  }

  @Test
  void permitBecomesACountedDropOfTheMirroredFlow() {
    ClearTextRuleset.Ruleset r = ClearTextRuleset.of(
        ManualKeyConfigs.gatewayA("172.31.253.1", "172.31.253.2", "10.93.1.0", "10.93.2.0"));
    assertEquals(List.of("VPN 10"), r.counters());
    assertTrue(r.text().contains("iifname \"wan0\" meta nfproto ipv4 ip saddr & 255.255.255.0 == 10.93.2.0 "
        + "ip daddr & 255.255.255.0 == 10.93.1.0 counter name \"cleartext_0\" drop\n"), r.text());
    assertTrue(r.text().contains("iifname \"wan0\" udp dport { 500, 4500 } fib daddr type local accept\n"),
        "IKE and ESP-in-UDP to the gateway itself pass");
    assertTrue(r.text().startsWith("table inet ipsecmesh_access\ndelete table inet ipsecmesh_access\n"),
        "one transaction replaces the old table");
  }

  @Test
  void denyPassesAndPortsAndHostsAreMirrored() {
    ClearTextRuleset.Ruleset r = ClearTextRuleset.of(withAcl(List.of(
        AccessListEntry.remark("web is not protected"),
        new AccessListEntry(AccessListEntry.Action.DENY, "tcp", new AddressMatch("10.93.1.0", "0.0.0.255"), null,
            AddressMatch.ANY, new PortMatch(PortMatch.Operator.EQ, 80, 80), null),
        new AccessListEntry(AccessListEntry.Action.PERMIT, "udp", AddressMatch.host("10.93.1.10"),
            new PortMatch(PortMatch.Operator.RANGE, 5000, 5010), new AddressMatch("10.93.0.0", "0.0.255.0"), null,
            null))));
    String t = r.text();
    int deny = t.indexOf("iifname \"wan0\" meta nfproto ipv4 ip daddr & 255.255.255.0 == 10.93.1.0 "
        + "meta l4proto 6 th sport 80 accept");
    int permit = t.indexOf("iifname \"wan0\" meta nfproto ipv4 ip saddr & 255.255.0.255 == 10.93.0.0 ip daddr 10.93.1.10 "
        + "meta l4proto 17 th dport 5000-5010 counter name \"cleartext_0\" drop");
    assertTrue(deny > 0 && permit > deny, t);
  }

  /**
   * The other direction: LAN A's traffic to LAN B goes into the TUN by a kernel route; without that route (the
   * forwarder starting or stopped) it must not leave wan0 in clear. A permit towards any gets no route, so no rule.
   */
  @Test
  void whatTheCryptoMapProtectsMayNotLeaveTheOutsideInterfaceInClear() {
    ClearTextRuleset.Ruleset r = ClearTextRuleset.of(withAcl(List.of(
        new AccessListEntry(AccessListEntry.Action.DENY, "tcp", new AddressMatch("10.93.1.0", "0.0.0.255"), null,
            AddressMatch.ANY, new PortMatch(PortMatch.Operator.EQ, 80, 80), null),
        new AccessListEntry(AccessListEntry.Action.PERMIT, "ip", new AddressMatch("10.93.1.0", "0.0.0.255"), null,
            new AddressMatch("10.93.2.0", "0.0.0.255"), null, null),
        new AccessListEntry(AccessListEntry.Action.PERMIT, "ip", new AddressMatch("10.93.1.0", "0.0.0.255"), null,
            AddressMatch.ANY, null, null))));
    assertTrue(r.text().contains("""
          chain forward {
            type filter hook forward priority 0; policy accept;
            oifname "wan0" meta nfproto ipv4 ip saddr & 255.255.255.0 == 10.93.1.0 meta l4proto 6 th dport 80 accept
            oifname "wan0" meta nfproto ipv4 ip saddr & 255.255.255.0 == 10.93.1.0 ip daddr & 255.255.255.0 == 10.93.2.0 \
        counter name "cleartext_0" drop
          }
        """), "the ACL's lines as written, in order, into the entry's counter:\n" + r.text());
  }

  @Test
  void aDynamicCryptoMapChecksItsDynamicMapsMatchAddress() {
    ClearTextRuleset.Ruleset r = ClearTextRuleset.of(io.ipsecmesh.esp.DynamicMapHub.config(true));
    assertEquals(List.of("VPN 65535"), r.counters());
    assertTrue(r.text().contains("iifname \"wan0\" meta nfproto ipv4 ip saddr & 255.255.0.0 == 10.91.0.0 "
        + "ip daddr & 255.255.255.0 == 10.91.1.0 counter name \"cleartext_0\" drop\n"), r.text());
    assertTrue(!r.text().contains("chain forward"), "a dynamic map's routes follow its SAs: " + r.text());
    assertTrue(ClearTextRuleset.of(io.ipsecmesh.esp.DynamicMapHub.config(false)).empty(),
        "without match address nothing is known to be protected before a peer negotiates it");
  }

  /**
   * {@code interface Tunnel1 / tunnel source Gi1 / … / tunnel protection ipsec profile P}, {@code ip route 10.2.0.0
   * 255.255.0.0 Tunnel1}, {@code ip route 10.2.3.0 255.255.255.0 Gi1}, a default route by next hop.
   */
  static GatewayConfig tunnelConfig() {
    InterfaceConfig gi1 = new InterfaceConfig("Gi1", "192.0.2.1", "255.255.255.0", null, null, null, null);
    InterfaceConfig t1 = new InterfaceConfig("Tunnel1", "172.16.0.1", "255.255.255.252", null, null, null, null, null,
        new TunnelSettings("Gi1", "192.0.2.2", TunnelMode.IPSEC_IPV4, "P"));
    return GatewayConfig.builder()
        .interfaces(List.of(gi1, t1))
        .staticRoutes(List.of(
            new StaticRoute("10.2.0.0", "255.255.0.0", "Tunnel1", null, null),
            new StaticRoute("10.2.3.0", "255.255.255.0", "Gi1", null, null),
            new StaticRoute("0.0.0.0", "0.0.0.0", null, "192.0.2.254", null)))
        .build();
  }

  @Test
  void whatATunnelRouteProtectsMayNotLeaveInClearByTheTunnelSource() {
    ClearTextRuleset.Ruleset r = ClearTextRuleset.of(tunnelConfig());
    assertEquals(List.of("Tunnel1 0"), r.counters(), "counted under the tunnel, as its SAs are");
    assertTrue(r.text().contains("""
          chain postrouting {
            type filter hook postrouting priority 150; policy accept;
            oifname "Gi1" meta l4proto { esp, ah } accept
            oifname "Gi1" udp sport { 500, 4500 } accept
            oifname "Gi1" udp dport { 500, 4500 } accept
            oifname "Gi1" ip daddr 172.16.0.0/30 counter name "cleartext_0" drop
            oifname "Gi1" ip daddr 10.2.3.0/24 accept
            oifname "Gi1" ip daddr 10.2.0.0/16 counter name "cleartext_0" drop
          }
        """), "IKE and ESP first, then the longest prefix first; the default route is no tunnel's:\n" + r.text());
    assertTrue(!r.text().contains("0.0.0.0/0") && !r.text().contains("chain prerouting"), r.text());
  }

  /**
   * {@code interface Tunnel6 / ipv6 address fd00:16::1/64 / tunnel source Gi1 / tunnel mode ipsec ipv6 / tunnel
   * destination 2001:db8:ff::2 / …}, {@code ipv6 route 2001:db8:2::/48 Tunnel6}, {@code ipv6 route 2001:db8:2:5::/64
   * Gi1}, on {@code Gi1 / ipv6 address 2001:db8:ff::1/64}.
   */
  static GatewayConfig ipv6TunnelConfig() {
    InterfaceConfig gi1 = InterfaceConfig.named("Gi1").withIpv6("2001:db8:ff::1/64", null);
    InterfaceConfig t6 = new InterfaceConfig("Tunnel6", null, null, null, null, null, null, null,
        new TunnelSettings("Gi1", "2001:db8:ff::2", TunnelMode.IPSEC_IPV6, "P")).withIpv6("fd00:16::1/64", null);
    return GatewayConfig.builder()
        .interfaces(List.of(gi1, t6))
        .staticRoutes(List.of(
            new StaticRoute("2001:db8:2::", "48", "Tunnel6", null, null),
            new StaticRoute("2001:db8:2:5::", "64", "Gi1", null, null)))
        .build();
  }

  @Test
  void whatAnIpv6TunnelRouteProtectsMayNotLeaveInClearEither() {
    ClearTextRuleset.Ruleset r = ClearTextRuleset.of(ipv6TunnelConfig());
    assertEquals(List.of("Tunnel6 0"), r.counters());
    assertTrue(r.text().contains("""
            oifname "Gi1" udp dport { 500, 4500 } accept
            oifname "Gi1" ip6 daddr fd00:16::/64 counter name "cleartext_0" drop
            oifname "Gi1" ip6 daddr 2001:db8:2:5::/64 accept
            oifname "Gi1" ip6 daddr 2001:db8:2::/48 counter name "cleartext_0" drop
          }
        """), "IPv6 prefixes as ip6 daddr, longest first:\n" + r.text());
  }

  @Test
  void nothingProtectedNoTable() {
    assertTrue(ClearTextRuleset.of(GatewayConfig.empty()).empty());
  }

  @Test
  void nftAcceptsTheRuleset() throws Exception {
    assumeTrue(new ProcessBuilder("nft", "--version").start().waitFor() == 0, "nft not installed");
    assumeTrue(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).trim().equals("0"),
        "nft -c needs root");
    ClearTextRuleset.Ruleset r = ClearTextRuleset.of(withAcl(List.of(
        new AccessListEntry(AccessListEntry.Action.PERMIT, "udp", AddressMatch.host("10.93.1.10"),
            new PortMatch(PortMatch.Operator.GT, 1023, 1023), new AddressMatch("10.93.0.0", "0.0.255.0"),
            new PortMatch(PortMatch.Operator.NEQ, 53, 53), null))));
    nftChecks(r);
    nftChecks(ClearTextRuleset.of(tunnelConfig()));
    nftChecks(ClearTextRuleset.of(ipv6TunnelConfig()));
  }

  private static void nftChecks(ClearTextRuleset.Ruleset r) throws Exception {
    // -c: parse and check against the kernel without committing
    Process p = new ProcessBuilder("nft", "-c", "-f", "-").redirectErrorStream(true).start();
    p.getOutputStream().write(r.text().getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out + "\n" + r.text());
  }
}
