package io.ipsecmesh.it;

import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.assumeRootStrongswanAndTun;
import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.harness;
import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.pingUntilTheTunnelCarries;
import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.startGateway;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.testsupport.Netns;
import io.ipsecmesh.testsupport.Sh;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The topology of the IKEv1 scenarios against strongSwan: the whole gateway ({@code ipsec-mesh run}) in
 * {@code <prefix>gwa} with an IKEv1 crypto map (a configuration resource of the subclass), strongSwan 5.9.8 with
 * the harness's {@code ikev1-psk} profile in {@code <prefix>gwb} (addresses as identities, its own DPD off:
 * {@code dpd_delay = 0s}, so only our probes keep the tunnel checked, plus the subclass's proposals), LAN hosts
 * behind both and no plain route between the LANs, so LAN-to-LAN traffic only flows through IPsec. Needs root and
 * strongSwan, skipped with the reason otherwise; gateway, daemon and namespaces are removed in {@link #tearDown()},
 * also on failure, and the run directory (logs) only when the test passed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
abstract class Ikev1GatewayScenario {

  static final String LAN_B_HOST = "10.91.2.10";

  final String gw = prefix() + "gwa";
  final String peer = prefix() + "gwb";
  final String lanA = prefix() + "lana";
  Path run;
  Path gatewayLog;
  private Process gateway;
  private boolean up;
  boolean passed;

  /** The namespaces' prefix, unique per test class. */
  abstract String prefix();

  /** The gateway's configuration, a resource next to the subclass. */
  abstract String configuration();

  /** strongSwan's settings beyond the harness's {@code ikev1-psk} profile (e.g. its proposals). */
  Map<String, String> strongswanSettings() {
    return Map.of();
  }

  @BeforeAll
  void setUp() throws Exception {
    assumeRootStrongswanAndTun();
    run = Sh.runDirectory("it-" + prefix() + "-ikev1-");
    up = true;
    harness(run, prefix(), Map.of(), "netns-up.sh", "--no-plain-routes");
    Map<String, String> env = new HashMap<>(Map.of("LOCAL_ID", "172.31.255.2", "REMOTE_ID", "172.31.255.1",
        "SECRET_ID_A", "172.31.255.1", "SECRET_ID_B", "172.31.255.2", "DPD_DELAY", "0s"));
    env.putAll(strongswanSettings());
    harness(run, prefix(), env, "charon-start.sh", peer, "ikev1-psk");
    Path cfg = run.resolve("gwa.cfg");
    try (InputStream in = getClass().getResourceAsStream(configuration())) {
      Files.copy(in, cfg);
    }
    gatewayLog = run.resolve("gateway.log");
    gateway = startGateway(gw, cfg, run, gatewayLog);
  }

  @AfterAll
  void tearDown() throws Exception {
    Sh.stop(gateway, 15);
    if (up) {
      harness(run, prefix(), Map.of(), "netns-down.sh");
    }
    if (passed) {
      try (Stream<Path> s = Files.walk(run)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** strongSwan's charon.log. */
  Path charonLog() {
    return run.resolve(peer).resolve("charon.log");
  }

  /**
   * LAN A pings LAN B until the tunnel carries (the first packets only trigger the negotiation), then three pings
   * cross it; strongSwan has its Child SA, and its SA counters show traffic both ways: its inbound SA decrypted
   * what our forwarder encrypted, its outbound SA was decrypted by us. Returns {@code swanctl --list-sas}.
   */
  String pingCrossesTheTunnel() throws Exception {
    pingUntilTheTunnelCarries(lanA, gatewayLog);
    Sh.Result ping = Netns.ping(lanA, LAN_B_HOST, 3, 2);
    assertTrue(ping.output().contains("3 received"), ping.output());
    String log = Files.readString(charonLog());
    assertTrue(log.contains("CHILD_SA net{1} established"), log);
    String sas = harness(run, prefix(), Map.of(), "sw.sh", peer, "--list-sas");
    assertTrue(sas.matches("(?s).*\\n +in  [0-9a-f]{8}, +[1-9][0-9]* bytes, +[1-9][0-9]* packets.*"), sas);
    assertTrue(sas.matches("(?s).*\\n +out [0-9a-f]{8}, +[1-9][0-9]* bytes, +[1-9][0-9]* packets.*"), sas);
    return sas;
  }
}
