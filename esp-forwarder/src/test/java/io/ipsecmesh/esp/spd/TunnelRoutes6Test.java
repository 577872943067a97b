package io.ipsecmesh.esp.spd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.InterfaceConfig;
import io.ipsecmesh.proto.config.StaticRoute;
import io.ipsecmesh.proto.config.TunnelMode;
import io.ipsecmesh.proto.config.TunnelSettings;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * IPv6 routes into tunnel interfaces ({@code ipv6 route PREFIX/LEN TunnelN}, and a {@code tunnel mode ipsec ipv6}
 * tunnel's {@code ipv6 address} subnet): the longest prefix picks the tunnel, a longer route elsewhere takes the
 * packet away, a route by next hop in a tunnel's subnet is the tunnel's, the lowest distance wins among equal
 * prefixes; and the IPv4 routes are untouched.
 */
class TunnelRoutes6Test {

  private static InterfaceConfig tunnel6(String name, String v6, String destination) {
    return new InterfaceConfig(name, null, null, null, null, null, null, null,
        new TunnelSettings("Gi1", destination, TunnelMode.IPSEC_IPV6, "P")).withIpv6(v6, null);
  }

  private static final List<StaticRoute> ROUTES = List.of(
      new StaticRoute("fd91:22::", "48", "Tunnel6", null, null),
      new StaticRoute("fd91:22:0:5::", "64", "Gi1", null, null), // a longer route elsewhere
      new StaticRoute("fd91:33::", "64", null, "fd00:16::2", null), // by next hop, in Tunnel6's subnet
      new StaticRoute("fd91:44::", "64", "Tunnel7", null, 10),
      new StaticRoute("fd91:44::", "64", "Tunnel6", null, 5), // the lower distance wins
      new StaticRoute("::", "0", "Tunnel7", null, null),
      new StaticRoute("10.2.0.0", "255.255.0.0", "Tunnel1", null, null));

  private final SecurityPolicyDatabase spd = SecurityPolicyDatabase.build(config());

  /** {@link TunnelRoutesTest#config}'s interfaces (Gi1, IPv4 Tunnel1/Tunnel2, an unprotected Tunnel9) and two IPv6 tunnels. */
  private static GatewayConfig config() {
    GatewayConfig c = TunnelRoutesTest.config(ROUTES, List.of(), List.of());
    List<InterfaceConfig> itfs = new java.util.ArrayList<>(c.interfaces());
    itfs.add(tunnel6("Tunnel6", "fd00:16::1/64", "2001:db8:ff::2"));
    itfs.add(tunnel6("Tunnel7", "fd00:17::1/64", "2001:db8:ff::3"));
    return c.toBuilder().interfaces(itfs).build();
  }

  private static FlowKey to6(String dst) throws Exception {
    byte[] d = InetAddress.getByName(dst).getAddress();
    FlowKey f = new FlowKey();
    f.version = 6;
    f.dstHi = Ip128.readLong(d, 0);
    f.dstLo = Ip128.readLong(d, 8);
    f.protocol = 58;
    return f;
  }

  @Test
  void longestIpv6PrefixPicksTheTunnel() throws Exception {
    assertEquals("Tunnel6", spd.lookup(to6("fd91:22:0:1::9")).mapName());
    assertNull(spd.lookup(to6("fd91:22:0:5::9")), "the longer /64 via Gi1 is no tunnel's: the crypto maps decide");
    assertEquals("Tunnel6", spd.lookup(to6("fd91:33::1")).mapName(), "next hop fd00:16::2 is in Tunnel6's /64");
    assertEquals("Tunnel6", spd.lookup(to6("fd91:44::1")).mapName(), "distance 5 beats 10");
    assertEquals("Tunnel6", spd.lookup(to6("fd00:16::2")).mapName(), "the tunnel's connected subnet");
    assertEquals("Tunnel7", spd.lookup(to6("2001:db8:77::1")).mapName(), "the default route ::/0");
    assertEquals("Tunnel1", spd.lookup(TunnelRoutesTest.to("10.2.3.4")).mapName(), "IPv4 as before");
  }

  @Test
  void kernelRoutesIncludeTheIpv6PrefixesButNotTheDefault() {
    List<String> p = TunnelRoutes.kernelPrefixes(config());
    assertEquals(true, p.containsAll(List.of("fd91:22::/48", "fd91:33::/64", "fd91:44::/64", "fd00:16::/64",
        "fd00:17::/64")), p.toString());
    assertEquals(false, p.contains("::/0"), p.toString());
    assertEquals(false, p.contains("fd91:22:0:5::/64"), "Gi1's route is not steered into the TUN");
  }
}
