package io.ipsecmesh.it.invalidspi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ipsecmesh.testsupport.LogWatch;
import io.ipsecmesh.testsupport.Sh;
import io.ipsecmesh.testsupport.StrongswanHarness;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The seed's invalid-SPI scenario ("Invalid Security Parameter Index Recovery", How the Feature Works)
 * with two of our gateways: whole {@code ipsec-mesh run} JVMs in namespaces {@code ispgwa} and
 * {@code ispgwb} (ike-service's harness, {@code netns-up.sh --no-plain-routes}: LAN-to-LAN traffic only
 * flows through the tunnel), IKEv2 with PSK, one crypto map each, no DPD. A ping stream runs from
 * {@code isplana} to {@code isplanb}; then gateway B is killed (SIGKILL: it loses every SA) and started
 * again while A keeps sending on its SA. With {@code crypto isakmp invalid-spi-recovery} on B, B logs
 * {@code %CRYPTO-4-RECV_PKT_INV_SPI}, sets up an IKE SA with A for the purpose, and traffic resumes on
 * new SAs; without it B only drops (the "black hole") for the whole observation window, since nothing
 * else — no DPD configured, no traffic from B's side — would make either side renegotiate before the
 * 3600 s lifetime. Needs root; skipped with the reason otherwise. Namespaces and JVMs are removed in
 * {@link #tearDown()}, also after a failure.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class InvalidSpiRecoveryNetnsTest {

  private static final String A_WAN = "172.31.255.1";
  private static final String B_WAN = "172.31.255.2";
  private static final String LAN_B_HOST = "10.91.2.10";
  /** How long the black hole is watched without recovery. */
  private static final int BLACK_HOLE_WINDOW_SECONDS = 20;
  /** A generous bound for recovery, measured from B's restart being complete. */
  private static final int RECOVERY_BOUND_SECONDS = 30;
  private static final Pattern REPLY = Pattern.compile("^\\[(\\d+\\.\\d+)] \\d+ bytes from ");

  private Path run;
  private boolean namespaces;
  private final List<Process> processes = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    assumeTrue(Sh.isRoot(), "needs root (network namespaces)");
    assumeTrue(Files.exists(Path.of("/dev/net/tun")), "no /dev/net/tun for the forwarders' TUN devices");
    run = Sh.runDirectory("it-invalidspi-");
    namespaces = true;
    String out = script("netns-up.sh", "--no-plain-routes");
    assertTrue(out.contains("topology: plain"), out);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (Process p : processes) {
      Sh.stop(p, 15);
    }
    if (namespaces) {
      script("netns-down.sh");
    }
  }

  @Test
  void withRecoveryTrafficResumesOnNewSasAfterThePeerRestarts() throws Exception {
    Scenario s = scenario(true);
    long firstReply = s.firstReplyAfter(s.killedAt, RECOVERY_BOUND_SECONDS * 1000L + (s.upAt - s.killedAt));
    assertTrue(firstReply > 0, "no ping reply within " + RECOVERY_BOUND_SECONDS + " s of B's restart; B's log:\n"
        + Files.readString(s.bLog2));
    String bLog = Files.readString(s.bLog2);
    assertTrue(bLog.contains("%CRYPTO-4-RECV_PKT_INV_SPI: decaps: rec'd IPSEC packet has invalid spi for destaddr="
        + B_WAN + ", prot=50, spi=" ), bLog);
    assertTrue(bLog.contains("setting one up to send INVALID_SPI (invalid-spi-recovery)"), bLog);
    String after = show("ispgwa", s.aApi, "show crypto ipsec sa");
    assertNotEquals(s.aSpiBefore, outboundSpi(after), "A sends on a new SA");
    System.out.printf("INVALID-SPI-RECOVERY: recovery on: B killed -> B up %.1f s, B up -> first reply %.1f s,"
        + " kill -> first reply %.1f s (ping every 0.2 s)%n", (s.upAt - s.killedAt) / 1000.0,
        (firstReply - s.upAt) / 1000.0, (firstReply - s.killedAt) / 1000.0);
  }

  @Test
  void withoutRecoveryTheBlackHolePersists() throws Exception {
    Scenario s = scenario(false);
    long firstReply = s.firstReplyAfter(s.killedAt, BLACK_HOLE_WINDOW_SECONDS * 1000L + (s.upAt - s.killedAt));
    assertEquals(-1, firstReply, "no reply for " + BLACK_HOLE_WINDOW_SECONDS + " s after B's restart");
    String bLog = Files.readString(s.bLog2);
    assertTrue(bLog.contains("%CRYPTO-4-RECV_PKT_INV_SPI"), "B sees the stale SPI and drops: " + bLog);
    assertTrue(!bLog.contains("setting one up to send INVALID_SPI"), bLog);
    String after = show("ispgwa", s.aApi, "show crypto ipsec sa");
    assertEquals(s.aSpiBefore, outboundSpi(after), "A still sends on its stale SA");
    long invalid = Pattern.compile("%CRYPTO-4-RECV_PKT_INV_SPI").matcher(bLog).results().count();
    System.out.printf("INVALID-SPI-RECOVERY: recovery off: black hole for the whole %d s window after B's restart"
        + " (B up %.1f s after the kill), %d RECV_PKT_INV_SPI lines at B (rate-limited: 1/s per source)%n",
        BLACK_HOLE_WINDOW_SECONDS, (s.upAt - s.killedAt) / 1000.0, invalid);
  }

  /** What one run measured. */
  private final class Scenario {
    Path pingLog;
    Path bLog2;
    Path aApi;
    String aSpiBefore;
    long killedAt;
    long upAt;

    /** The wall-clock time (ms) of the first ping reply after {@code since}, waiting until since + window; -1 if none. */
    long firstReplyAfter(long since, long windowMillis) throws Exception {
      long deadline = since + windowMillis;
      while (true) {
        for (String line : Files.readAllLines(pingLog)) {
          Matcher m = REPLY.matcher(line);
          if (m.find()) {
            long t = (long) (Double.parseDouble(m.group(1)) * 1000);
            if (t > since) {
              return t;
            }
          }
        }
        if (System.currentTimeMillis() > deadline) {
          return -1;
        }
        LogWatch.waitForChange(pingLog, Math.min(500, Math.max(1, deadline - System.currentTimeMillis())));
      }
    }
  }

  private Scenario scenario(boolean recovery) throws Exception {
    Scenario s = new Scenario();
    Path aCfg = write("gwa.cfg", config(A_WAN, B_WAN, "10.91.1", "10.91.2", recovery));
    Path bCfg = write("gwb.cfg", config(B_WAN, A_WAN, "10.91.2", "10.91.1", recovery));
    s.aApi = run.resolve("a-api.json");
    Path bApi = run.resolve("b-api.json");
    Process a = gateway("ispgwa", aCfg, s.aApi, run.resolve("gwa.log"));
    Process b = gateway("ispgwb", bCfg, bApi, run.resolve("gwb.log"));
    LogWatch.await(run.resolve("gwa.log"), "ipsec-mesh: started", 150);
    LogWatch.await(run.resolve("gwb.log"), "ipsec-mesh: started", 150);
    boolean ok = false;
    for (int i = 0; i < 15 && !ok; i++) {
      ok = exec("isplana", "ping", "-c", "1", "-W", "2", LAN_B_HOST).contains(" 0% packet loss");
    }
    assertTrue(ok, "no ping through the tunnel; A's log:\n" + Files.readString(run.resolve("gwa.log")));
    s.aSpiBefore = outboundSpi(show("ispgwa", s.aApi, "show crypto ipsec sa"));

    s.pingLog = run.resolve("ping.log");
    Process ping = new ProcessBuilder("ip", "netns", "exec", "isplana", "ping", "-D", "-O", "-i", "0.2", "-W", "1",
        "-w", "120", LAN_B_HOST).redirectErrorStream(true).redirectOutput(s.pingLog.toFile()).start();
    processes.add(ping);
    LogWatch.await(s.pingLog, "bytes from", 10);

    // B "dies" (the seed: a reboot): SIGKILL, nothing said to A; then it comes back without any SA
    s.killedAt = System.currentTimeMillis();
    b.destroyForcibly();
    assertTrue(b.waitFor(20, TimeUnit.SECONDS), "gateway B did not die");
    s.bLog2 = run.resolve("gwb-restarted.log");
    gateway("ispgwb", bCfg, bApi, s.bLog2);
    LogWatch.await(s.bLog2, "ipsec-mesh: started", 150);
    s.upAt = System.currentTimeMillis();
    assertTrue(a.isAlive());
    return s;
  }

  private static String config(String wan, String peer, String lan, String remoteLan, boolean recovery) {
    return InvalidSpiGateways.config("! invalid-SPI recovery test gateway " + wan + "\n" + "hostname isp-"
        + wan.substring(wan.lastIndexOf('.') + 1) + "\n", recovery, "other", "isp-test-psk-0123456789", wan, peer,
        lan, remoteLan);
  }

  private Path write(String name, String text) throws IOException {
    Path p = run.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  private Process gateway(String ns, Path cfg, Path api, Path log) throws IOException {
    // with only the wildcard bind address ike-service hashes 0.0.0.0 into NAT-D, and the two sides then
    // disagree about UDP encapsulation (one sends ESP-in-UDP, the other expects raw ESP); the real
    // address makes both see no NAT and use raw ESP
    Process p = InvalidSpiGateways.gateway(ns, cfg, api, log, "--ike-local-address",
        ns.equals("ispgwa") ? A_WAN : B_WAN);
    processes.add(p);
    return p;
  }

  private static String outboundSpi(String showSa) {
    Matcher m = Pattern.compile("current outbound spi: (\\S+)").matcher(showSa);
    assertTrue(m.find(), showSa);
    return m.group(1);
  }

  private String show(String ns, Path apiFile, String command) throws Exception {
    JsonObject api = new JsonObject(Files.readString(apiFile));
    return exec(ns, "curl", "-sS", "--max-time", "10", "-H", "Authorization: Bearer " + api.getString("token"),
        "--data", command, api.getString("url") + "/exec");
  }

  private String exec(String netns, String... command) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", netns));
    cmd.addAll(List.of(command));
    return Sh.capture(cmd, Map.of());
  }

  private String script(String name, String... args) throws Exception {
    return StrongswanHarness.script(run, "isp", Map.of(), name, args);
  }
}
