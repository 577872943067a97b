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
 * The whole gateway ({@code ipsec-mesh run} in namespace {@code g1gwa}) configured for IKEv1 as on IOS
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
class GatewayStrongswanIkev1Test {

  private static final String PREFIX = "g1";
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
    run = Files.createTempDirectory("it-ikev1-");
    up = true;
    // without plain routes LAN-to-LAN traffic only flows through IPsec
    harness(run, PREFIX, Map.of(), "netns-up.sh", "--no-plain-routes");
    harness(run, PREFIX, Map.of("LOCAL_ID", "172.31.255.2", "REMOTE_ID", "172.31.255.1", "SECRET_ID_A",
        "172.31.255.1", "SECRET_ID_B", "172.31.255.2", "DPD_DELAY", "0s"), "charon-start.sh", PEER,
        IKEV1_PROFILE.toString());
    Path cfg = run.resolve("gwa.cfg");
    try (InputStream in = getClass().getResourceAsStream("strongswan-ikev1-gwa.cfg")) {
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
  void pingCrossesAnIkev1TunnelAndStrongswanAnswersOurRuThere() throws Exception {
    Path charonLog = run.resolve(PEER).resolve("charon.log");
    exec(GW, run, "debug crypto isakmp");
    pingUntilTheTunnelCarries(LAN_A, gatewayLog);
    String ping = capture(List.of("ip", "netns", "exec", LAN_A, "ping", "-c", "3", "-i", "0.2", "-W", "2",
        "10.91.2.10"), Map.of());
    assertTrue(ping.contains("3 received"), ping);

    String log = Files.readString(charonLog);
    assertTrue(log.contains("IKE_SA gw[1] established between 172.31.255.2[172.31.255.2]...172.31.255.1"
        + "[172.31.255.1]"), "strongSwan finished Main Mode with our address identity:\n" + log);
    assertTrue(log.contains("CHILD_SA net{1} established"), log);
    String sas = harness(run, PREFIX, Map.of(), "sw.sh", PEER, "--list-sas");
    assertTrue(sas.contains("IKEv1") && sas.contains("ESTABLISHED") && sas.contains("INSTALLED"), sas);
    // strongSwan's inbound SA counted the packets our forwarder encrypted, its outbound ours decrypted
    assertTrue(sas.matches("(?s).*\\n +in  [0-9a-f]{8}, +[1-9][0-9]* bytes, +[1-9][0-9]* packets.*"), sas);
    assertTrue(sas.matches("(?s).*\\n +out [0-9a-f]{8}, +[1-9][0-9]* bytes, +[1-9][0-9]* packets.*"), sas);

    String isakmp = exec(GW, run, "show crypto isakmp sa");
    assertTrue(isakmp.lines().anyMatch(l -> l.contains("172.31.255.2") && l.contains("QM_IDLE")), isakmp);

    // keepalive 10 2 periodic: 10 s after the last ESP from strongSwan dpd-service asks for an R-U-THERE;
    // strongSwan parses it and answers, and the ACK reaches dpd-service
    awaitFile(charonLog, "[ HASH N(DPD_ACK) ]", 40);
    String dpd = Files.readString(charonLog);
    assertTrue(dpd.matches("(?s).*parsed INFORMATIONAL_V1 request \\d+ \\[ HASH N\\(DPD\\) \\].*"), dpd);
    awaitFile(gatewayLog, "DPD/R_U_THERE_ACK received from peer 172.31.255.2", 10);
    assertTrue(!Files.readString(gatewayLog).contains("Crypto tunnel is DOWN"), "the answering peer stays up");
    passed = true;
  }
}
