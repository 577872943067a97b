package io.ipsecmesh.it;

import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.capture;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * A static virtual tunnel interface against strongSwan configured as route-based VPNs are, {@code local_ts =
 * remote_ts = 0.0.0.0/0} ({@link VtiScenario}): the whole gateway in namespace {@code vtgwa} with {@code interface
 * Tunnel1 … tunnel protection ipsec profile VTI} and {@code ip route 10.91.2.0 255.255.255.0 Tunnel1} (resource
 * {@code vti/gwa.cfg}), strongSwan in {@code vtgwb}, LAN hosts behind both and no plain routes between the LANs.
 * Proves: the tunnel comes up with the configuration, before any traffic (IOS brings VTIs up proactively); the Child
 * SA is 0.0.0.0/0 both ways; LAN-to-LAN pings cross it (the route, not an ACL, selects the tunnel); {@code show crypto
 * ipsec sa} lists it under {@code interface: Tunnel1}; and the seed's pre-fragmentation procedure through the
 * tunnel's {@code ip mtu 1400}: a DF ping above 1400 bytes gets fragmentation-needed with MTU 1400, the same ping
 * without DF is fragmented before encryption and answered. Run under {@code flock /tmp/ipsecmesh-heavy.lock}.
 */
class GatewayStrongswanVtiTest extends VtiScenario {

  @Override
  Tunnel tunnel() {
    return new Tunnel("vt", "vti/gwa.cfg", Family.IPV4, Charon.IKEV2_GCM);
  }

  @Test
  @Order(1)
  void theTunnelComesUpWithTheConfigurationAndCarriesLanTraffic() throws Exception {
    // no packet has been sent yet: the gateway initiated because Tunnel1 is configured
    awaitChildSa();
    String sas = strongswanSas();
    assertTrue(sas.contains("INSTALLED") && sas.contains("local  0.0.0.0/0\n") && sas.contains("remote 0.0.0.0/0\n"),
        "any-to-any selectors:\n" + sas);

    pingUntilItCrosses(lanA, family.lanBHost());
    String ping = ping(lanA, family.lanBHost(), 3);
    assertTrue(ping.contains("3 received"), ping + "\n" + diagnostics());
    String after = strongswanSas();
    assertTrue(after.matches("(?s).*\\n +in  [0-9a-f]{8}, +[1-9][0-9]* bytes, +[1-9][0-9]* packets.*"), after);

    String show = show("show crypto ipsec sa");
    assertTrue(show.contains("interface: Tunnel1\n"), show);
    assertTrue(show.contains("  Crypto map tag: Tunnel1-head-0, local addr. 172.31.255.1\n"), show);
    assertTrue(show.contains("  local ident (addr/mask/prot/port): (0.0.0.0/0.0.0.0/0/0)\n"), show);
    assertTrue(show.contains("    path mtu 1400, media mtu 1400\n"), show);

    // the interface commands: line protocol up with the SA, the forwarder's counters
    String itf = showInterfaceOnceCounted(1);
    assertTrue(itf.startsWith("Tunnel1 is up, line protocol is up\n  Hardware is Tunnel\n"), itf);
    assertTrue(itf.contains("  Tunnel source 172.31.255.1 (wan0), destination 172.31.255.2\n"
        + "  Tunnel protocol/transport IPSEC/IP\n  Tunnel protection via IPSec (profile \"VTI\")\n"), itf);
    assertTrue(itf.matches("(?s).*\\n     [1-9][0-9]* packets input, [1-9][0-9]* bytes, 0 no buffer\\n"
        + "     [1-9][0-9]* packets output, [1-9][0-9]* bytes, 0 underruns\\n"), itf);
    String brief = show("show ip interface brief");
    assertTrue(brief.contains("\nTunnel1                172.16.91.1     YES NVRAM  up                    up\n"), brief);
    String ip = show("show ip interface tunnel 1");
    assertTrue(ip.startsWith("Tunnel1 is up, line protocol is up\n") && ip.contains("  MTU is 1400 bytes\n"), ip);
  }

  @Test
  @Order(3)
  void aDfPacketAboveTheTunnelsIpMtuGetsFragmentationNeededWithIt() throws Exception {
    // 1450 + 28 bytes of headers: above ip mtu 1400, DF set by ping -M do
    String ping = ping(lanA, family.lanBHost(), 2, "-M", "do", "-s", "1450");
    assertTrue(ping.contains("mtu = 1400") || ping.contains("mtu=1400"), ping);
    assertTrue(ping.contains("0 received"), ping);
  }

  @Test
  @Order(2) // before the DF test: its fragmentation-needed would make lana cut the packet itself (path MTU cache)
  void withoutDfTheSamePacketIsFragmentedBeforeEncryptionAndAnswered() throws Exception {
    long before = strongswanInboundPackets();
    String ping = ping(lanA, family.lanBHost(), 3, "-M", "dont", "-s", "1450");
    assertTrue(ping.contains("3 received"), ping + "\n" + diagnostics());
    // each request crossed as two ESP packets, one per inner fragment: strongSwan's inbound SA counted them
    long after = strongswanInboundPackets();
    assertTrue(after - before >= 6, "ESP packets in at strongSwan: " + before + " -> " + after);
  }

  @Test
  @Order(5)
  void withoutTheRouteIntoTheTunnelLanTrafficDoesNotLeaveInClear() throws Exception {
    String route = capture(List.of("ip", "netns", "exec", gw, "ip", "-o", "route", "show", "10.91.2.0/24"), Map.of());
    Matcher dev = Pattern.compile(" dev (\\S+)").matcher(route);
    assertTrue(dev.find(), "the forwarder routes LAN B into its TUN: " + route);
    // a route that sends LAN B to the peer in clear, as a missing TUN route and a default route would
    capture(List.of("ip", "netns", "exec", gw, "ip", "route", "replace", "10.91.2.0/24", "via", "172.31.255.2",
        "dev", "wan0"), Map.of());
    try {
      String ping = ping(lanA, family.lanBHost(), 2);
      assertTrue(ping.contains(" 0 received"), ping);
      String counter = capture(List.of("ip", "netns", "exec", gw, "nft", "list", "counter", "inet", "ipsecmesh_access",
          "cleartext_0"), Map.of());
      Matcher packets = Pattern.compile("packets (\\d+)").matcher(counter);
      assertTrue(packets.find() && Long.parseLong(packets.group(1)) >= 2,
          "the access check dropped the clear-text pings on wan0:\n" + counter);
    } finally {
      capture(List.of("ip", "netns", "exec", gw, "ip", "route", "replace", "10.91.2.0/24", "dev", dev.group(1)),
          Map.of());
    }
    String ping = ping(lanA, family.lanBHost(), 2);
    assertTrue(ping.contains("2 received"), "through the tunnel again: " + ping);
  }
}
