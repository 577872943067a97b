package io.ipsecmesh.esp.netns;

import io.ipsecmesh.testsupport.Capture;
import io.ipsecmesh.testsupport.ChildJvm;
import io.ipsecmesh.testsupport.Netns;
import io.ipsecmesh.testsupport.Sh;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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

  final String lana = kind() + "la" + Netns.TAG;
  final String gwa = kind() + "ga" + Netns.TAG;
  final String gwb = kind() + "gb" + Netns.TAG;
  final String lanb = kind() + "lb" + Netns.TAG;
  private Netns netns;
  private ChildJvm forwarderA;
  private ChildJvm forwarderB;
  Path dir;

  /** Prefix of the namespace names ("df", "pf", "ac"), unique per test class. */
  abstract String kind();

  /** Extra setup in the gateways' namespaces before the forwarders start. */
  void beforeForwarders() {}

  @BeforeAll
  void topology() throws Exception {
    Netns.assumeRoot(true, "ip", "ping", "tcpdump", "tshark");
    dir = io.ipsecmesh.testsupport.Sh.runDirectory("esp-" + kind());
    netns = new Netns(lana, gwa, gwb, lanb);
    netns.lan(gwa, lana, "10.93.1.1", HOST_A)
        .lan(gwb, lanb, "10.93.2.1", HOST_B)
        .veth(gwa, "wan0", gwb, "wan0")
        .addr(gwa, "wan0", WAN_A + "/30")
        .addr(gwb, "wan0", WAN_B + "/30");
    for (String gw : List.of(gwa, gwb)) {
      Sh.must("ip", "-n", gw, "link", "set", "wan0", "mtu", Integer.toString(WAN_MTU), "up");
      netns.router(gw);
    }
    beforeForwarders();
    forwarderA = forwarder(gwa, "a", WAN_A, WAN_B, "10.93.1.0", "10.93.2.0");
    forwarderB = forwarder(gwb, "b", WAN_B, WAN_A, "10.93.2.0", "10.93.1.0");
    for (ChildJvm f : List.of(forwarderA, forwarderB)) {
      f.await("READY"::equals, Duration.ofSeconds(90), "READY");
    }
    // the first packets resolve neighbours and meet cold code in both JVMs: not part of any test row
    Sh.Result warm = Netns.ping(lana, HOST_B, 3, 5, "-i", "0.3");
    if (!warm.ok()) {
      throw new AssertionError("no traffic through the tunnel: " + warm.output() + logs());
    }
  }

  private static ChildJvm forwarder(String ns, String role, String... args) throws Exception {
    String[] all = new String[args.length + 1];
    all[0] = role;
    System.arraycopy(args, 0, all, 1, args.length);
    return ChildJvm.startIn(ns, "gw" + role, ChildJvm.NATIVE_ACCESS, DfBitForwarderMain.class, all);
  }

  private String ask(boolean a, String command) throws Exception {
    ChildJvm f = a ? forwarderA : forwarderB;
    f.send(command);
    String answer = f.await(l -> l.startsWith("POLICY-") || l.startsWith("FSTATS") || l.startsWith("ACCESS"),
        Duration.ofSeconds(20), "an answer to " + command);
    if (answer.startsWith("POLICY-FAILED")) {
      throw new AssertionError(command + " -> " + answer + "\n" + logs());
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

  /** A tcpdump on one interface of one namespace of this topology, read back with tshark. */
  Capture capture(String ns, String iface, String filter) throws Exception {
    return new Capture(dir, ns, iface, filter);
  }

  /** One ping from LAN A to LAN B: {@code size} bytes of ICMP data, DF per {@code df}. */
  Sh.Result ping(int size, boolean df) {
    return ping(1, size, df);
  }

  /** {@code count} pings (answered if one reply comes back within 3 s of the last), as {@link #ping(int, boolean)}. */
  Sh.Result ping(int count, int size, boolean df) {
    return Netns.ping(lana, HOST_B, count, 3, "-s", Integer.toString(size), "-M", df ? "do" : "dont");
  }

  String logs() throws InterruptedException {
    return (forwarderA == null ? "" : forwarderA.output()) + "\n" + (forwarderB == null ? "" : forwarderB.output());
  }

  @AfterAll
  void teardown() {
    for (ChildJvm f : new ChildJvm[] {forwarderA, forwarderB}) {
      if (f != null) {
        f.close();
      }
    }
    if (netns != null) {
      netns.close();
    }
  }
}
