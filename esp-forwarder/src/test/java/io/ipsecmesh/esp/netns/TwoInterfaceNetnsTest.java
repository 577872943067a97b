package io.ipsecmesh.esp.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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

  private static final String TAG = Long.toString(ProcessHandle.current().pid() % 100000);
  private static final String LO1 = "172.31.251.1";
  private final String lana = "tila" + TAG;
  private final String gwa = "tiga" + TAG;
  private final String gwb = "tigb" + TAG;
  private final String lanb = "tilb" + TAG;
  private final List<Process> children = new ArrayList<>();
  private final StringBuilder logs = new StringBuilder();
  private boolean created;
  private Path dir;

  @BeforeAll
  void topology() throws Exception {
    assumeTrue(Sh.isRoot(), "needs root to create network namespaces and TUN devices");
    assumeTrue(new File("/dev/net/tun").exists(), "no /dev/net/tun");
    assumeTrue(Sh.have("ip") && Sh.have("ping") && Sh.have("tcpdump") && Sh.have("tshark"),
        "needs iproute2, ping, tcpdump and tshark");
    created = true;
    dir = Files.createTempDirectory("esp-ti");
    for (String ns : List.of(lana, gwa, gwb, lanb)) {
      Sh.must("ip", "netns", "add", ns);
      Sh.must("ip", "-n", ns, "link", "set", "lo", "up");
    }
    Sh.must("ip", "link", "add", "lan0", "netns", gwa, "type", "veth", "peer", "name", "eth0", "netns", lana);
    Sh.must("ip", "-n", gwa, "addr", "add", "10.94.1.1/24", "dev", "lan0");
    Sh.must("ip", "-n", lana, "addr", "add", "10.94.1.10/24", "dev", "eth0");
    Sh.must("ip", "link", "add", "lan0", "netns", gwb, "type", "veth", "peer", "name", "eth0", "netns", lanb);
    Sh.must("ip", "-n", gwb, "addr", "add", "10.94.2.1/24", "dev", "lan0");
    Sh.must("ip", "-n", gwb, "addr", "add", "10.94.3.1/24", "dev", "lan0");
    Sh.must("ip", "-n", lanb, "addr", "add", "10.94.2.10/24", "dev", "eth0");
    Sh.must("ip", "-n", lanb, "addr", "add", "10.94.3.10/24", "dev", "eth0");
    for (String[] l : List.of(new String[] {gwa, "lan0"}, new String[] {lana, "eth0"}, new String[] {gwb, "lan0"},
        new String[] {lanb, "eth0"})) {
      Sh.must("ip", "-n", l[0], "link", "set", l[1], "up");
    }
    Sh.must("ip", "-n", lana, "route", "add", "default", "via", "10.94.1.1");
    Sh.must("ip", "-n", lanb, "route", "add", "default", "via", "10.94.2.1");
    Sh.must("ip", "link", "add", "wan0", "netns", gwa, "type", "veth", "peer", "name", "wan0", "netns", gwb);
    Sh.must("ip", "link", "add", "wan1", "netns", gwa, "type", "veth", "peer", "name", "wan1", "netns", gwb);
    Sh.must("ip", "-n", gwa, "addr", "add", "172.31.252.1/30", "dev", "wan0");
    Sh.must("ip", "-n", gwb, "addr", "add", "172.31.252.2/30", "dev", "wan0");
    Sh.must("ip", "-n", gwa, "addr", "add", "172.31.252.5/30", "dev", "wan1");
    Sh.must("ip", "-n", gwb, "addr", "add", "172.31.252.6/30", "dev", "wan1");
    // interface Loopback1 of the configuration: an address on the namespace's loopback
    Sh.must("ip", "-n", gwa, "addr", "add", LO1 + "/32", "dev", "lo");
    for (String gw : List.of(gwa, gwb)) {
      for (String w : List.of("wan0", "wan1")) {
        Sh.must("ip", "-n", gw, "link", "set", w, "up");
      }
      Sh.must("ip", "netns", "exec", gw, "sysctl", "-qw", "net.ipv4.ip_forward=1");
      Sh.must("ip", "netns", "exec", gw, "sysctl", "-qw", "net.ipv4.conf.all.rp_filter=0");
      Sh.must("ip", "netns", "exec", gw, "sysctl", "-qw", "net.ipv4.conf.default.rp_filter=0");
    }
    // B reaches A's local address Loopback1 over wan1, the link of crypto map basilisk
    Sh.must("ip", "-n", gwb, "route", "add", LO1 + "/32", "via", "172.31.252.5", "dev", "wan1");
    CompletableFuture<Void> a = forwarder(gwa, "a", "172.31.252.1", "172.31.252.5", "172.31.252.2", "172.31.252.6",
        "10.94.1.0", "10.94.2.0", "10.94.1.0", "10.94.3.0", LO1);
    CompletableFuture<Void> b = forwarder(gwb, "b", "172.31.252.2", "172.31.252.6", "172.31.252.1", LO1,
        "10.94.2.0", "10.94.1.0", "10.94.3.0", "10.94.1.0");
    try {
      CompletableFuture.allOf(a, b).get(90, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("forwarders did not become ready: " + logs(), e);
    }
  }

  private CompletableFuture<Void> forwarder(String ns, String role, String... args) throws Exception {
    String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
    List<String> cmd = new ArrayList<>(Sh.inNs(ns, java, "--enable-native-access=ALL-UNNAMED", "-Xmx256m",
        "-cp", System.getProperty("java.class.path"), TwoInterfaceForwarderMain.class.getName(), role));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    children.add(p);
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Thread.ofPlatform().daemon().name("ti-gw" + role).start(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          synchronized (logs) {
            logs.append("gw").append(role).append(": ").append(line).append('\n');
          }
          if (line.equals("READY")) {
            ready.complete(null);
          }
        }
        ready.completeExceptionally(new IllegalStateException("gw" + role + " exited"));
      } catch (java.io.IOException e) {
        ready.completeExceptionally(e);
      }
    });
    return ready;
  }

  private String logs() {
    synchronized (logs) {
      return logs.toString();
    }
  }

  /** tcpdump on {@code iface} of gwa while pinging {@code host} with DF set; the ESP rows ip.src, ip.flags.df. */
  private List<String[]> espDuringPing(String iface, String host) throws Exception {
    Path file = Files.createTempFile(dir, iface, ".pcap");
    List<String> cmd = new ArrayList<>(Sh.inNs(gwa, "tcpdump", "--immediate-mode", "-Z", "root", "-i", iface, "-U",
        "-n", "-s", "200", "-w", file.toString(), "udp", "port", "4500"));
    Process tcpdump = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      String line = new BufferedReader(new InputStreamReader(tcpdump.getInputStream(), StandardCharsets.UTF_8))
          .readLine();
      assertTrue(line != null && line.contains("listening on"), "tcpdump: " + line);
      Sh.Result ping = Sh.run(20, Sh.inNs(lana, "ping", "-n", "-c", "3", "-i", "0.2", "-W", "3", "-s", "200", "-M",
          "do", host).toArray(String[]::new));
      assertTrue(ping.ok(), "ping " + host + " through the tunnel: " + ping.output() + logs());
    } finally {
      tcpdump.destroy();
      tcpdump.waitFor(10, TimeUnit.SECONDS);
    }
    Sh.Result r = Sh.run(30, "tshark", "-r", file.toString(), "-o", "ip.defragment:FALSE", "-T", "fields",
        "-E", "separator=/t", "-e", "ip.src", "-e", "ip.flags.df");
    assertTrue(r.ok(), "tshark: " + r.output());
    List<String[]> rows = new ArrayList<>();
    for (String l : r.output().split("\n")) {
      if (!l.isBlank() && !l.startsWith("Running as user")) {
        rows.add(l.split("\t", -1));
      }
    }
    return rows;
  }

  @Test
  void eachCryptoMapInterfaceSendsWithItsOwnAddressAndDfPolicy() throws Exception {
    // warm-up: neighbours, cold JVMs
    Sh.run(30, Sh.inNs(lana, "ping", "-n", "-c", "2", "-i", "0.3", "-W", "5", "10.94.2.10").toArray(String[]::new));
    Sh.run(30, Sh.inNs(lana, "ping", "-n", "-c", "2", "-i", "0.3", "-W", "5", "10.94.3.10").toArray(String[]::new));

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
  void teardown() throws Exception {
    for (Process p : children) {
      p.destroy();
    }
    for (Process p : children) {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
    if (created) {
      for (String ns : List.of(lana, gwa, gwb, lanb)) {
        Sh.run(10, "ip", "netns", "del", ns);
      }
    }
  }
}
