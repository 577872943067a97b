package io.ipsecmesh.esp.spd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.ipsecmesh.proto.config.AccessList;
import io.ipsecmesh.proto.config.AccessListEntry;
import io.ipsecmesh.proto.config.AddressMatch;
import io.ipsecmesh.proto.config.CryptoMapEntry;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.InterfaceConfig;
import io.ipsecmesh.proto.config.StaticRoute;
import io.ipsecmesh.proto.config.TunnelMode;
import io.ipsecmesh.proto.config.TunnelSettings;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Route-based lookup: the longest prefix over the static routes (and the tunnels' connected subnets) picks the
 * tunnel interface, before the crypto-map ACLs; a longer route elsewhere takes the packet away from the tunnel.
 */
class TunnelRoutesTest {

  static InterfaceConfig tunnel(String name, String address, String destination) {
    return new InterfaceConfig(name, address, "255.255.255.252", null, null, null, null, null,
        new TunnelSettings("Gi1", destination, TunnelMode.IPSEC_IPV4, "P"));
  }

  static GatewayConfig config(List<StaticRoute> routes, List<CryptoMapEntry> maps, List<AccessList> acls) {
    GatewayConfig e = GatewayConfig.empty();
    InterfaceConfig gi1 = new InterfaceConfig("Gi1", "192.0.2.1", "255.255.255.0", null, maps.isEmpty() ? null
        : "VPN", null, null);
    InterfaceConfig plain = new InterfaceConfig("Tunnel9", "172.16.9.1", "255.255.255.252", null, null, null, null,
        null, new TunnelSettings("Gi1", "192.0.2.9", null, null));
    return GatewayConfig.builder()
        .cryptoMaps(maps)
        .accessLists(acls)
        .interfaces(List.of(gi1, tunnel("Tunnel1", "172.16.0.1", "192.0.2.2"), tunnel("Tunnel2", "172.16.0.5",
            "192.0.2.3"), plain))
        .staticRoutes(routes)
        .build();
  }

  static StaticRoute route(String prefix, String mask, String itf) {
    return new StaticRoute(prefix, mask, itf, null, null);
  }

  static FlowKey to(String dst) {
    FlowKey f = new FlowKey();
    f.version = 4;
    f.srcLo = Ip128.v4Lo(0x0A010101);
    String[] o = dst.split("\\.");
    f.dstLo = Ip128.v4Lo(Integer.parseInt(o[0]) << 24 | Integer.parseInt(o[1]) << 16 | Integer.parseInt(o[2]) << 8
        | Integer.parseInt(o[3]));
    f.protocol = 1;
    return f;
  }

  static String name(SpdEntry e) {
    return e == null ? null : e.mapName() + " " + e.sequence();
  }

  @Test
  void theLongestPrefixPicksTheTunnel() {
    SecurityPolicyDatabase spd = SecurityPolicyDatabase.build(config(List.of(
        route("10.0.0.0", "255.0.0.0", "Tunnel1"),
        route("10.2.0.0", "255.255.0.0", "Tunnel2"),
        route("10.2.3.0", "255.255.255.0", "Gi1"),
        new StaticRoute("0.0.0.0", "0.0.0.0", null, "192.0.2.254", null)), List.of(), List.of()));
    assertEquals("Tunnel1 0", name(spd.lookup(to("10.9.9.9"))));
    assertEquals("Tunnel2 0", name(spd.lookup(to("10.2.200.1"))), "/16 beats /8");
    assertNull(spd.lookup(to("10.2.3.4")), "a longer route to a physical interface takes it away from the tunnels");
    assertNull(spd.lookup(to("198.51.100.1")), "the default route by next hop is no tunnel's");
    assertEquals("Tunnel2 0", name(spd.lookup(to("172.16.0.6"))), "the tunnel's connected subnet");
  }

  @Test
  void aRouteByNextHopInATunnelsSubnetIsTheTunnels() {
    SecurityPolicyDatabase spd = SecurityPolicyDatabase.build(config(List.of(
        new StaticRoute("10.7.0.0", "255.255.0.0", null, "172.16.0.2", null)), List.of(), List.of()));
    assertEquals("Tunnel1 0", name(spd.lookup(to("10.7.1.1"))));
  }

  @Test
  void theLowestDistanceWinsForOnePrefixAndUnprotectedTunnelsCarryNothing() {
    SecurityPolicyDatabase spd = SecurityPolicyDatabase.build(config(List.of(
        new StaticRoute("10.4.0.0", "255.255.0.0", "Tunnel1", null, 20),
        new StaticRoute("10.4.0.0", "255.255.0.0", "Tunnel2", null, 5),
        route("10.5.0.0", "255.255.0.0", "Tunnel9")), List.of(), List.of()));
    assertEquals("Tunnel2 0", name(spd.lookup(to("10.4.0.1"))), "distance 5 over 20: the floating route waits");
    assertNull(spd.lookup(to("10.5.0.1")), "Tunnel9 has no tunnel protection");
  }

  @Test
  void routesComeBeforeTheCryptoMapAclsWhichStillServeTheRest() {
    AccessList acl = new AccessList("101", true, List.of(new AccessListEntry(AccessListEntry.Action.PERMIT, "ip",
        AddressMatch.ANY, null, new AddressMatch("10.0.0.0", "0.255.255.255"), null, null)));
    CryptoMapEntry map = new CryptoMapEntry("VPN", 10, CryptoMapEntry.Keying.IPSEC_ISAKMP, List.of("192.0.2.8"),
        List.of("TS"), null, null, "101", null, null, null);
    SecurityPolicyDatabase spd = SecurityPolicyDatabase.build(config(List.of(
        route("10.2.0.0", "255.255.0.0", "Tunnel1")), List.of(map), List.of(acl)));
    assertEquals("Tunnel1 0", name(spd.lookup(to("10.2.0.1"))));
    assertEquals("VPN 10", name(spd.lookup(to("10.3.0.1"))), "no route into a tunnel: the crypto map's ACL");
    assertEquals(spd.entry("Tunnel1", GatewayConfig.TUNNEL_SEQUENCE), spd.lookup(to("10.2.0.1")),
        "the entry the SAs of Tunnel1 are kept under");
  }

  @Test
  void ipv6FlowsAndConfigurationsWithoutTunnelRoutesFindNoTunnel() {
    SecurityPolicyDatabase spd = SecurityPolicyDatabase.build(config(List.of(
        route("0.0.0.0", "0.0.0.0", "Tunnel1")), List.of(), List.of()));
    FlowKey v6 = to("10.0.0.1");
    v6.version = 6;
    assertNull(spd.lookup(v6));
    assertEquals("Tunnel1 0", name(spd.lookup(to("203.0.113.5"))), "a default route into the tunnel");
    assertNull(SecurityPolicyDatabase.build(config(List.of(), List.of(), List.of())).lookup(to("10.0.0.1")));
  }

  @Test
  void theKernelGetsTheTunnelPrefixesButNeverADefaultRoute() {
    GatewayConfig c = config(List.of(route("10.2.0.0", "255.255.0.0", "Tunnel1"),
        route("0.0.0.0", "0.0.0.0", "Tunnel2"), route("10.3.0.0", "255.255.0.0", "Gi1"),
        new StaticRoute("10.7.0.0", "255.255.0.0", null, "172.16.0.2", null)), List.of(), List.of());
    assertEquals(List.of("172.16.0.0/30", "172.16.0.4/30", "10.2.0.0/16", "10.7.0.0/16"),
        TunnelRoutes.kernelPrefixes(c));
  }

  @Test
  void theLookupAllocatesNothingPerPacket() {
    SecurityPolicyDatabase spd = SecurityPolicyDatabase.build(config(List.of(
        route("10.0.0.0", "255.0.0.0", "Tunnel1"), route("10.2.0.0", "255.255.0.0", "Tunnel2"),
        route("10.2.3.0", "255.255.255.0", "Gi1")), List.of(), List.of()));
    FlowKey[] flows = {to("10.9.9.9"), to("10.2.200.1"), to("10.2.3.4"), to("198.51.100.1")};
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    int hits = 0;
    for (int i = 0; i < 200_000; i++) {
      hits += spd.lookup(flows[i & 3]) != null ? 1 : 0;
    }
    long before = threads.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < 100_000; i++) {
      hits += spd.lookup(flows[i & 3]) != null ? 1 : 0;
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertEquals(150_000, hits, "two of four flows routed into tunnels");
    // one object per lookup would be at least 1.6 MB; what remains is the JIT's and the counter's own noise
    org.junit.jupiter.api.Assertions.assertTrue(allocated < 100_000,
        "allocated " + allocated + " bytes for 100000 lookups: less than a byte per lookup expected");
  }
}
