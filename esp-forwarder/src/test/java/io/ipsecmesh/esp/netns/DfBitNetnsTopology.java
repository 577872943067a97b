package io.ipsecmesh.esp.netns;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * Two esp-forwarders ({@link DfBitForwarderMain}) with manual keys between namespaces this class
 * creates, whose wan0 policy (df-bit, fragmentation, ip mtu) tests change at run time, and packet
 * captures with tcpdump read back by tshark:
 *
 * <pre>
 *  lana 10.93.1.10 -- gwa lan0 10.93.1.1 | gwa wan0 172.31.253.1 ==ESP-in-UDP== 172.31.253.2 gwb wan0 |
 *                                          gwb lan0 10.93.2.1 -- lanb 10.93.2.10
 * </pre>
 *
 * Both wan0 ends have link MTU {@link #WAN_MTU}. Requires root, iproute2, ping, tcpdump, tshark and
 * /dev/net/tun; skipped otherwise. Namespaces are deleted afterwards, also after a failure.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DfBitNetnsTopology {

  static final int WAN_MTU = 1200;
  static final String HOST_A = "10.93.1.10";
  static final String HOST_B = "10.93.2.10";
  static final String WAN_A = "172.31.253.1";
  static final String WAN_B = "172.31.253.2";
  private static final String TAG = Long.toString(ProcessHandle.current().pid() % 100000);

  final String lana = kind() + "la" + TAG;
  final String gwa = kind() + "ga" + TAG;
  final String gwb = kind() + "gb" + TAG;
  final String lanb = kind() + "lb" + TAG;
  private final List<Process> children = new ArrayList<>();
  private final List<StringBuilder> logs = new ArrayList<>();
  private final BlockingQueue<String> answersA = new LinkedBlockingQueue<>();
  private final BlockingQueue<String> answersB = new LinkedBlockingQueue<>();
  private OutputStream stdinA;
  private OutputStream stdinB;
  private boolean created;
  Path dir;

  /** Prefix of the namespace names ("df", "pf", "ac"), unique per test class. */
  abstract String kind();

  /** Extra setup in the gateways' namespaces before the forwarders start. */
  void beforeForwarders() {}

  @BeforeAll
  void topology() throws Exception {
    assumeTrue(Sh.isRoot(), "needs root to create network namespaces and TUN devices");
    assumeTrue(new File("/dev/net/tun").exists(), "no /dev/net/tun");
    assumeTrue(Sh.have("ip") && Sh.have("ping") && Sh.have("tcpdump") && Sh.have("tshark"),
        "needs iproute2, ping, tcpdump and tshark");
    created = true;
    dir = Files.createTempDirectory("esp-" + kind());
    for (String ns : List.of(lana, gwa, gwb, lanb)) {
      Sh.must("ip", "netns", "add", ns);
      Sh.must("ip", "-n", ns, "link", "set", "lo", "up");
    }
    lan(gwa, lana, "10.93.1.1", HOST_A);
    lan(gwb, lanb, "10.93.2.1", HOST_B);
    Sh.must("ip", "link", "add", "wan0", "netns", gwa, "type", "veth", "peer", "name", "wan0", "netns", gwb);
    Sh.must("ip", "-n", gwa, "addr", "add", WAN_A + "/30", "dev", "wan0");
    Sh.must("ip", "-n", gwb, "addr", "add", WAN_B + "/30", "dev", "wan0");
    for (String gw : List.of(gwa, gwb)) {
      Sh.must("ip", "-n", gw, "link", "set", "wan0", "mtu", Integer.toString(WAN_MTU), "up");
      Sh.must("ip", "netns", "exec", gw, "sysctl", "-qw", "net.ipv4.ip_forward=1");
      Sh.must("ip", "netns", "exec", gw, "sysctl", "-qw", "net.ipv4.conf.all.rp_filter=0");
      Sh.must("ip", "netns", "exec", gw, "sysctl", "-qw", "net.ipv4.conf.default.rp_filter=0");
    }
    beforeForwarders();
    CompletableFuture<Void> a = forwarder(gwa, "a", answersA, WAN_A, WAN_B, "10.93.1.0", "10.93.2.0");
    CompletableFuture<Void> b = forwarder(gwb, "b", answersB, WAN_B, WAN_A, "10.93.2.0", "10.93.1.0");
    try {
      CompletableFuture.allOf(a, b).get(90, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("forwarders did not become ready: " + logs, e);
    }
    stdinA = children.get(0).getOutputStream();
    stdinB = children.get(1).getOutputStream();
    // the first packets resolve neighbours and meet cold code in both JVMs: not part of any test row
    Sh.Result warm = Sh.run(30, Sh.inNs(lana, "ping", "-n", "-c", "3", "-i", "0.3", "-W", "5", HOST_B)
        .toArray(String[]::new));
    if (!warm.ok()) {
      throw new AssertionError("no traffic through the tunnel: " + warm.output() + logs);
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

  private CompletableFuture<Void> forwarder(String ns, String role, BlockingQueue<String> answers, String... args)
      throws Exception {
    String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
    List<String> cmd = new ArrayList<>(Sh.inNs(ns, java, "--enable-native-access=ALL-UNNAMED", "-Xmx256m",
        "-cp", System.getProperty("java.class.path"), DfBitForwarderMain.class.getName(), role));
    cmd.addAll(List.of(args));
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
          } else if (line.startsWith("POLICY-") || line.startsWith("FSTATS") || line.startsWith("ACCESS")) {
            answers.add(line);
          }
        }
        ready.completeExceptionally(new IllegalStateException("gw" + role + " exited"));
      } catch (java.io.IOException e) {
        ready.completeExceptionally(e);
      }
    });
    return ready;
  }

  private String ask(boolean a, String command) throws Exception {
    OutputStream in = a ? stdinA : stdinB;
    in.write((command + "\n").getBytes(StandardCharsets.UTF_8));
    in.flush();
    String answer = (a ? answersA : answersB).poll(20, TimeUnit.SECONDS);
    if (answer == null || answer.startsWith("POLICY-FAILED")) {
      throw new AssertionError(command + " -> " + answer + "\n" + logs);
    }
    return answer;
  }

  /** Gives gateway A (or B) a new wan0 policy and waits until its pipeline runs with it. */
  void policy(boolean a, String df, String fragmentation, int mtu) throws Exception {
    ask(a, "POLICY " + df + " " + fragmentation + " " + mtu);
  }

  /** Gateway A's fragmentation counters, as {@code FSTATS before=… fragments=… after=… dfDrops=… icmp=…}. */
  String statsA() throws Exception {
    return ask(true, "STATS");
  }

  /** Clear-text packets gateway A's access check dropped, as the forwarder reads its nftables counters. */
  long accessDropsA() throws Exception {
    String answer = ask(true, "ACCESS");
    if (answer.contains("error=")) {
      throw new AssertionError(answer);
    }
    return stat(answer, "total");
  }

  static long stat(String stats, String name) {
    for (String w : stats.split(" ")) {
      if (w.startsWith(name + "=")) {
        return Long.parseLong(w.substring(name.length() + 1));
      }
    }
    throw new AssertionError(name + " not in " + stats);
  }

  /** A running tcpdump on one interface of one namespace, read back with tshark. */
  final class Capture implements AutoCloseable {
    private final Process tcpdump;
    private final Path file;

    Capture(String ns, String iface, String filter) throws Exception {
      file = Files.createTempFile(dir, ns + "-" + iface, ".pcap");
      List<String> cmd = new ArrayList<>(Sh.inNs(ns, "tcpdump", "--immediate-mode", "-Z", "root", "-i", iface, "-U", "-n", "-s", "200", "-w",
          file.toString()));
      cmd.addAll(Arrays.asList(filter.split(" ")));
      tcpdump = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      // tcpdump says "listening on IFACE" once its capture is open
      BufferedReader r = new BufferedReader(new InputStreamReader(tcpdump.getInputStream(), StandardCharsets.UTF_8));
      String line = r.readLine();
      if (line == null || !line.contains("listening on")) {
        throw new AssertionError("tcpdump in " + ns + ": " + line);
      }
    }

    /** Stops the capture; the packets as tshark field rows (tab-separated, IP reassembly off). */
    List<String[]> rows(String... fields) throws Exception {
      close();
      List<String> cmd = new ArrayList<>(List.of("tshark", "-r", file.toString(), "-o", "ip.defragment:FALSE",
          "-T", "fields", "-E", "separator=/t"));
      for (String f : fields) {
        cmd.add("-e");
        cmd.add(f);
      }
      Sh.Result r = Sh.run(30, cmd.toArray(String[]::new));
      if (!r.ok()) {
        throw new AssertionError("tshark: " + r.output());
      }
      List<String[]> rows = new ArrayList<>();
      for (String line : r.output().split("\n")) {
        if (!line.isBlank() && !line.startsWith("Running as user")) {
          rows.add(line.split("\t", -1));
        }
      }
      return rows;
    }

    @Override
    public void close() throws Exception {
      if (tcpdump.isAlive()) {
        tcpdump.destroy();
        tcpdump.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /** One ping from LAN A to LAN B: {@code size} bytes of ICMP data, DF per {@code df}. */
  Sh.Result ping(int size, boolean df) {
    return ping(1, size, df);
  }

  /** {@code count} pings (answered if one reply comes back within 3 s of the last), as {@link #ping(int, boolean)}. */
  Sh.Result ping(int count, int size, boolean df) {
    return Sh.run(20, Sh.inNs(lana, "ping", "-n", "-c", Integer.toString(count), "-i", "0.2", "-W", "3", "-s",
        Integer.toString(size), "-M", df ? "do" : "dont", HOST_B).toArray(String[]::new));
  }

  String logs() {
    synchronized (logs) {
      return logs.toString();
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
    if (created) {
      for (String ns : List.of(lana, gwa, gwb, lanb)) {
        Sh.run(10, "ip", "netns", "del", ns);
      }
    }
  }
}
