package io.ipsecmesh.it.ezvpn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ipsecmesh.gateway.JvmFlags;
import io.ipsecmesh.it.TwoHubTopology;
import io.ipsecmesh.testsupport.LogWatch;
import io.ipsecmesh.testsupport.StrongswanHarness;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
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
 * The Easy VPN remote end to end: the whole gateway ({@code ipsec-mesh run} in {@code ezva}) configured with the
 * DPD chapter's {@code crypto ipsec client ezvpn} (group, mode, two {@code peer}s, {@code crypto isakmp keepalive 10
 * 2 periodic}) against two strongSwan 5.9.8 Easy VPN servers ({@code ezvb}, {@code ezvc}: Aggressive Mode with the
 * group key, XAUTH via {@code xauth-generic}, Mode Config with an address pool, DNS, a split include 10.91.2.0/24 and
 * the Cisco Unity attributes via {@code unity}). LAN A's host pings 10.91.2.10 behind the server:
 *
 * <ol>
 *   <li>network-extension mode with {@code connect manual}: nothing until {@code crypto ipsec client ezvpn connect},
 *       then the inside network 10.91.1.0/24 is the Child SA's local side and crosses unchanged; {@code clear
 *       crypto ipsec client ezvpn} takes it down again;</li>
 *   <li>client mode with {@code connect auto}: the LAN leaves as the pushed address 10.99.0.1 (strongSwan's SA is
 *       10.91.2.0/24 ↔ 10.99.0.1/32 and still carries the ping both ways); then the first server falls silent, DPD
 *       declares it dead and the remote connects to the next {@code peer}, where the ping goes on. Here the peers
 *       are host names ({@code hub1.ezvpn.test}, {@code hub2.ezvpn.test}) that the gateway resolves through the
 *       system resolver: the namespace's {@code /etc/netns/NS/hosts}, which {@code ip netns exec} puts in place of
 *       {@code /etc/hosts}.</li>
 *   <li>network-plus mode with the second server: the inside network and the assigned address each get an IPsec
 *       SA; LAN A's ping crosses unchanged, and the server's LAN host reaches the gateway at the assigned address
 *       (which the forwarder put on its TUN device, IOS's loopback).</li>
 * </ol>
 *
 * {@code show crypto ipsec client ezvpn} shows the state, the pushed address and the current peer each time. Needs
 * root, strongSwan with both plugins and a TUN device (skipped with the reason otherwise); gateways, daemons and
 * namespaces are removed in {@link #tearDown()}, also on failure, and the run directory (logs) only on success.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 420, unit = TimeUnit.SECONDS)
class EasyVpnStrongswanTest {

  private static final TwoHubTopology TOPOLOGY = new TwoHubTopology("ezv");

  private static final String PEER_1 = "172.31.255.2";
  private static final String PEER_2 = "172.31.255.3";
  private static final String GROUP_KEY = "preshared-group-key-0123";

  private Path run;
  private Process gateway;
  private Path gatewayLog;
  private Path apiFile;
  private final List<String> charons = new ArrayList<>();
  private boolean topology;
  private int passed;

  @BeforeAll
  void setUp() throws Exception {
    StrongswanHarness.assumeStrongswan(StrongswanHarness.PACKAGES + " libcharon-extauth-plugins",
        "libcharon-extauth-plugins, libcharon-extra-plugins", "kernel-libipsec", "xauth-generic", "unity");
    assumeTrue(Files.exists(Path.of("/dev/net/tun")), "no /dev/net/tun for the forwarder's TUN device");
    assumeTrue(Files.isExecutable(Path.of("/usr/sbin/nft")), "nftables (nft) not installed");
    run = Files.createTempDirectory("it-ezvpn-");
    topology = true;
    TOPOLOGY.up();
    Path aggressive = run.resolve("aggressive-psk.conf");
    Files.writeString(aggressive, "i_dont_care_about_security_and_use_aggressive_mode_psk = yes\n");
    server(TOPOLOGY.peer1, PEER_1, aggressive);
    server(TOPOLOGY.peer2, PEER_2, aggressive);
  }

  /** strongSwan as an Easy VPN server in {@code ns}: the same LAN 10.91.2.0/24 and pool behind either. */
  private void server(String ns, String wanAddress, Path aggressive) throws Exception {
    charons.add(ns);
    String out = harness(Map.ofEntries(Map.entry("LOCAL_ID", wanAddress), Map.entry("REMOTE_ID", "keyid:unity"),
        Map.entry("LOCAL_TS", "10.91.2.0/24"), Map.entry("REMOTE_TS", "10.91.1.0/24"),
        Map.entry("REMOTE_ADDRS", TwoHubTopology.GW_WAN), Map.entry("PSK", GROUP_KEY), Map.entry("DPD_DELAY", "0s"),
        Map.entry("EXTRA_CHARON_CONF", aggressive.toString()), Map.entry("EXTRA_LOAD", "xauth-generic unity"),
        Map.entry("LOG_IKE", "2"), Map.entry("LOG_CFG", "2"),
        Map.entry("SWANCTL_TEMPLATE", StrongswanHarness.scripts().resolve("templates/ezvpn-server.swanctl.conf.in")
            .toString())), "charon-start.sh", ns, "ikev1-psk");
    assumeTrue(Files.exists(run.resolve(ns).resolve("run").resolve("charon.vici")), "charon did not start: " + out);
  }

  @AfterAll
  void tearDown() throws Exception {
    try {
      stopGateway();
      for (String ns : charons) {
        harness(Map.of(), "charon-stop.sh", ns);
      }
    } finally {
      if (topology) {
        TOPOLOGY.down();
      }
      if (passed == 3) {
        try (var files = Files.walk(run)) {
          files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
      }
    }
  }

  @Test
  @Order(1)
  void networkExtensionModeConnectsManuallyAndCarriesTheInsideNetworkUnchanged() throws Exception {
    startGateway("manual", "network-extension", PEER_1, PEER_2);
    // ike-service has applied the configuration once its state of the remote is in the cluster map
    awaitShow("Current State: CONNECT_REQUIRED\nLast Event: CONFIGURED\n", Duration.ofSeconds(30));
    assertTrue(!ping().contains(" 0% packet loss"), "connect manual: no tunnel before the exec command");

    assertEquals("", exec("crypto ipsec client ezvpn connect ezvpn-config"));
    pingUntilTheTunnelCarries(Duration.ofSeconds(40));
    String show = show();
    assertTrue(show.contains("Current State: IPSEC_ACTIVE\n"), show);
    assertTrue(show.contains("Current EzVPN Peer: " + PEER_1 + "\n"), show);
    assertTrue(show.contains("Split Tunnel List: 1\n       Address    : 10.91.2.0\n"), show);
    assertTrue(!show.contains("Address: 10.99"), "network-extension mode uses no assigned address:\n" + show);
    String sas = harness(Map.of(), "sw.sh", TOPOLOGY.peer1, "--list-sas");
    assertTrue(sas.contains("10.91.1.0/24"), "the inside network is strongSwan's remote side:\n" + sas);
    assertCounted(sas);

    assertEquals("", exec("clear crypto ipsec client ezvpn"));
    LogWatch.awaitLine(run.resolve(TOPOLOGY.peer1).resolve("charon.log"), "received DELETE for IKE_SA",
        Duration.ofSeconds(20));
    awaitShow("Current State: CONNECT_REQUIRED\nLast Event: DISCONNECT\n", Duration.ofSeconds(10));
    stopGateway();
    passed++;
  }

  @Test
  @Order(2)
  void clientModeTranslatesToTheAssignedAddressAndFailsOverToTheNextPeer() throws Exception {
    // the peers by name, as the seed's remote could name them; resolved by the system resolver in the namespace
    TOPOLOGY.hosts("127.0.0.1 localhost\n" + PEER_1 + " hub1.ezvpn.test\n" + PEER_2 + " hub2.ezvpn.test\n");
    startGateway("auto", "client", "hub1.ezvpn.test", "hub2.ezvpn.test");
    pingUntilTheTunnelCarries(Duration.ofSeconds(40));
    String show = show();
    assertTrue(show.contains("Current State: IPSEC_ACTIVE\n"), show);
    assertTrue(show.contains("Address: 10.99.0.1\nMask: "), show);
    assertTrue(show.contains("DNS Primary: 10.91.2.53\nDefault Domain: corp.interop.test\n"), show);
    assertTrue(show.contains("Current EzVPN Peer: " + PEER_1 + "\n"), show);
    String sas = harness(Map.of(), "sw.sh", TOPOLOGY.peer1, "--list-sas");
    // strongSwan's SA covers only the pushed address: the LAN host's ping and its answer crossed it translated
    assertTrue(sas.contains("10.99.0.1/32") && !sas.contains("10.91.1.0/24"), sas);
    assertCounted(sas);

    // the seed's multiple-peer example: DPD declares the silent server dead, the remote tries the next peer
    TOPOLOGY.silence(TOPOLOGY.peer1);
    LogWatch.awaitLine(gatewayLog, "Crypto tunnel is DOWN. Peer " + PEER_1, Duration.ofSeconds(45));
    pingUntilTheTunnelCarries(Duration.ofSeconds(60));
    show = show();
    assertTrue(show.contains("Current EzVPN Peer: " + PEER_2 + "\n"), show);
    assertTrue(show.contains("Current State: IPSEC_ACTIVE\n") && show.contains("Address: 10.99.0.1\n"), show);
    String sas2 = harness(Map.of(), "sw.sh", TOPOLOGY.peer2, "--list-sas");
    assertTrue(sas2.contains("10.99.0.1/32"), sas2);
    assertCounted(sas2);
    stopGateway();
    passed++;
  }

  @Test
  @Order(3)
  void networkPlusProtectsTheInsideNetworkAndTheAssignedAddressEachWithItsOwnSa() throws Exception {
    // the first server was silenced by the failover test: the second one alone
    startGateway("auto", "network-plus", PEER_2, PEER_2);
    pingUntilTheTunnelCarries(Duration.ofSeconds(40));
    String show = show();
    assertTrue(show.contains("Current State: IPSEC_ACTIVE\n") && show.contains("Address: 10.99.0.1\n"), show);
    // the second Quick Mode follows the first; the server's LAN host then reaches the gateway at 10.99.0.1
    String answer = "";
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!answer.contains(" 0% packet loss") && System.nanoTime() < deadline) {
      answer = TwoHubTopology.capture(List.of("ip", "netns", "exec", TOPOLOGY.lanC, "ping", "-c", "1", "-W", "1",
          "10.99.0.1"), Map.of());
    }
    String sas = harness(Map.of(), "sw.sh", TOPOLOGY.peer2, "--list-sas");
    assertTrue(answer.contains(" 0% packet loss"), answer + "\n" + sas + "\ngateway log:\n"
        + Files.readString(gatewayLog));
    assertTrue(sas.contains("10.91.1.0/24") && sas.contains("10.99.0.1/32"), "two Child SAs:\n" + sas);
    stopGateway();
    passed++;
  }

  /** strongSwan's SA counted packets both ways: it decrypted what our forwarder sent, we decrypted its answers. */
  private static void assertCounted(String sas) {
    assertTrue(sas.matches("(?s).*\\n +in  [0-9a-f]{8}, +[1-9][0-9]* bytes, +[1-9][0-9]* packets.*"), sas);
    assertTrue(sas.matches("(?s).*\\n +out [0-9a-f]{8}, +[1-9][0-9]* bytes, +[1-9][0-9]* packets.*"), sas);
  }

  private void startGateway(String connect, String mode, String peer1, String peer2) throws Exception {
    Path cfg = run.resolve("gwa-" + mode + ".cfg");
    try (InputStream in = getClass().getResourceAsStream("ezvpn-gwa.cfg.in")) {
      Files.writeString(cfg, new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("@CONNECT@", connect)
          .replace("@MODE@", mode).replace("@PEER1@", peer1).replace("@PEER2@", peer2));
    }
    gatewayLog = run.resolve("gateway-" + mode + ".log");
    apiFile = run.resolve("api-" + mode + ".json");
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", TOPOLOGY.gw,
        ProcessHandle.current().info().command().orElse("java")));
    cmd.addAll(JvmFlags.ALL);
    cmd.addAll(List.of("-Xmx384m", "-cp", System.getProperty("java.class.path"), "io.ipsecmesh.gateway.Main", "run",
        "--config", cfg.toString(), "--api-port", "0", "--metrics-port", "0", "--api-file", apiFile.toString()));
    gateway = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(gatewayLog.toFile()).start();
    LogWatch.awaitLine(gatewayLog, "ipsec-mesh: started", Duration.ofSeconds(90));
  }

  private void stopGateway() throws Exception {
    if (gateway != null) {
      gateway.destroy();
      if (!gateway.waitFor(15, TimeUnit.SECONDS)) {
        gateway.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      gateway = null;
    }
  }

  private String show() throws Exception {
    return exec("show crypto ipsec client ezvpn");
  }

  private void awaitShow(String text, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    String last = show();
    while (!last.contains(text) && System.nanoTime() < deadline) {
      Thread.sleep(200);
      last = show();
    }
    assertTrue(last.contains(text), last);
  }

  /** One exec command through our gateway's API (which listens on 127.0.0.1 inside its namespace). */
  private String exec(String command) throws Exception {
    return TwoHubTopology.capture(List.of("ip", "netns", "exec", TOPOLOGY.gw,
        ProcessHandle.current().info().command().orElse("java"), "-cp", System.getProperty("java.class.path"),
        "io.ipsecmesh.gateway.Main", "exec", command, "--api-file", apiFile.toString()), Map.of());
  }

  private String ping() throws Exception {
    return TwoHubTopology.capture(List.of("ip", "netns", "exec", TOPOLOGY.lanA, "ping", "-c", "1", "-W", "1",
        TwoHubTopology.LAN_B_HOST), Map.of());
  }

  private void pingUntilTheTunnelCarries(Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      last = ping();
      if (last.contains(" 0% packet loss")) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no ping through the tunnel within " + within + ": " + last + "\ngateway log:\n"
        + Files.readString(gatewayLog));
  }

  private String harness(Map<String, String> env, String script, String... args) throws Exception {
    return StrongswanHarness.script(run, env, script, args);
  }
}
