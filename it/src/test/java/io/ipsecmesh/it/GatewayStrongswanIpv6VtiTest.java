package io.ipsecmesh.it;

import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.capture;
import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.harness;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * An IPv6 static virtual tunnel interface ({@code tunnel mode ipsec ipv6}: IPv6 inside and outside, as on IOS)
 * against strongSwan configured as a route-based VPN, {@code local_ts = remote_ts = ::/0} ({@link VtiScenario}), over
 * the harness's IPv6 topology ({@code netns-up.sh --ipv6 --no-plain-routes}: WAN 2001:db8:ffff::1 — ::2, LANs
 * 2001:db8:1::/64 and 2001:db8:2::/64, no plain routes between them). The whole gateway in {@code v6gwa} with
 * {@code interface Tunnel6 … tunnel source wan0 / tunnel destination 2001:DB8:FFFF::2} and {@code ipv6 route
 * 2001:DB8:2::/64 Tunnel6} (resource {@code vti/gwa-ipv6.cfg}), strongSwan in {@code v6gwb}. Proves: the tunnel comes
 * up with the configuration, IKE over IPv6, the Child SA ::/0 both ways (TS_IPV6_ADDR_RANGE, RFC 7296 §3.13.1); ping6
 * crosses it in both directions, the static {@code ipv6 route} (not an ACL) selecting the tunnel; the show commands
 * as IOS prints an IPv6 VTI; and pre-fragmentation by the tunnel's {@code ipv6 mtu 1400}: a larger ping6 gets ICMPv6
 * Packet Too Big naming 1400 (RFC 8200 §5), after which the source fragments and the fragments cross; and,
 * strongSwan deleting the SAs and initiating itself, the tunnel as responder. Run under {@code flock
 * /tmp/ipsecmesh-heavy.lock}.
 */
class GatewayStrongswanIpv6VtiTest extends VtiScenario {

  @Override
  Tunnel tunnel() {
    return new Tunnel("v6", "vti/gwa-ipv6.cfg", Family.IPV6, Charon.IKEV2_GCM);
  }

  @Test
  @Order(1)
  void theIpv6TunnelComesUpWithTheConfigurationAndCarriesPing6BothWays() throws Exception {
    // no packet has been sent yet: the gateway initiated, over IPv6, because Tunnel6 is configured
    awaitChildSa();
    String sas = strongswanSas();
    assertTrue(sas.contains("ESTABLISHED") && sas.contains("2001:db8:ffff::1") && sas.contains("INSTALLED"), sas);
    assertTrue(sas.contains("local  ::/0\n") && sas.contains("remote ::/0\n"), "::/0 both ways:\n" + sas);

    pingUntilItCrosses(lanA, family.lanBHost());
    String aToB = ping(lanA, family.lanBHost(), 3);
    assertTrue(aToB.contains("3 received"), aToB + "\n" + diagnostics());
    String bToA = ping(lanB, family.lanAHost(), 3);
    assertTrue(bToA.contains("3 received"), "LAN B to LAN A, strongSwan's side first:\n" + bToA + "\n"
        + diagnostics());
    String counted = strongswanSas();
    assertTrue(counted.matches("(?s).*\\n +in  [0-9a-f]{8}, +[1-9][0-9]* bytes, +[1-9][0-9]* packets.*"), counted);
    assertTrue(counted.matches("(?s).*\\n +out [0-9a-f]{8}, +[1-9][0-9]* bytes, +[1-9][0-9]* packets.*"), counted);

    // the ipv6 route put LAN B into the forwarder's TUN, not into a route to the peer
    String route = capture(List.of("ip", "netns", "exec", gw, "ip", "-6", "-o", "route", "show", "2001:db8:2::/64"),
        Map.of());
    assertTrue(route.contains(" dev ") && !route.contains("wan0"), "LAN B routed into the forwarder's TUN: " + route);

    String show = show("show crypto ipsec sa");
    assertTrue(show.contains("interface: Tunnel6\n"), show);
    assertTrue(show.contains("  Crypto map tag: Tunnel6-head-0, local addr. 2001:DB8:FFFF::1\n"), show);
    assertTrue(show.contains("  local ident (addr/mask/prot/port): (::/0/0/0)\n"), show);
    assertTrue(show.contains("  remote ident (addr/mask/prot/port): (::/0/0/0)\n"), show);
    assertTrue(show.contains("    path mtu 1400, media mtu 1400\n"), show);
    String itf = showInterfaceOnceCounted(6);
    assertTrue(itf.startsWith("Tunnel6 is up, line protocol is up\n  Hardware is Tunnel\n"), itf);
    assertTrue(itf.contains("  Tunnel source 2001:DB8:FFFF::1 (wan0), destination 2001:DB8:FFFF::2\n"
        + "  Tunnel protocol/transport IPSEC/IPV6\n  Tunnel protection via IPSec (profile \"VTI6\")\n"), itf);
    assertTrue(itf.matches("(?s).*\\n     [1-9][0-9]* packets input, [1-9][0-9]* bytes, 0 no buffer\\n"
        + "     [1-9][0-9]* packets output, [1-9][0-9]* bytes, 0 underruns\\n"), itf);
    String brief = show("show ip interface brief");
    assertTrue(brief.contains("\nTunnel6                unassigned      YES unset  up                    up\n"), brief);
  }

  @Test
  @Order(2)
  void aPing6AboveTheTunnelsIpv6MtuGetsPacketTooBigAndThenCrossesFragmentedBySource() throws Exception {
    // 1450 + 48 bytes of headers: above ipv6 mtu 1400; IPv6 routers never fragment (RFC 8200 §5)
    String big = ping(lanA, family.lanBHost(), 2, "-s", "1450");
    assertTrue(big.contains("mtu=1400") || big.contains("mtu = 1400"),
        "ICMPv6 Packet Too Big naming the tunnel's ipv6 mtu:\n" + big + "\n" + diagnostics());
    // the source learnt 1400 and now fragments: each request crosses as fragments and is answered
    String again = ping(lanA, family.lanBHost(), 3, "-s", "1450");
    assertTrue(again.contains("3 received"), again + "\n" + diagnostics());
  }

  @Test
  @Order(3)
  void asResponderTheIpv6TunnelTakesTheNegotiationStrongswanStarts() throws Exception {
    // strongSwan deletes the tunnel's SAs and sets them up again itself, at once: ike-service answers as the
    // responder of Tunnel6 (before its own check, every 10 s, would bring the tunnel up again)
    harness(run, prefix, Map.of(), "sw.sh", peer, "--terminate", "--ike", "gw");
    String initiate = harness(run, prefix, Map.of(), "sw.sh", peer, "--initiate", "--child", "net");
    assertTrue(initiate.contains("initiate completed successfully"), initiate + "\n" + diagnostics());
    String sas = strongswanSas();
    assertTrue(sas.contains("local  ::/0\n") && sas.contains("remote ::/0\n"), "::/0 both ways:\n" + sas);
    pingUntilItCrosses(lanB, family.lanAHost());
    String aToB = ping(lanA, family.lanBHost(), 3);
    assertTrue(aToB.contains("3 received"), aToB + "\n" + diagnostics());
  }
}
