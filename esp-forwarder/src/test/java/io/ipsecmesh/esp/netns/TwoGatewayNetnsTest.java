package io.ipsecmesh.esp.netns;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two esp-forwarders with manual keys between network namespaces each test class creates:
 *
 * <pre>
 *  lana 10.91.21.10 -- gwa lan0 10.91.21.1 | gwa wan0 172.31.252.1 ==ESP-in-UDP== 172.31.252.2 gwb wan0 |
 *                                             gwb lan0 10.91.22.1 -- lanb 10.91.22.10
 * </pre>
 *
 * Each gateway runs {@link NetnsForwarderMain} in a child JVM under {@code ip netns exec}. There is
 * no route between the LANs except the forwarders' TUN routes, so every packet that arrives went
 * through ESP. Requires root, {@code ip}, {@code ping}, {@code iperf3} and {@code /dev/net/tun};
 * skipped otherwise. All traffic stays inside the namespaces, which are deleted afterwards.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TwoGatewayNetnsTest {

  private static final String TAG = Long.toString(ProcessHandle.current().pid() % 100000);
  static final String HOST_B = "10.91.22.10";
  /** iperf3 duration: 3 s in the build, longer for a load run ({@code -Desp.iperfSeconds=10}). */
  private static final int SECONDS = Integer.getInteger("esp.iperfSeconds", 3);
  /** Unmeasured iperf3 seconds before the measured run ({@code -Desp.iperfWarmup=3} in load runs). */
  private static final int WARMUP = Integer.getInteger("esp.iperfWarmup", 0);

  final String lana = "e" + kind() + "la" + TAG;
  final String gwa = "e" + kind() + "ga" + TAG;
  final String gwb = "e" + kind() + "gb" + TAG;
  final String lanb = "e" + kind() + "lb" + TAG;
  final List<Process> children = new ArrayList<>();
  final List<StringBuilder> logs = new ArrayList<>();
  private boolean created;

  /** "u" for ESP-in-UDP, "r" for raw ESP: part of the namespace names. */
  abstract String kind();

  @BeforeAll
  void topology() throws Exception {
    assumeTrue(Sh.isRoot(), "needs root to create network namespaces and TUN devices");
    assumeTrue(new File("/dev/net/tun").exists(), "no /dev/net/tun");
    assumeTrue(Sh.have("ip") && Sh.have("ping"), "needs iproute2 and ping");
    created = true;
    for (String ns : List.of(lana, gwa, gwb, lanb)) {
      Sh.must("ip", "netns", "add", ns);
      Sh.must("ip", "-n", ns, "link", "set", "lo", "up");
    }
    lan(gwa, lana, "10.91.21.1", "10.91.21.10");
    lan(gwb, lanb, "10.91.22.1", "10.91.22.10");
    Sh.must("ip", "link", "add", "wan0", "netns", gwa, "type", "veth", "peer", "name", "wan0", "netns", gwb);
    Sh.must("ip", "-n", gwa, "addr", "add", "172.31.252.1/30", "dev", "wan0");
    Sh.must("ip", "-n", gwb, "addr", "add", "172.31.252.2/30", "dev", "wan0");
    Sh.must("ip", "-n", gwa, "link", "set", "wan0", "up");
    Sh.must("ip", "-n", gwb, "link", "set", "wan0", "up");
    for (String gw : List.of(gwa, gwb)) {
      Sh.must("ip", "netns", "exec", gw, "sysctl", "-qw", "net.ipv4.ip_forward=1");
      Sh.must("ip", "netns", "exec", gw, "sysctl", "-qw", "net.ipv4.conf.all.rp_filter=0");
      Sh.must("ip", "netns", "exec", gw, "sysctl", "-qw", "net.ipv4.conf.default.rp_filter=0");
    }
    String encap = kind().equals("r") ? "raw" : "udp";
    CompletableFuture<Void> a = forwarder(gwa, "a", "172.31.252.1", "172.31.252.2", "10.91.21.0", "10.91.22.0", encap);
    CompletableFuture<Void> b = forwarder(gwb, "b", "172.31.252.2", "172.31.252.1", "10.91.22.0", "10.91.21.0", encap);
    try {
      CompletableFuture.allOf(a, b).get(90, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("forwarders did not become ready: " + logs, e);
    }
  }

  private static void lan(String gw, String host, String gwAddr, String hostAddr) {
    Sh.must("ip", "link", "add", "lan0", "netns", gw, "type", "veth", "peer", "name", "eth0", "netns", host);
    Sh.must("ip", "-n", gw, "addr", "add", gwAddr + "/24", "dev", "lan0");
    Sh.must("ip", "-n", host, "addr", "add", hostAddr + "/24", "dev", "eth0");
    Sh.must("ip", "-n", gw, "link", "set", "lan0", "up");
    Sh.must("ip", "-n", host, "link", "set", "eth0", "up");
    Sh.must("ip", "-n", host, "route", "add", "default", "via", gwAddr);
  }

  private CompletableFuture<Void> forwarder(String ns, String role, String... args) throws Exception {
    String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
    List<String> cmd = new ArrayList<>(Sh.inNs(ns, java, "--enable-native-access=ALL-UNNAMED", "-Xmx512m",
        "-Desp.gro=" + Boolean.getBoolean("esp.gro"), "-Desp.noGso=" + Boolean.getBoolean("esp.noGso"),
        "-Desp.noTso=" + Boolean.getBoolean("esp.noTso"), "-cp", System.getProperty("java.class.path"),
        NetnsForwarderMain.class.getName(), role));
    cmd.addAll(List.of(args));
    // extra options for the gateway JVMs of a load run, e.g. a flight recording: -Desp.gwJvmOption=-XX:...
    String extra = System.getProperty("esp.gwJvmOption");
    if (extra != null && !extra.isBlank()) {
      cmd.add(cmd.indexOf("-cp"), extra.replace("{gw}", role));
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    children.add(p);
    StringBuilder log = new StringBuilder();
    logs.add(log);
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Thread.ofPlatform().daemon().name("gw" + role + "-log").start(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          synchronized (log) {
            log.append("gw").append(role).append(": ").append(line).append('\n');
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

  @Test
  @Order(1)
  void pingCrossesTheTunnel() {
    Sh.Result r = Sh.run(20, Sh.inNs(lana, "ping", "-c", "3", "-W", "2", HOST_B).toArray(String[]::new));
    assertTrue(r.ok(), "ping through the tunnel failed: " + r.output() + "\n" + logs);
    assertTrue(r.output().contains("3 received"), r.output());
  }

  @Test
  @Order(2)
  void iperf3MeasuresLanToLanThroughput() throws Exception {
    assumeTrue(Sh.have("iperf3"), "iperf3 not installed");
    Process server = new ProcessBuilder(Sh.inNs(lanb, "timeout", Integer.toString(SECONDS + WARMUP + 40), "iperf3",
        "-s", "-B", HOST_B))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      // the one-off server must listen before the single client run starts
      for (int i = 0; i < 100 && Sh.run(5, Sh.inNs(lanb, "ss", "-Hltn", "sport = :5201").toArray(String[]::new))
          .output().isBlank(); i++) {
        server.waitFor(100, TimeUnit.MILLISECONDS);
      }
      if (WARMUP > 0) {
        // JIT warm-up of both gateway JVMs, not measured (the C peer of the comparison needs none)
        Sh.run(WARMUP + 20, Sh.inNs(lana, "iperf3", "-c", HOST_B, "-t", Integer.toString(WARMUP)).toArray(String[]::new));
      }
      Sh.Result client = Sh.run(SECONDS + 20,
          Sh.inNs(lana, "iperf3", "-c", HOST_B, "-t", Integer.toString(SECONDS), "-J").toArray(String[]::new));
      assertTrue(client.ok(), "iperf3 failed: " + client.output() + "\n" + logs);
      JsonObject end = new JsonObject(client.output()).getJsonObject("end");
      assertTrue(end != null && end.getJsonObject("sum_received") != null, "no iperf3 result: " + client.output());
      double mbps = end.getJsonObject("sum_received").getDouble("bits_per_second") / 1e6;
      long retransmits = end.getJsonObject("sum_sent").getLong("retransmits", 0L);
      System.out.printf("LAN-to-LAN iperf3 -t " + SECONDS + (WARMUP > 0 ? " (after " + WARMUP + " s warm-up)" : "")
          + " through two esp-forwarders (manual keys, AES-256-CBC + HMAC-SHA-256-128, "
          + (kind().equals("r") ? "raw ESP" : "ESP-in-UDP") + "): "
          + "%.0f Mbit/s received, %d retransmits%n", mbps, retransmits);
      assertTrue(mbps > 1, "throughput " + mbps + " Mbit/s");
    } finally {
      server.destroy();
      server.waitFor(5, TimeUnit.SECONDS);
    }
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
    synchronized (logs) {
      logs.forEach(l -> System.out.print(tail(l.toString(), 3000)));
    }
    if (created) {
      for (String ns : List.of(lana, gwa, gwb, lanb)) {
        Sh.run(10, "ip", "netns", "del", ns);
      }
    }
  }

  private static String tail(String s, int n) {
    return s.length() <= n ? s : s.substring(s.length() - n);
  }
}
