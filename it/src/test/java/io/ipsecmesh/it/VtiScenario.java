package io.ipsecmesh.it;

import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.assumeRootStrongswanAndTun;
import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.awaitFile;
import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.capture;
import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.exec;
import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.harness;
import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.startGateway;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.testsupport.Netns;
import io.ipsecmesh.testsupport.Sh;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The topology of the static virtual tunnel interface scenarios against strongSwan 5.9.8 (charon, kernel-libipsec)
 * configured as route-based VPNs are, {@code local_ts = remote_ts = 0.0.0.0/0} (or {@code ::/0}): the whole gateway
 * ({@code ipsec-mesh run --tunMtu 1500}) in {@code <prefix>gwa} with a tunnel interface (a configuration resource
 * next to this class), strongSwan in {@code <prefix>gwb} with a {@link Charon} profile, LAN hosts behind both and no
 * plain routes between the LANs, so LAN-to-LAN traffic only crosses the tunnel the route selects. The address
 * {@link Family} says which of the harness's topologies, IPv4 or IPv6 ({@code netns-up.sh --ipv6}). Also the polling
 * the scenarios share: until the Child SA is logged, until a ping crosses, until the forwarder's counters reach
 * {@code show interfaces}. Needs root, strongSwan and a TUN device (skipped with the reason otherwise); gateway,
 * daemon and namespaces are removed in {@link #tearDown()}, also after failures. Run under
 * {@code flock /tmp/ipsecmesh-heavy.lock}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
abstract class VtiScenario {

  /** strongSwan's side: the harness's profile and the settings beyond identities and traffic selectors. */
  record Charon(String profile, Map<String, String> settings) {
    /** IKEv2 with AES-GCM, as the tunnel's {@code crypto ikev2 proposal}. */
    static final Charon IKEV2_GCM = new Charon("ikev2-gcm", Map.of("IKE_PROPOSALS", "aes128gcm16-prfsha256-ecp256"));
    /** IKEv1 Main Mode with a PSK (aes256-sha256-modp2048), its own DPD off so only our probes check the tunnel. */
    static final Charon IKEV1_PSK = new Charon("ikev1-psk", Map.of("DPD_DELAY", "0s"));
  }

  /**
   * One address family of the harness's topology: its {@code netns-up.sh} options, the WAN addresses (strongSwan
   * identifies both ends by them), the any-to-any selector, the LAN hosts, and what strongSwan's peer keeps out of
   * kernel-libipsec's table 220.
   */
  record Family(String ip, List<String> netnsUp, String gatewayWan, String peerWan, String anyToAny, String lanAHost,
      String lanBHost, List<String> outOfTable220, boolean peerAddresses) {
    static final Family IPV4 = new Family("-4", List.of("--no-plain-routes"), "172.31.255.1", "172.31.255.2",
        "0.0.0.0/0", "10.91.1.10", "10.91.2.10", List.of("10.91.2.0/24"), false);
    static final Family IPV6 = new Family("-6", List.of("--no-plain-routes", "--ipv6"), "2001:db8:ffff::1",
        "2001:db8:ffff::2", "::/0", "2001:db8:1::10", "2001:db8:2::10", List.of("2001:db8:2::/64",
            "2001:db8:ffff::/64"), true);

    /** strongSwan's identities, PSK owners and selectors; over IPv6 also the addresses it binds and talks to. */
    Map<String, String> charonEnv() {
      Map<String, String> env = new HashMap<>(Map.of("LOCAL_ID", peerWan, "REMOTE_ID", gatewayWan, "SECRET_ID_A",
          gatewayWan, "SECRET_ID_B", peerWan, "LOCAL_TS", anyToAny, "REMOTE_TS", anyToAny));
      if (peerAddresses) {
        env.put("LOCAL_ADDRS", peerWan);
        env.put("REMOTE_ADDRS", gatewayWan);
      }
      return env;
    }
  }

  /**
   * One scenario's set-up.
   *
   * @param prefix the namespaces' prefix, unique per test class
   * @param configuration the gateway's configuration, a resource next to this class
   */
  record Tunnel(String prefix, String configuration, Family family, Charon charon) {}

  String prefix;
  String gw;
  String peer;
  String lanA;
  String lanB;
  Family family;
  Path run;
  Path charonLog;
  private Tunnel tunnel;
  private Path gatewayLog;
  private Process gateway;
  private boolean up;

  /** This test class's set-up (JUnit wants a single constructor in a test class, so no constructor arguments). */
  abstract Tunnel tunnel();

  @BeforeAll
  void setUp() throws Exception {
    tunnel = tunnel();
    prefix = tunnel.prefix();
    gw = prefix + "gwa";
    peer = prefix + "gwb";
    lanA = prefix + "lana";
    lanB = prefix + "lanb";
    family = tunnel.family();
    assumeRootStrongswanAndTun();
    run = Sh.runDirectory("it-vti-" + prefix + "-");
    up = true;
    harness(run, prefix, Map.of(), "netns-up.sh", family.netnsUp().toArray(String[]::new));
    Map<String, String> env = family.charonEnv();
    env.putAll(tunnel.charon().settings());
    harness(run, prefix, env, "charon-start.sh", peer, tunnel.charon().profile());
    charonLog = run.resolve(peer).resolve("charon.log");
    // strongSwan's side of an any-to-any tunnel with kernel-libipsec: charon routes everything but the peer through
    // its TUN (table 220, "default dev ipsec0"), its own LAN (and IPv6 WAN) included, so a packet it decrypted for
    // LAN B would go straight back into the tunnel; the route-based peer keeps them out of table 220, as such
    // setups do
    for (String net : family.outOfTable220()) {
      capture(List.of("ip", "netns", "exec", peer, "ip", family.ip(), "route", "add", "throw", net, "table", "220"),
          Map.of());
    }
    Path cfg = run.resolve("gwa.cfg");
    try (InputStream in = VtiScenario.class.getResourceAsStream(tunnel.configuration())) {
      Files.copy(in, cfg);
    }
    gatewayLog = run.resolve("gateway.log");
    // the TUN's own MTU (1400 by default) above the tunnel's ip mtu: else the kernel in front of it, not the
    // forwarder, would answer the oversized pings
    gateway = startGateway(gw, cfg, run, gatewayLog, "--tunMtu", "1500");
  }

  @AfterAll
  void tearDown() throws Exception {
    Sh.stop(gateway, 15);
    if (up) {
      harness(run, prefix, Map.of(), "netns-down.sh");
    }
  }

  /** Until strongSwan logs the Child SA (at most 60 s), the diagnostics in the failure. */
  void awaitChildSa() throws Exception {
    try {
      awaitFile(charonLog, "CHILD_SA net{1} established", 60);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n" + diagnostics(), e);
    }
  }

  /**
   * One ping at a time from {@code fromNs} to {@code to}, at most ten, until one crosses: the forwarder learns the SA a
   * moment after strongSwan logs it.
   */
  void pingUntilItCrosses(String fromNs, String to) throws Exception {
    boolean crossed = false;
    for (int i = 0; i < 10 && !crossed; i++) {
      crossed = Netns.ping(fromNs, to, 1, 2).output().contains(" 0% packet loss");
    }
    assertTrue(crossed, "no ping from " + fromNs + " to " + to + " through the tunnel\n" + diagnostics());
  }

  /** {@code count} pings from {@code fromNs} to {@code to} with ping's {@code options}; its output. */
  String ping(String fromNs, String to, int count, String... options) {
    return Netns.ping(fromNs, to, count, 2, options).output();
  }

  /** {@code swanctl --list-sas} on strongSwan's side. */
  String strongswanSas() throws Exception {
    return harness(run, prefix, Map.of(), "sw.sh", peer, "--list-sas");
  }

  /** An exec command ({@code show …}) on the gateway. */
  String show(String command) throws Exception {
    return exec(gw, run, command);
  }

  /**
   * {@code show interfaces tunnel N} once the forwarder's counters (written about once a second) have reached it:
   * polled for up to 5 s while it says {@code 0 packets output}.
   */
  String showInterfaceOnceCounted(int tunnel) throws Exception {
    String itf = show("show interfaces tunnel " + tunnel);
    for (int i = 0; i < 10 && itf.contains("\n     0 packets output"); i++) {
      Thread.sleep(500);
      itf = show("show interfaces tunnel " + tunnel);
    }
    return itf;
  }

  /** The packets strongSwan's inbound Child SA has counted. */
  long strongswanInboundPackets() throws Exception {
    String sas = strongswanSas();
    Matcher m = Pattern.compile("\\n +in  [0-9a-f]{8}, +[0-9]+ bytes, +([0-9]+) packets").matcher(sas);
    assertTrue(m.find(), sas);
    return Long.parseLong(m.group(1));
  }

  /**
   * What both sides see, for a failure message: SAs, routes, rules, links, and the gateway's log lines of the
   * forwarder, ike-service, crypto events and errors (the last 60).
   */
  String diagnostics() throws Exception {
    StringBuilder b = new StringBuilder();
    b.append("== strongSwan SAs\n").append(strongswanSas());
    b.append("== our SAs\n").append(show("show crypto ipsec sa"));
    for (String ns : List.of(gw, peer)) {
      b.append("== ").append(ns).append(" routes\n").append(capture(List.of("ip", "netns", "exec", ns, "ip",
          family.ip(), "route", "show", "table", "all"), Map.of()));
      b.append("== ").append(ns).append(" rules\n")
          .append(capture(List.of("ip", "netns", "exec", ns, "ip", family.ip(), "rule"), Map.of()));
      b.append("== ").append(ns).append(" links\n")
          .append(capture(List.of("ip", "netns", "exec", ns, "ip", "-s", "link"), Map.of()));
    }
    List<String> log = new ArrayList<>(Files.readAllLines(gatewayLog).stream().filter(l -> l.contains("esp-forwarder")
        || l.contains("ike-service") || l.contains("CRYPTO") || l.contains("SEVERE") || l.contains("Exception"))
        .toList());
    b.append("== gateway log (ours), the last 60 lines of the forwarder, ike-service, crypto events and errors\n");
    log.subList(Math.max(0, log.size() - 60), log.size()).forEach(l -> b.append(l).append('\n'));
    return b.toString();
  }
}
