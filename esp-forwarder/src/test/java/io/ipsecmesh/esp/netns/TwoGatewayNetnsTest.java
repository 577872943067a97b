package io.ipsecmesh.esp.netns;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ipsecmesh.testsupport.ChildJvm;
import io.ipsecmesh.testsupport.Netns;
import io.ipsecmesh.testsupport.Sh;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * Subclasses choose the encapsulation ({@link #kind()}) and may make the WAN IPv6 ({@link #wanA()}, {@link #wanB()})
 * and the LANs dual-stack ({@link #dualStack()}: fd91:21::/64 and fd91:22::/64 as well, with an IPv6 crypto map
 * beside the IPv4 one, {@link io.ipsecmesh.esp.ManualKeyConfigs#dualStack}).
 *
 * <p>Each gateway runs {@link NetnsForwarderMain} in a child JVM under {@code ip netns exec}. There is
 * no route between the LANs except the forwarders' TUN routes, so every packet that arrives went
 * through ESP. Requires root, {@code ip}, {@code ping}, {@code iperf3} and {@code /dev/net/tun};
 * skipped otherwise. All traffic stays inside the namespaces, which are deleted afterwards.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TwoGatewayNetnsTest {

  static final String HOST_B = "10.91.22.10";
  static final String HOST_A6 = "fd91:21::10";
  static final String HOST_B6 = "fd91:22::10";
  /** iperf3 duration: 3 s in the build, longer for a load run ({@code -Desp.iperfSeconds=10}). */
  private static final int SECONDS = Integer.getInteger("esp.iperfSeconds", 3);
  /** Unmeasured iperf3 seconds before the measured run ({@code -Desp.iperfWarmup=3} in load runs). */
  private static final int WARMUP = Integer.getInteger("esp.iperfWarmup", 0);

  final String lana = "e" + kind() + "la" + Netns.TAG;
  final String gwa = "e" + kind() + "ga" + Netns.TAG;
  final String gwb = "e" + kind() + "gb" + Netns.TAG;
  final String lanb = "e" + kind() + "lb" + Netns.TAG;
  private final List<ChildJvm> forwarders = new ArrayList<>();
  private Netns netns;

  /** "u" for ESP-in-UDP, "r" for raw ESP (and a suffix of the subclass's): part of the namespace names. */
  abstract String kind();

  /** Gateway A's WAN address: IPv4 by default; an IPv6 one makes an IPv6 WAN (/64). */
  String wanA() {
    return "172.31.252.1";
  }

  String wanB() {
    return "172.31.252.2";
  }

  /** Whether the LANs also carry IPv6, with an IPv6 crypto map beside the IPv4 one. */
  boolean dualStack() {
    return false;
  }

  /** The iperf3 server on LAN B (its address family is the TCP test's). */
  String iperfHost() {
    return HOST_B;
  }

  /** Raw ESP instead of ESP-in-UDP (kind "r…"). */
  boolean raw() {
    return kind().startsWith("r");
  }

  @BeforeAll
  void topology() throws Exception {
    Netns.assumeRoot(true, "ip", "ping");
    netns = new Netns(lana, gwa, gwb, lanb);
    String wanLength = wanA().indexOf(':') >= 0 ? "/64" : "/30";
    netns.lan(gwa, lana, "10.91.21.1", "10.91.21.10")
        .lan(gwb, lanb, "10.91.22.1", "10.91.22.10")
        .veth(gwa, "wan0", gwb, "wan0")
        .addr(gwa, "wan0", wanA() + wanLength).addr(gwb, "wan0", wanB() + wanLength)
        .up(gwa, "wan0").up(gwb, "wan0")
        .router(gwa).router(gwb);
    if (dualStack()) {
      netns.lan6(gwa, lana, "fd91:21::1", HOST_A6).lan6(gwb, lanb, "fd91:22::1", HOST_B6).router6(gwa).router6(gwb);
    }
    String encap = raw() ? "raw" : "udp";
    List<String> six = dualStack() ? List.of("fd91:21::", "fd91:22::") : List.of();
    forwarder(gwa, "a", args(wanA(), wanB(), "10.91.21.0", "10.91.22.0", encap, six));
    forwarder(gwb, "b", args(wanB(), wanA(), "10.91.22.0", "10.91.21.0", encap, six.reversed()));
    for (ChildJvm f : forwarders) {
      f.await("READY"::equals, Duration.ofSeconds(90), "READY");
    }
  }

  private static String[] args(String wan, String peer, String local, String remote, String encap, List<String> six) {
    List<String> a = new ArrayList<>(List.of(wan, peer, local, remote, encap));
    a.addAll(six);
    return a.toArray(String[]::new);
  }

  private void forwarder(String ns, String role, String... args) throws Exception {
    List<String> flags = new ArrayList<>(ChildJvm.NATIVE_ACCESS);
    flags.addAll(List.of("-Xmx512m", "-Desp.gro=" + Boolean.getBoolean("esp.gro"),
        "-Desp.noGso=" + Boolean.getBoolean("esp.noGso"), "-Desp.noTso=" + Boolean.getBoolean("esp.noTso")));
    flags.addAll(forwarderProperties());
    // extra options for the gateway JVMs of a load run, e.g. a flight recording: -Desp.gwJvmOption=-XX:...
    String extra = System.getProperty("esp.gwJvmOption");
    if (extra != null && !extra.isBlank()) {
      flags.add(extra.replace("{gw}", role));
    }
    String[] all = new String[args.length + 1];
    all[0] = role;
    System.arraycopy(args, 0, all, 1, args.length);
    forwarders.add(ChildJvm.startIn(ns, "gw" + role, flags, NetnsForwarderMain.class, all));
  }

  /** System properties for both forwarder JVMs ({@link NetnsForwarderMain} reads them), after the defaults. */
  List<String> forwarderProperties() {
    return List.of();
  }

  /** What gateway A ({@code a}) or B ({@code b}) printed so far. */
  String output(String role) throws InterruptedException {
    return forwarders.get(role.equals("a") ? 0 : 1).output();
  }

  String logs() throws InterruptedException {
    StringBuilder b = new StringBuilder();
    for (ChildJvm f : forwarders) {
      b.append(f.output()).append('\n');
    }
    return b.toString();
  }

  @Test
  @Order(1)
  void pingCrossesTheTunnel() throws Exception {
    Sh.Result r = Sh.run(20, Sh.inNs(lana, "ping", "-c", "3", "-W", "2", HOST_B).toArray(String[]::new));
    assertTrue(r.ok(), "ping through the tunnel failed: " + r.output() + "\n" + logs());
    assertTrue(r.output().contains("3 received"), r.output());
  }

  @Test
  @Order(2)
  void iperf3MeasuresLanToLanThroughput() throws Exception {
    assumeTrue(Sh.have("iperf3"), "iperf3 not installed");
    Process server = new ProcessBuilder(Sh.inNs(lanb, "timeout", Integer.toString(SECONDS + WARMUP + 40), "iperf3",
        "-s", "-B", iperfHost()))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      // the one-off server must listen before the single client run starts
      for (int i = 0; i < 100 && Sh.run(5, Sh.inNs(lanb, "ss", "-Hltn", "sport = :5201").toArray(String[]::new))
          .output().isBlank(); i++) {
        server.waitFor(100, TimeUnit.MILLISECONDS);
      }
      if (WARMUP > 0) {
        // JIT warm-up of both gateway JVMs, not measured (the C peer of the comparison needs none)
        Sh.run(WARMUP + 20, Sh.inNs(lana, "iperf3", "-c", iperfHost(), "-t", Integer.toString(WARMUP))
            .toArray(String[]::new));
      }
      Sh.Result client = Sh.run(SECONDS + 20,
          Sh.inNs(lana, "iperf3", "-c", iperfHost(), "-t", Integer.toString(SECONDS), "-J").toArray(String[]::new));
      assertTrue(client.ok(), "iperf3 failed: " + client.output() + "\n" + logs());
      JsonObject end = new JsonObject(client.output()).getJsonObject("end");
      assertTrue(end != null && end.getJsonObject("sum_received") != null, "no iperf3 result: " + client.output());
      double mbps = end.getJsonObject("sum_received").getDouble("bits_per_second") / 1e6;
      long retransmits = end.getJsonObject("sum_sent").getLong("retransmits", 0L);
      System.out.printf("LAN-to-LAN iperf3 -t " + SECONDS + (WARMUP > 0 ? " (after " + WARMUP + " s warm-up)" : "")
          + " through two esp-forwarders (manual keys, AES-256-CBC + HMAC-SHA-256-128, "
          + (raw() ? "raw ESP" : "ESP-in-UDP") + (wanA().indexOf(':') >= 0 ? " over IPv6" : "")
          + (iperfHost().indexOf(':') >= 0 ? ", TCP over IPv6" : "") + "): "
          + "%.0f Mbit/s received, %d retransmits%n", mbps, retransmits);
      assertTrue(mbps > 1, "throughput " + mbps + " Mbit/s");
    } finally {
      server.destroy();
      server.waitFor(5, TimeUnit.SECONDS);
    }
  }

  @AfterAll
  void teardown() throws Exception {
    String log = logs();
    forwarders.forEach(ChildJvm::close);
    System.out.print(log.length() <= 6000 ? log : log.substring(log.length() - 6000));
    if (netns != null) {
      netns.close();
    }
  }
}
