package io.ipsecmesh.testsupport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A LAN host behind a routing gateway, built with {@link Netns}: a ping crosses it, {@link Capture} sees the echo
 * requests on the gateway's side, and {@link Netns#close()} leaves no namespace behind. Needs root, iproute2,
 * ping, tcpdump and tshark; skipped with the reason otherwise.
 */
class NetnsTest {

  @TempDir
  Path dir;

  @Test
  void aHostBehindAGatewayPingsThroughItAndTheCaptureSeesIt() throws Exception {
    Netns.assumeRoot(false, "ip", "ping", "tcpdump", "tshark");
    String gw = "tsgw" + Netns.TAG;
    String host = "tsh" + Netns.TAG;
    String far = "tsf" + Netns.TAG;
    try (Netns netns = new Netns(gw, host, far)) {
      netns.lan(gw, host, "10.99.1.1", "10.99.1.10").router(gw)
          .veth(gw, "wan0", far, "wan0").addr(gw, "wan0", "10.99.2.1/24").addr(far, "wan0", "10.99.2.10/24")
          .up(gw, "wan0").up(far, "wan0").route(far, "10.99.1.0/24", "via", "10.99.2.1");
      List<String[]> rows;
      try (Capture wan = new Capture(dir, gw, "wan0", "icmp")) {
        Sh.Result ping = Netns.ping(host, "10.99.2.10", 2, 2);
        assertTrue(ping.ok(), ping.output());
        rows = wan.rows("ip.src", "ip.dst", "icmp.type");
      }
      assertTrue(rows.stream().anyMatch(r -> r[0].equals("10.99.1.10") && r[1].equals("10.99.2.10")
          && r[2].equals("8")), "the echo requests leave the gateway routed, not NATed");
    }
    String left = Sh.must("ip", "netns", "list");
    assertFalse(left.contains(gw) || left.contains(host) || left.contains(far), "namespaces left behind: " + left);
  }
}
