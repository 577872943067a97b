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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * An IPv6 static virtual tunnel interface ({@code tunnel mode ipsec ipv6}: IPv6 inside and outside, as on IOS)
 * against strongSwan 5.9.8 (charon, kernel-libipsec) configured as a route-based VPN, {@code local_ts = remote_ts =
 * ::/0}, over the harness's IPv6 topology ({@code netns-up.sh --ipv6 --no-plain-routes}: WAN 2001:db8:ffff::1 — ::2,
 * LANs 2001:db8:1::/64 and 2001:db8:2::/64, no plain routes between them). The whole gateway ({@code ipsec-mesh
 * run}) in {@code v6gwa} with {@code interface Tunnel6 … tunnel source wan0 / tunnel destination 2001:DB8:FFFF::2}
 * and {@code ipv6 route 2001:DB8:2::/64 Tunnel6} (resource {@code vti/gwa-ipv6.cfg}), strongSwan in {@code v6gwb}.
 * Proves: the tunnel comes up with the configuration, IKE over IPv6, the Child SA ::/0 both ways (TS_IPV6_ADDR_RANGE,
 * RFC 7296 §3.13.1); ping6 crosses it in both directions, the static {@code ipv6 route} (not an ACL) selecting the
 * tunnel; the show commands as IOS prints an IPv6 VTI; and pre-fragmentation by the tunnel's {@code ipv6 mtu 1400}:
 * a larger ping6 gets ICMPv6 Packet Too Big naming 1400 (RFC 8200 §5), after which the source fragments and the
 * fragments cross; and, strongSwan deleting the SAs and initiating itself, the tunnel as responder. Needs root, strongSwan and a TUN device (skipped with the reason otherwise); everything is removed
 * in {@link #tearDown()}, also after failures. Run under {@code flock /tmp/ipsecmesh-heavy.lock}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class GatewayStrongswanIpv6VtiTest {

  private static final String LAN_A_HOST = "2001:db8:1::10";
  private static final String LAN_B_HOST = "2001:db8:2::10";

  /** The namespaces' prefix, unique per test class. */
  String prefix() {
    return "v6";
  }

  /** The gateway's configuration, a resource next to this class. */
  String configuration() {
    return "vti/gwa-ipv6.cfg";
  }

  /** strongSwan's harness profile and settings: IKEv2, AES-GCM; ::/0 both ways is added to them. */
  String charonProfile() {
    return "ikev2-gcm";
  }

  Map<String, String> charonSettings() {
    return Map.of("IKE_PROPOSALS", "aes128gcm16-prfsha256-ecp256");
  }

  private String gw;
  private String peer;
  private String lanA;
  private String lanB;
  private Path run;
  private Process gateway;
  private Path gatewayLog;
  Path charonLog;
  private boolean up;

  @BeforeAll
  void setUp() throws Exception {
    assumeRootStrongswanAndTun();
    gw = prefix() + "gwa";
    peer = prefix() + "gwb";
    lanA = prefix() + "lana";
    lanB = prefix() + "lanb";
    run = Sh.runDirectory("it-vti6-" + prefix() + "-");
    up = true;
    harness(run, prefix(), Map.of(), "netns-up.sh", "--no-plain-routes", "--ipv6");
    Map<String, String> env = new java.util.HashMap<>(Map.of("LOCAL_ID", "2001:db8:ffff::2", "REMOTE_ID",
        "2001:db8:ffff::1", "SECRET_ID_A", "2001:db8:ffff::1", "SECRET_ID_B", "2001:db8:ffff::2", "LOCAL_TS", "::/0",
        "REMOTE_TS", "::/0", "REMOTE_ADDRS", "2001:db8:ffff::1", "LOCAL_ADDRS", "2001:db8:ffff::2"));
    env.putAll(charonSettings());
    harness(run, prefix(), env, "charon-start.sh", peer, charonProfile());
    charonLog = run.resolve(peer).resolve("charon.log");
    // as in GatewayStrongswanVtiTest: with ::/0 kernel-libipsec routes everything through its TUN (table 220), its
    // own LAN and WAN included; the route-based peer keeps them out of table 220, as such setups do
    for (String prefix : List.of("2001:db8:2::/64", "2001:db8:ffff::/64")) {
      capture(List.of("ip", "netns", "exec", peer, "ip", "-6", "route", "add", "throw", prefix, "table", "220"),
          Map.of());
    }
    Path cfg = run.resolve("gwa.cfg");
    try (InputStream in = GatewayStrongswanIpv6VtiTest.class.getResourceAsStream(configuration())) {
      Files.copy(in, cfg);
    }
    gatewayLog = run.resolve("gateway.log");
    // the TUN's own MTU above the tunnel's ipv6 mtu: else the kernel in front of it, not the forwarder, would answer
    gateway = startGateway(gw, cfg, run, gatewayLog, "--tunMtu", "1500");
  }

  @AfterAll
  void tearDown() throws Exception {
    Sh.stop(gateway, 15);
    if (up) {
      harness(run, prefix(), Map.of(), "netns-down.sh");
    }
  }

  @Test
  @Order(1)
  void theIpv6TunnelComesUpWithTheConfigurationAndCarriesPing6BothWays() throws Exception {
    // no packet has been sent yet: the gateway initiated, over IPv6, because Tunnel6 is configured
    try {
      awaitFile(charonLog, "CHILD_SA net{1} established", 60);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n" + diagnostics(), e);
    }
    String sas = harness(run, prefix(), Map.of(), "sw.sh", peer, "--list-sas");
    assertTrue(sas.contains("ESTABLISHED") && sas.contains("2001:db8:ffff::1") && sas.contains("INSTALLED"), sas);
    assertTrue(sas.contains("local  ::/0\n") && sas.contains("remote ::/0\n"), "::/0 both ways:\n" + sas);

    // the forwarder learns the SA a moment after strongSwan logs it: wait until a ping6 crosses, then count
    boolean crossed = false;
    for (int i = 0; i < 10 && !crossed; i++) {
      crossed = Netns.ping(lanA, LAN_B_HOST, 1, 2).output().contains(" 0% packet loss");
    }
    assertTrue(crossed, "no ping6 through the IPv6 tunnel\n" + diagnostics());
    Sh.Result aToB = Netns.ping(lanA, LAN_B_HOST, 3, 2);
    assertTrue(aToB.output().contains("3 received"), aToB.output() + "\n" + diagnostics());
    Sh.Result bToA = Netns.ping(lanB, LAN_A_HOST, 3, 2);
    assertTrue(bToA.output().contains("3 received"), "LAN B to LAN A, strongSwan's side first:\n" + bToA.output()
        + "\n" + diagnostics());
    String counted = harness(run, prefix(), Map.of(), "sw.sh", peer, "--list-sas");
    assertTrue(counted.matches("(?s).*\\n +in  [0-9a-f]{8}, +[1-9][0-9]* bytes, +[1-9][0-9]* packets.*"), counted);
    assertTrue(counted.matches("(?s).*\\n +out [0-9a-f]{8}, +[1-9][0-9]* bytes, +[1-9][0-9]* packets.*"), counted);

    // the ipv6 route put LAN B into the forwarder's TUN, not into a route to the peer
    String route = capture(List.of("ip", "netns", "exec", gw, "ip", "-6", "-o", "route", "show", "2001:db8:2::/64"),
        Map.of());
    assertTrue(route.contains(" dev ") && !route.contains("wan0"), "LAN B routed into the forwarder's TUN: " + route);

    String show = exec(gw, run, "show crypto ipsec sa");
    assertTrue(show.contains("interface: Tunnel6\n"), show);
    assertTrue(show.contains("  Crypto map tag: Tunnel6-head-0, local addr. 2001:DB8:FFFF::1\n"), show);
    assertTrue(show.contains("  local ident (addr/mask/prot/port): (::/0/0/0)\n"), show);
    assertTrue(show.contains("  remote ident (addr/mask/prot/port): (::/0/0/0)\n"), show);
    assertTrue(show.contains("    path mtu 1400, media mtu 1400\n"), show);
    String itf = exec(gw, run, "show interfaces tunnel 6");
    for (int i = 0; i < 10 && itf.contains("\n     0 packets output"); i++) {
      Thread.sleep(500); // the forwarder's counters are written about once a second
      itf = exec(gw, run, "show interfaces tunnel 6");
    }
    assertTrue(itf.startsWith("Tunnel6 is up, line protocol is up\n  Hardware is Tunnel\n"), itf);
    assertTrue(itf.contains("  Tunnel source 2001:DB8:FFFF::1 (wan0), destination 2001:DB8:FFFF::2\n"
        + "  Tunnel protocol/transport IPSEC/IPV6\n  Tunnel protection via IPSec (profile \"VTI6\")\n"), itf);
    assertTrue(itf.matches("(?s).*\\n     [1-9][0-9]* packets input, [1-9][0-9]* bytes, 0 no buffer\\n"
        + "     [1-9][0-9]* packets output, [1-9][0-9]* bytes, 0 underruns\\n"), itf);
    String brief = exec(gw, run, "show ip interface brief");
    assertTrue(brief.contains("\nTunnel6                unassigned      YES unset  up                    up\n"), brief);
  }

  @Test
  @Order(2)
  void aPing6AboveTheTunnelsIpv6MtuGetsPacketTooBigAndThenCrossesFragmentedBySource() throws Exception {
    // 1450 + 48 bytes of headers: above ipv6 mtu 1400; IPv6 routers never fragment (RFC 8200 §5)
    Sh.Result big = Netns.ping(lanA, LAN_B_HOST, 2, 2, "-s", "1450");
    assertTrue(big.output().contains("mtu=1400") || big.output().contains("mtu = 1400"),
        "ICMPv6 Packet Too Big naming the tunnel's ipv6 mtu:\n" + big.output() + "\n" + diagnostics());
    // the source learnt 1400 and now fragments: each request crosses as fragments and is answered
    Sh.Result again = Netns.ping(lanA, LAN_B_HOST, 3, 2, "-s", "1450");
    assertTrue(again.output().contains("3 received"), again.output() + "\n" + diagnostics());
  }

  @Test
  @Order(3)
  void asResponderTheIpv6TunnelTakesTheNegotiationStrongswanStarts() throws Exception {
    // strongSwan deletes the tunnel's SAs and sets them up again itself, at once: ike-service answers as the
    // responder of Tunnel6 (before its own check, every 10 s, would bring the tunnel up again)
    harness(run, prefix(), Map.of(), "sw.sh", peer, "--terminate", "--ike", "gw");
    String initiate = harness(run, prefix(), Map.of(), "sw.sh", peer, "--initiate", "--child", "net");
    assertTrue(initiate.contains("initiate completed successfully"), initiate + "\n" + diagnostics());
    String sas = harness(run, prefix(), Map.of(), "sw.sh", peer, "--list-sas");
    assertTrue(sas.contains("local  ::/0\n") && sas.contains("remote ::/0\n"), "::/0 both ways:\n" + sas);
    boolean crossed = false;
    for (int i = 0; i < 10 && !crossed; i++) {
      crossed = Netns.ping(lanB, LAN_A_HOST, 1, 2).output().contains(" 0% packet loss");
    }
    assertTrue(crossed, "no ping6 through the tunnel strongSwan set up\n" + diagnostics());
    Sh.Result aToB = Netns.ping(lanA, LAN_B_HOST, 3, 2);
    assertTrue(aToB.output().contains("3 received"), aToB.output() + "\n" + diagnostics());
  }

  /** What both sides see, for a failure message: SAs, routes, the gateway's log. */
  private String diagnostics() throws Exception {
    StringBuilder b = new StringBuilder();
    b.append("== strongSwan SAs\n").append(harness(run, prefix(), Map.of(), "sw.sh", peer, "--list-sas"));
    b.append("== our SAs\n").append(exec(gw, run, "show crypto ipsec sa"));
    for (String ns : List.of(gw, peer)) {
      b.append("== ").append(ns).append(" IPv6 routes\n")
          .append(capture(List.of("ip", "netns", "exec", ns, "ip", "-6", "route", "show", "table", "all"), Map.of()));
    }
    List<String> log = Files.readAllLines(gatewayLog);
    b.append("== gateway log (ours), the last 60 lines\n");
    log.subList(Math.max(0, log.size() - 60), log.size()).forEach(l -> b.append(l).append('\n'));
    return b.toString();
  }
}
