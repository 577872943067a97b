package io.ipsecmesh.esp.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.testsupport.Capture;
import io.ipsecmesh.testsupport.ChildJvm;
import io.ipsecmesh.testsupport.Netns;
import io.ipsecmesh.testsupport.Sh;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Several crypto map interfaces on the wire: gateway A has crypto map armadillo on wan0 (with its own
 * {@code crypto ipsec df-bit copy}) and basilisk on wan1 (the global {@code crypto ipsec df-bit clear}), as
 * in the seed's DF Bit Override example, and {@code crypto map basilisk local-address Loopback1}. A ping with DF
 * set from LAN A to each of B's two networks is captured on A's wan0 and wan1: armadillo's ESP leaves wan0
 * from wan0's address with DF copied (set), basilisk's leaves wan1 from Loopback1's address with DF clear.
 *
 * <pre>
 *  lana 10.94.1.10 -- gwa lan0 10.94.1.1 | gwa wan0 172.31.252.1 ==armadillo== 172.31.252.2 gwb wan0 |
 *                                          gwa wan1 172.31.252.5 ==basilisk=== 172.31.252.6 gwb wan1 | gwb lan0 -- lanb
 *                                          (gwa Loopback1 172.31.251.1: basilisk's local address)      10.94.2.10, 10.94.3.10
 * </pre>
 *
 * Requires root, iproute2, ping, tcpdump, tshark and /dev/net/tun; skipped otherwise. Namespaces are
 * deleted afterwards, also after a failure.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TwoInterfaceNetnsTest {

  private static final String LO1 = "172.31.251.1";
  private final String lana = "tila" + Netns.TAG;
  private final String gwa = "tiga" + Netns.TAG;
  private final String gwb = "tigb" + Netns.TAG;
  private final String lanb = "tilb" + Netns.TAG;
  private final List<ChildJvm> forwarders = new ArrayList<>();
  private Netns netns;
  private Path dir;

  @BeforeAll
  void topology() throws Exception {
    Netns.assumeRoot(true, "ip", "ping", "tcpdump", "tshark");
    dir = io.ipsecmesh.testsupport.Sh.runDirectory("esp-ti");
    netns = new Netns(lana, gwa, gwb, lanb);
    netns.lan(gwa, lana, "10.94.1.1", "10.94.1.10")
        .lan(gwb, lanb, "10.94.2.1", "10.94.2.10")
        // B's LAN has a second network, reached over crypto map basilisk
        .addr(gwb, "lan0", "10.94.3.1/24").addr(lanb, "eth0", "10.94.3.10/24")
        .veth(gwa, "wan0", gwb, "wan0").veth(gwa, "wan1", gwb, "wan1")
        .addr(gwa, "wan0", "172.31.252.1/30").addr(gwb, "wan0", "172.31.252.2/30")
        .addr(gwa, "wan1", "172.31.252.5/30").addr(gwb, "wan1", "172.31.252.6/30")
        // interface Loopback1 of the configuration: an address on the namespace's loopback
        .addr(gwa, "lo", LO1 + "/32");
    for (String gw : List.of(gwa, gwb)) {
      netns.up(gw, "wan0", "wan1").router(gw);
    }
    // B reaches A's local address Loopback1 over wan1, the link of crypto map basilisk
    netns.route(gwb, LO1 + "/32", "via", "172.31.252.5", "dev", "wan1");
    forwarder(gwa, "a", "172.31.252.1", "172.31.252.5", "172.31.252.2", "172.31.252.6",
        "10.94.1.0", "10.94.2.0", "10.94.1.0", "10.94.3.0", LO1);
    forwarder(gwb, "b", "172.31.252.2", "172.31.252.6", "172.31.252.1", LO1,
        "10.94.2.0", "10.94.1.0", "10.94.3.0", "10.94.1.0");
    for (ChildJvm f : forwarders) {
      f.await("READY"::equals, Duration.ofSeconds(90), "READY");
    }
  }

  private void forwarder(String ns, String role, String... args) throws Exception {
    String[] all = new String[args.length + 1];
    all[0] = role;
    System.arraycopy(args, 0, all, 1, args.length);
    forwarders.add(ChildJvm.startIn(ns, "ti-gw" + role, ChildJvm.NATIVE_ACCESS, TwoInterfaceForwarderMain.class,
        all));
  }

  private String logs() throws InterruptedException {
    StringBuilder b = new StringBuilder();
    for (ChildJvm f : forwarders) {
      b.append(f.output()).append('\n');
    }
    return b.toString();
  }

  /** tcpdump on {@code iface} of gwa while pinging {@code host} with DF set; the ESP rows ip.src, ip.flags.df. */
  private List<String[]> espDuringPing(String iface, String host) throws Exception {
    try (Capture wan = new Capture(dir, gwa, iface, "udp port 4500")) {
      Sh.Result ping = Netns.ping(lana, host, 3, 3, "-s", "200", "-M", "do");
      assertTrue(ping.ok(), "ping " + host + " through the tunnel: " + ping.output() + logs());
      return wan.rows("ip.src", "ip.flags.df");
    }
  }

  @Test
  void eachCryptoMapInterfaceSendsWithItsOwnAddressAndDfPolicy() throws Exception {
    // warm-up: neighbours, cold JVMs
    Netns.ping(lana, "10.94.2.10", 2, 5, "-i", "0.3");
    Netns.ping(lana, "10.94.3.10", 2, 5, "-i", "0.3");

    List<String[]> wan0 = espDuringPing("wan0", "10.94.2.10");
    List<String[]> fromA0 = wan0.stream().filter(f -> !f[0].equals("172.31.252.2")).toList();
    assertFalse(fromA0.isEmpty(), "armadillo's ESP on wan0: " + wan0.stream().map(List::of).toList());
    for (String[] f : fromA0) {
      assertEquals("172.31.252.1", f[0], "armadillo leaves from wan0's address");
      assertTrue(DfBitNetnsTest.flag(f[1]), "wan0: crypto ipsec df-bit copy copies the inner DF (set)");
    }

    List<String[]> wan1 = espDuringPing("wan1", "10.94.3.10");
    List<String[]> fromA1 = wan1.stream().filter(f -> !f[0].equals("172.31.252.6")).toList();
    assertFalse(fromA1.isEmpty(), "basilisk's ESP on wan1: " + wan1.stream().map(List::of).toList());
    for (String[] f : fromA1) {
      assertEquals(LO1, f[0], "crypto map basilisk local-address Loopback1: ESP leaves from Loopback1's address");
      assertFalse(DfBitNetnsTest.flag(f[1]), "wan1: the global crypto ipsec df-bit clear");
    }
    System.out.printf("armadillo on wan0: %d ESP packets from %s DF=%s; basilisk on wan1: %d from %s DF=%s%n",
        fromA0.size(), fromA0.get(0)[0], fromA0.get(0)[1], fromA1.size(), fromA1.get(0)[0], fromA1.get(0)[1]);
  }

  @AfterAll
  void teardown() {
    forwarders.forEach(ChildJvm::close);
    if (netns != null) {
      netns.close();
    }
  }
}
