package io.ipsecmesh.it;

import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.assumeRootStrongswanAndTun;
import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.awaitFile;
import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.capture;
import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.exec;
import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.harness;
import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.startGateway;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * A static virtual tunnel interface against strongSwan 5.9.8 (charon, kernel-libipsec) configured as route-based
 * VPNs are, {@code local_ts = remote_ts = 0.0.0.0/0}: the whole gateway ({@code ipsec-mesh run}) in namespace
 * {@code vtgwa} with {@code interface Tunnel1 … tunnel protection ipsec profile VTI} and {@code ip route 10.91.2.0
 * 255.255.255.0 Tunnel1} (resource {@code vti/gwa.cfg}), strongSwan in {@code vtgwb}, LAN hosts behind both and no
 * plain routes between the LANs. Proves: the tunnel comes up with the configuration, before any traffic (IOS brings
 * VTIs up proactively); the Child SA is 0.0.0.0/0 both ways; LAN-to-LAN pings cross it (the route, not an ACL,
 * selects the tunnel); {@code show crypto ipsec sa} lists it under {@code interface: Tunnel1}; and the seed's
 * pre-fragmentation procedure through the tunnel's {@code ip mtu 1400}: a DF ping above 1400 bytes gets
 * fragmentation-needed with MTU 1400, the same ping without DF is fragmented before encryption and answered. Needs
 * root, strongSwan and a TUN device (skipped with the reason otherwise); everything is removed in
 * {@link #tearDown()}, also after failures. Run under {@code flock /tmp/ipsecmesh-heavy.lock}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class GatewayStrongswanVtiTest {

  /** The namespaces' prefix, unique per test class. */
  String prefix() {
    return "vt";
  }

  /** The gateway's configuration, a resource next to this class. */
  String configuration() {
    return "vti/gwa.cfg";
  }

  /** strongSwan's harness profile and settings: IKEv2, AES-GCM, 0.0.0.0/0 both ways. */
  String charonProfile() {
    return "ikev2-gcm";
  }

  Map<String, String> charonSettings() {
    return Map.of("IKE_PROPOSALS", "aes128gcm16-prfsha256-ecp256");
  }

  private Path run;
  private Process gateway;
  private Path gatewayLog;
  Path charonLog;
  private boolean up;

  @BeforeAll
  void setUp() throws Exception {
    assumeRootStrongswanAndTun();
    run = Files.createTempDirectory("it-vti-" + prefix() + "-");
    up = true;
    harness(run, prefix(), Map.of(), "netns-up.sh", "--no-plain-routes");
    Map<String, String> env = new java.util.HashMap<>(Map.of("LOCAL_ID", "172.31.255.2", "REMOTE_ID", "172.31.255.1",
        "SECRET_ID_A", "172.31.255.1", "SECRET_ID_B", "172.31.255.2", "LOCAL_TS", "0.0.0.0/0", "REMOTE_TS",
        "0.0.0.0/0"));
    env.putAll(charonSettings());
    harness(run, prefix(), env, "charon-start.sh", prefix() + "gwb", charonProfile());
    charonLog = run.resolve(prefix() + "gwb").resolve("charon.log");
    // strongSwan's side of a 0.0.0.0/0 tunnel with kernel-libipsec: charon routes everything but the peer through
    // its TUN (table 220, "default dev ipsec0"), its own LAN included, so a packet it decrypted for LAN B would go
    // straight back into the tunnel; the route-based peer keeps its LAN out of table 220, as such setups do
    capture(List.of("ip", "netns", "exec", prefix() + "gwb", "ip", "route", "add", "throw", "10.91.2.0/24", "table",
        "220"), Map.of());
    Path cfg = run.resolve("gwa.cfg");
    try (InputStream in = GatewayStrongswanVtiTest.class.getResourceAsStream(configuration())) {
      Files.copy(in, cfg);
    }
    gatewayLog = run.resolve("gateway.log");
    // the TUN's own MTU (1400 by default) above the tunnel's ip mtu: else the kernel in front of it, not the
    // forwarder, would answer the oversized pings
    gateway = startGateway(prefix() + "gwa", cfg, run, gatewayLog, "--tunMtu", "1500");
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
  void theTunnelComesUpWithTheConfigurationAndCarriesLanTraffic() throws Exception {
    // no packet has been sent yet: the gateway initiated because Tunnel1 is configured
    awaitFile(charonLog, "CHILD_SA net{1} established", 60);
    String sas = harness(run, prefix(), Map.of(), "sw.sh", prefix() + "gwb", "--list-sas");
    assertTrue(sas.contains("INSTALLED") && sas.contains("local  0.0.0.0/0\n") && sas.contains("remote 0.0.0.0/0\n"),
        "any-to-any selectors:\n" + sas);

    // the forwarder learns the SA a moment after strongSwan logs it: wait until a ping crosses, then count
    boolean crossed = false;
    for (int i = 0; i < 10 && !crossed; i++) {
      crossed = ping(List.of("-c", "1", "-W", "2")).contains(" 0% packet loss");
    }
    assertTrue(crossed, "no ping through the tunnel\n" + diagnostics());
    String ping = ping(List.of("-c", "3", "-i", "0.2", "-W", "2"));
    assertTrue(ping.contains("3 received"), ping + "\n" + diagnostics());
    String after = harness(run, prefix(), Map.of(), "sw.sh", prefix() + "gwb", "--list-sas");
    assertTrue(after.matches("(?s).*\\n +in  [0-9a-f]{8}, +[1-9][0-9]* bytes, +[1-9][0-9]* packets.*"), after);

    String show = exec(prefix() + "gwa", run, "show crypto ipsec sa");
    assertTrue(show.contains("interface: Tunnel1\n"), show);
    assertTrue(show.contains("  Crypto map tag: Tunnel1-head-0, local addr. 172.31.255.1\n"), show);
    assertTrue(show.contains("  local ident (addr/mask/prot/port): (0.0.0.0/0.0.0.0/0/0)\n"), show);
    assertTrue(show.contains("    path mtu 1400, media mtu 1400\n"), show);

    // the interface commands: line protocol up with the SA, the forwarder's counters (written about once a second)
    String itf = exec(prefix() + "gwa", run, "show interfaces tunnel 1");
    for (int i = 0; i < 10 && itf.contains("\n     0 packets output"); i++) {
      Thread.sleep(500);
      itf = exec(prefix() + "gwa", run, "show interfaces tunnel 1");
    }
    assertTrue(itf.startsWith("Tunnel1 is up, line protocol is up\n  Hardware is Tunnel\n"), itf);
    assertTrue(itf.contains("  Tunnel source 172.31.255.1 (wan0), destination 172.31.255.2\n"
        + "  Tunnel protocol/transport IPSEC/IP\n  Tunnel protection via IPSec (profile \"VTI\")\n"), itf);
    assertTrue(itf.matches("(?s).*\\n     [1-9][0-9]* packets input, [1-9][0-9]* bytes, 0 no buffer\\n"
        + "     [1-9][0-9]* packets output, [1-9][0-9]* bytes, 0 underruns\\n"), itf);
    String brief = exec(prefix() + "gwa", run, "show ip interface brief");
    assertTrue(brief.contains("\nTunnel1                172.16.91.1     YES NVRAM  up                    up\n"), brief);
    String ip = exec(prefix() + "gwa", run, "show ip interface tunnel 1");
    assertTrue(ip.startsWith("Tunnel1 is up, line protocol is up\n") && ip.contains("  MTU is 1400 bytes\n"), ip);
  }

  @Test
  @Order(3)
  void aDfPacketAboveTheTunnelsIpMtuGetsFragmentationNeededWithIt() throws Exception {
    // 1450 + 28 bytes of headers: above ip mtu 1400, DF set by ping -M do
    String ping = ping(List.of("-c", "2", "-i", "0.5", "-W", "2", "-M", "do", "-s", "1450"));
    assertTrue(ping.contains("mtu = 1400") || ping.contains("mtu=1400"), ping);
    assertTrue(ping.contains("0 received"), ping);
  }

  @Test
  @Order(2) // before the DF test: its fragmentation-needed would make lana cut the packet itself (path MTU cache)
  void withoutDfTheSamePacketIsFragmentedBeforeEncryptionAndAnswered() throws Exception {
    long before = inboundPackets();
    String ping = ping(List.of("-c", "3", "-i", "0.2", "-W", "2", "-M", "dont", "-s", "1450"));
    assertTrue(ping.contains("3 received"), ping + "\n" + diagnostics());
    // each request crossed as two ESP packets, one per inner fragment: strongSwan's inbound SA counted them
    long after = inboundPackets();
    assertTrue(after - before >= 6, "ESP packets in at strongSwan: " + before + " -> " + after);
  }

  @Test
  @Order(5)
  void withoutTheRouteIntoTheTunnelLanTrafficDoesNotLeaveInClear() throws Exception {
    String gw = prefix() + "gwa";
    String route = capture(List.of("ip", "netns", "exec", gw, "ip", "-o", "route", "show", "10.91.2.0/24"), Map.of());
    java.util.regex.Matcher dev = java.util.regex.Pattern.compile(" dev (\\S+)").matcher(route);
    assertTrue(dev.find(), "the forwarder routes LAN B into its TUN: " + route);
    // a route that sends LAN B to the peer in clear, as a missing TUN route and a default route would
    capture(List.of("ip", "netns", "exec", gw, "ip", "route", "replace", "10.91.2.0/24", "via", "172.31.255.2",
        "dev", "wan0"), Map.of());
    try {
      String ping = ping(List.of("-c", "2", "-i", "0.2", "-W", "1"));
      assertTrue(ping.contains(" 0 received"), ping);
      String counter = capture(List.of("ip", "netns", "exec", gw, "nft", "list", "counter", "inet", "ipsecmesh_access",
          "cleartext_0"), Map.of());
      java.util.regex.Matcher packets = java.util.regex.Pattern.compile("packets (\\d+)").matcher(counter);
      assertTrue(packets.find() && Long.parseLong(packets.group(1)) >= 2,
          "the access check dropped the clear-text pings on wan0:\n" + counter);
    } finally {
      capture(List.of("ip", "netns", "exec", gw, "ip", "route", "replace", "10.91.2.0/24", "dev", dev.group(1)),
          Map.of());
    }
    String ping = ping(List.of("-c", "2", "-i", "0.2", "-W", "2"));
    assertTrue(ping.contains("2 received"), "through the tunnel again: " + ping);
  }

  /** What both sides see, for a failure message: SAs and counters, routes, the inner devices, the gateway's log. */
  private String diagnostics() throws Exception {
    StringBuilder b = new StringBuilder();
    b.append("== strongSwan SAs\n").append(harness(run, prefix(), Map.of(), "sw.sh", prefix() + "gwb", "--list-sas"));
    b.append("== our SAs\n").append(exec(prefix() + "gwa", run, "show crypto ipsec sa"));
    for (String ns : List.of(prefix() + "gwa", prefix() + "gwb")) {
      b.append("== ").append(ns).append(" routes\n")
          .append(capture(List.of("ip", "netns", "exec", ns, "ip", "route", "show", "table", "all"), Map.of()));
      b.append("== ").append(ns).append(" rules\n")
          .append(capture(List.of("ip", "netns", "exec", ns, "ip", "rule"), Map.of()));
      b.append("== ").append(ns).append(" links\n")
          .append(capture(List.of("ip", "netns", "exec", ns, "ip", "-s", "link"), Map.of()));
    }
    String log = Files.readString(gatewayLog);
    b.append("== gateway log (ours)\n");
    log.lines().filter(l -> l.contains("esp-forwarder") || l.contains("ike-service") || l.contains("CRYPTO")
        || l.contains("SEVERE") || l.contains("Exception")).forEach(l -> b.append(l).append('\n'));
    return b.toString();
  }

  /** The packets strongSwan's inbound Child SA has counted. */
  private long inboundPackets() throws Exception {
    String sas = harness(run, prefix(), Map.of(), "sw.sh", prefix() + "gwb", "--list-sas");
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\n +in  [0-9a-f]{8}, +[0-9]+ bytes, +([0-9]+) packets")
        .matcher(sas);
    assertTrue(m.find(), sas);
    return Long.parseLong(m.group(1));
  }

  private String ping(List<String> options) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of("ip", "netns", "exec", prefix() + "lana", "ping"));
    cmd.addAll(options);
    cmd.add("10.91.2.10");
    return capture(cmd, Map.of());
  }
}
