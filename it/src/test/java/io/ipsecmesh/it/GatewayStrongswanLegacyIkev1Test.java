package io.ipsecmesh.it;

import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.assumeRootStrongswanAndTun;
import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.awaitFile;
import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.capture;
import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.exec;
import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.harness;
import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.pingUntilTheTunnelCarries;
import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.startGateway;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Legacy crypto under {@code crypto engine compliance shield disable}: the whole gateway ({@code ipsec-mesh
 * run} in namespace {@code g5gwa}) runs the seed's 3DES example (Main Mode 3DES-CBC / SHA-1 / MODP-1024 group
 * 2, Quick Mode esp-3des esp-sha-hmac) against strongSwan configured for the same ({@code 3des-sha1-modp1024},
 * ESP {@code 3des-sha1}); a LAN-to-LAN ping crosses the tunnel and strongSwan's SA counts it both ways. Same
 * topology and helpers as {@link GatewayStrongswanIkev1Test}.
 *
 * <p>That test's description: the whole gateway configured for IKEv1 as on IOS
 * ({@code crypto isakmp policy 10} aes 256 / sha256 / group 14 / pre-share, {@code crypto isakmp key … address},
 * {@code crypto isakmp keepalive 10 2 periodic}, a crypto map without {@code set ikev2-profile}) against
 * strongSwan 5.9.8's {@code ikev1-psk} profile in {@code g1gwb}: a ping from {@code g1lana} makes the forwarder
 * ACQUIRE, ike-service run Main Mode and Quick Mode with strongSwan, the forwarder carry the ping over
 * ESP-in-UDP; {@code show crypto isakmp sa} lists the SA QM_IDLE; once the tunnel is quiet dpd-service asks
 * for R-U-THERE, which strongSwan acknowledges. strongSwan's own DPD is off ({@code dpd_delay = 0s}) so that
 * only our probes keep the tunnel checked. The topology and helpers are the tunnel test's
 * ({@link GatewayStrongswanTunnelTest}) on namespaces prefixed {@code g1}; needs root and strongSwan, skipped
 * with the reason otherwise; gateway, daemon and namespaces are removed in {@link #tearDown()}, also on failure.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class GatewayStrongswanLegacyIkev1Test {

  private static final String PREFIX = "g5";
  private static final String GW = PREFIX + "gwa";
  private static final String PEER = PREFIX + "gwb";
  private static final String LAN_A = PREFIX + "lana";
  private static final Path IKEV1_PROFILE = Path.of("..", "ike-service", "src", "test", "resources", "v1",
      "ikev1-psk.env").toAbsolutePath().normalize();

  private Path run;
  private Process gateway;
  private Path gatewayLog;
  private boolean up;
  private boolean passed;

  @BeforeAll
  void setUp() throws Exception {
    assumeRootStrongswanAndTun();
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(IKEV1_PROFILE),
        "strongSwan ikev1-psk profile not found at " + IKEV1_PROFILE);
    run = Files.createTempDirectory("it-ikev1-legacy-");
    up = true;
    // without plain routes LAN-to-LAN traffic only flows through IPsec
    harness(run, PREFIX, Map.of(), "netns-up.sh", "--no-plain-routes");
    harness(run, PREFIX, Map.of("LOCAL_ID", "172.31.255.2", "REMOTE_ID", "172.31.255.1", "SECRET_ID_A",
        "172.31.255.1", "SECRET_ID_B", "172.31.255.2", "DPD_DELAY", "0s", "IKE_PROPOSALS", "3des-sha1-modp1024", "ESP_PROPOSALS",
        "3des-sha1"), "charon-start.sh", PEER,
        IKEV1_PROFILE.toString());
    Path cfg = run.resolve("gwa.cfg");
    try (InputStream in = getClass().getResourceAsStream("strongswan-ikev1-legacy-gwa.cfg")) {
      Files.copy(in, cfg);
    }
    gatewayLog = run.resolve("gateway.log");
    gateway = startGateway(GW, cfg, run, gatewayLog);
  }

  @AfterAll
  void tearDown() throws Exception {
    if (gateway != null) {
      gateway.destroy();
      if (!gateway.waitFor(15, TimeUnit.SECONDS)) {
        gateway.destroyForcibly();
      }
    }
    if (up) {
      harness(run, PREFIX, Map.of(), "netns-down.sh");
    }
    if (passed) {
      try (Stream<Path> s = Files.walk(run)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void pingCrossesA3desSha1Group2TunnelWithStrongswan() throws Exception {
    Path charonLog = run.resolve(PEER).resolve("charon.log");
    pingUntilTheTunnelCarries(LAN_A, gatewayLog);
    String ping = capture(List.of("ip", "netns", "exec", LAN_A, "ping", "-c", "3", "-i", "0.2", "-W", "2",
        "10.91.2.10"), Map.of());
    assertTrue(ping.contains("3 received"), ping);

    String log = Files.readString(charonLog);
    assertTrue(log.contains("selected proposal: IKE:3DES_CBC/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_1024"),
        "strongSwan's Main Mode chose the legacy suite:\n" + log);
    assertTrue(log.contains("selected proposal: ESP:3DES_CBC/HMAC_SHA1_96/NO_EXT_SEQ"), log);
    assertTrue(log.contains("CHILD_SA net{1} established"), log);
    String sas = harness(run, PREFIX, Map.of(), "sw.sh", PEER, "--list-sas");
    assertTrue(sas.contains("IKEv1") && sas.contains("3DES_CBC") && sas.contains("MODP_1024"), sas);
    // strongSwan's inbound SA decrypted what our forwarder encrypted with 3DES, and the other way round
    assertTrue(sas.matches("(?s).*\\n +in  [0-9a-f]{8}, +[1-9][0-9]* bytes, +[1-9][0-9]* packets.*"), sas);
    assertTrue(sas.matches("(?s).*\\n +out [0-9a-f]{8}, +[1-9][0-9]* bytes, +[1-9][0-9]* packets.*"), sas);
    String gw = Files.readString(gatewayLog);
    for (String use : List.of("encryption 3des", "group 2", "esp-3des")) {
      assertTrue(gw.contains(use + " is insecure and allowed only because of 'crypto engine compliance shield"
          + " disable'"), "a warning for " + use + " in the gateway log");
    }
    passed = true;
  }
}
