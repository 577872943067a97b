package io.ipsecmesh.it;

import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.assumeRootStrongswanAndTun;
import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.capture;
import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.exec;
import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.harness;
import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.pingUntilTheTunnelCarries;
import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.startGateway;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.testsupport.Sh;
import io.ipsecmesh.testsupport.StrongswanHarness;
import io.ipsecmesh.testsupport.TestPki;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * RFC 7383 IKEv2 fragmentation against strongSwan 5.9.8 (charon, kernel-libipsec, {@code fragmentation = yes}): the
 * whole gateway ({@code ipsec-mesh run}, {@code crypto ikev2 fragmentation mtu 1280} applied from configuration) in
 * {@code frgwa}, strongSwan in {@code frgwb}, both authenticating with RSA 4096 certificates, so that each IKE_AUTH
 * message (CERT of ~1.4 KB, AUTH of 512 bytes, CERTREQ) is larger than the 1500-byte link. Both namespaces drop
 * every IP fragment they receive (nftables in prerouting before defragmentation: offset non-zero or MF set), so an
 * IKE_AUTH gets through only in IKE fragments of at most 1280 bytes:
 * <ul>
 *   <li>strongSwan initiates: it fragments its IKE_AUTH request, we reassemble it and fragment our response;</li>
 *   <li>we initiate (a ping from {@code frlana}): we fragment our request, strongSwan reassembles it and fragments
 *       its response, which we reassemble;</li>
 *   <li>the negative control: without {@code crypto ikev2 fragmentation} we do not send IKEV2_FRAGMENTATION_SUPPORTED,
 *       strongSwan sends its IKE_AUTH whole, the kernel fragments it, the fragments are dropped and no IKE SA comes
 *       up.</li>
 * </ul>
 * Needs root, strongSwan and a TUN device (skipped with the reason otherwise); namespaces, daemons and the gateway
 * are removed in {@link #tearDown()}, also after failures.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 420, unit = TimeUnit.SECONDS)
class GatewayStrongswanFragmentationTest {

  private static final String PREFIX = "fr";
  private static final String US = PREFIX + "gwa";
  private static final String THEM = PREFIX + "gwb";
  private static final String FRAGMENTATION = "crypto ikev2 fragmentation mtu 1280";
  private static final Pattern COUNTER = Pattern.compile("counter packets (\\d+)");

  private Path run;
  private Process gateway;
  private Path gatewayLog;
  private boolean up;
  private String template;
  private int applied;
  private TestPki pki;
  private TestPki.Issued theirs;

  @BeforeAll
  void setUp() throws Exception {
    assumeRootStrongswanAndTun();
    run = Files.createTempDirectory("it-fragmentation-");
    up = true;
    harness(run, PREFIX, Map.of(), "netns-up.sh", "--no-plain-routes");
    dropIpFragments(US);
    dropIpFragments(THEM);
    try (InputStream in = getClass().getResourceAsStream("fragmentation/gwa.cfg")) {
      template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Path dir = run.resolve("pki");
    pki = new TestPki("CN=ipsec-mesh fragmentation test CA", TestPki.Keys.RSA_4096);
    pki.writeCa(dir.resolve("ca.pem"));
    TestPki.writePem(pki.issue("gwa.example.net"), dir.resolve("gwa.pem"), dir.resolve("gwa.key"));
    theirs = pki.issue("gwb.example.net");
    gatewayLog = run.resolve("gateway.log");
    gateway = startGateway(US, config(FRAGMENTATION), run, gatewayLog, "--ike-cert-file",
        dir.resolve("gwa.pem").toString(), "--ike-key-file", dir.resolve("gwa.key").toString(), "--ike-ca-file",
        dir.resolve("ca.pem").toString());
    assertTrue(exec(US, run, "debug crypto ikev2").contains("IKEv2"), "debug crypto ikev2 on");
  }

  @AfterAll
  void tearDown() throws Exception {
    Sh.stop(gateway, 15);
    if (up) {
      harness(run, PREFIX, Map.of(), "netns-down.sh");
    }
  }

  /**
   * The link drops IP fragments: nftables in {@code ns}'s prerouting at priority -500, before conntrack's
   * defragmentation (-400), drops every fragment — a fragment offset or the more-fragments bit — and counts them.
   */
  private static void dropIpFragments(String ns) throws Exception {
    Path rules = Files.createTempFile("frag-drop-", ".nft");
    try {
      Files.writeString(rules, """
          table ip fragdrop {
              chain pre {
                  type filter hook prerouting priority -500; policy accept;
                  ip frag-off & 0x1fff != 0 counter drop
                  ip frag-off & 0x2000 != 0 counter drop
              }
          }
          """);
      String out = capture(List.of("ip", "netns", "exec", ns, "nft", "-f", rules.toString()), Map.of());
      assertEquals("", out.strip(), "nft in " + ns);
    } finally {
      Files.deleteIfExists(rules);
    }
  }

  /** IP fragments dropped so far in {@code ns}. */
  private static long droppedFragments(String ns) throws Exception {
    String rules = capture(List.of("ip", "netns", "exec", ns, "nft", "list", "table", "ip", "fragdrop"), Map.of());
    long n = 0;
    Matcher m = COUNTER.matcher(rules);
    while (m.find()) {
      n += Long.parseLong(m.group(1));
    }
    return n;
  }

  private Path config(String fragmentation) throws Exception {
    Path f = run.resolve("gwa-" + applied++ + ".cfg");
    Files.writeString(f, template.replace("@FRAGMENTATION@", fragmentation));
    return f;
  }

  /** strongSwan in frgwb (restarted: a fresh charon.log) with its RSA 4096 certificate as gwb.example.net. */
  private void strongswan() throws Exception {
    harness(run, PREFIX, Map.of("LOCAL_ID", "gwb.example.net", "REMOTE_ID", "gwa.example.net", "AUTH", "pubkey",
        "LOCAL_CERT", "gwb.pem", "LOAD", "no", "IKE_PROPOSALS", "aes128gcm16-prfsha256-ecp256"), "charon-start.sh",
        THEM, "ikev2-gcm");
    StrongswanHarness.loadCredentials(run, THEM, pki, theirs, "gwb");
  }

  private String charonLog() throws Exception {
    return Files.readString(run.resolve(THEM).resolve("charon.log"));
  }

  private String theirSas() throws Exception {
    return harness(run, PREFIX, Map.of(), "sw.sh", THEM, "--list-sas");
  }

  private void clearAndSettle() throws Exception {
    exec(US, run, "clear crypto session");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (theirSas().contains("ESTABLISHED") && System.nanoTime() < deadline) {
      Thread.sleep(300);
    }
  }

  /** strongSwan split its own IKE_AUTH message and reassembled ours; our debug trace says the same of our side. */
  private void assertBothSidesFragmented(String log, String ours) {
    assertTrue(log.matches("(?s).*splitting IKE message \\(\\d+ bytes\\) into [2-9] fragments.*"), log);
    assertTrue(log.matches("(?s).*reassembled fragmented IKE message \\(\\d+ bytes\\).*"), log);
    assertTrue(log.contains("authentication of 'gwa.example.net' with RSA"), log);
    assertTrue(ours.contains("Fragmenting packet, Fragment MTU: 1280, Number of fragments: "), ours);
    assertTrue(ours.matches("(?s).*Reassembled [2-9] fragments, message size \\d+.*"), ours);
  }

  @Test
  @Order(1)
  void strongswanInitiatesAndBothIkeAuthMessagesCrossInFragments() throws Exception {
    strongswan();
    long before = droppedFragments(US) + droppedFragments(THEM);
    int logBefore = Files.readString(gatewayLog).length();
    String out = harness(run, PREFIX, Map.of(), "sw.sh", THEM, "--initiate", "--child", "net", "--timeout", "30");
    assertTrue(out.contains("initiate completed successfully"), out + "\n" + Files.readString(gatewayLog));
    assertBothSidesFragmented(charonLog(), Files.readString(gatewayLog).substring(logBefore));
    assertEquals(before, droppedFragments(US) + droppedFragments(THEM), "no IP fragment on the link");
    assertTrue(exec(US, run, "show crypto isakmp sa").contains("172.31.255.2"));
    pingUntilTheTunnelCarries(PREFIX + "lana", gatewayLog);
    clearAndSettle();
  }

  @Test
  @Order(2)
  void weInitiateAndBothIkeAuthMessagesCrossInFragments() throws Exception {
    strongswan();
    long before = droppedFragments(US) + droppedFragments(THEM);
    int logBefore = Files.readString(gatewayLog).length();
    pingUntilTheTunnelCarries(PREFIX + "lana", gatewayLog);
    String log = charonLog();
    assertTrue(log.contains("CHILD_SA net{1} established"), log);
    assertBothSidesFragmented(log, Files.readString(gatewayLog).substring(logBefore));
    assertEquals(before, droppedFragments(US) + droppedFragments(THEM), "no IP fragment on the link");
    clearAndSettle();
  }

  /**
   * Without {@code crypto ikev2 fragmentation} the same certificates do not get through: strongSwan's IKE_AUTH
   * request leaves whole, the kernel splits it into IP fragments, our namespace drops them, no IKE SA.
   */
  @Test
  @Order(3)
  void withoutIkeFragmentationTheIkeAuthIsLostInIpFragments() throws Exception {
    Path f = config("");
    String applyOut = capture(List.of("ip", "netns", "exec", US, ProcessHandle.current().info().command()
        .orElse("java"), "-cp", System.getProperty("java.class.path"), "io.ipsecmesh.gateway.Main", "config", "apply",
        "--api-file", run.resolve("api.json").toString(), f.toString()), Map.of());
    assertTrue(applyOut.contains("is active"), applyOut);
    strongswan();
    long before = droppedFragments(US);
    int logBefore = Files.readString(gatewayLog).length();
    String out = harness(run, PREFIX, Map.of(), "sw.sh", THEM, "--initiate", "--child", "net", "--timeout", "12");
    assertFalse(out.contains("initiate completed successfully"), out);
    String log = charonLog();
    assertFalse(log.contains("splitting IKE message"), "strongSwan did not fragment: we did not offer it\n" + log);
    assertFalse(log.contains("IKE_SA gw[1] established"), log);
    assertTrue(droppedFragments(US) > before, "strongSwan's IKE_AUTH was dropped in IP fragments");
    assertFalse(exec(US, run, "show crypto ikev2 sa").contains("READY"));
    // strongSwan offered fragmentation, our answer did not (RFC 7383 §2.3), and its IKE_AUTH never reached us
    String ours = Files.readString(gatewayLog).substring(logBefore);
    assertTrue(line(ours, "received message id 0 IKE_SA_INIT request").contains("N(FRAG_SUP)"), ours);
    assertFalse(line(ours, "sending message id 0 IKE_SA_INIT response").contains("FRAG_SUP"), ours);
    assertFalse(ours.contains("IKE_AUTH request"), ours);
  }

  /** The first line of {@code log} containing {@code what} (fails when there is none). */
  private static String line(String log, String what) {
    return log.lines().filter(l -> l.contains(what)).findFirst()
        .orElseThrow(() -> new AssertionError("no '" + what + "' in:\n" + log));
  }
}
