package io.ipsecmesh.it.dpd;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ipsecmesh.gateway.JvmFlags;
import io.ipsecmesh.it.TwoHubTopology;
import io.ipsecmesh.testsupport.LogWatch;
import io.ipsecmesh.testsupport.Sh;
import io.ipsecmesh.testsupport.StrongswanHarness;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * DPD and failover in real time against strongSwan: our gateway ({@code ipsec-mesh run} in namespace
 * {@code dpda}, TUN inner side) lists two strongSwan 5.9.8 hubs (kernel-libipsec) as {@code set peer} 1
 * and 2 with {@code dpd 10 2 periodic}. A ping from LAN A brings the tunnel up with peer 1; peer 1 is then
 * silenced with an nftables drop table; our log must say {@code %CRYPTO-5-SESSION_STATUS: Crypto tunnel is
 * DOWN} within 10 + 5 × 2 + 1 s of the silence, and the next ping must cross a new tunnel to peer 2. The
 * strongSwan harness is test-support's ({@link StrongswanHarness}); needs root, skipped with the
 * reason otherwise; daemons, gateway and namespaces are removed in {@link #tearDown()}, also on failure.
 * {@link StrongswanIkev1HostNameDpdFailoverTest} runs the same scenario with IKEv1 and the peers given by host name.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class StrongswanDpdFailoverTest {

  private TwoHubTopology net;

  private static final int DPD_SECONDS = 10;
  private static final int DPD_RETRY = 2;
  /** Seconds + 5 retransmissions × retry, and one second for the timer wheel and the log. */
  private static final Duration DEAD_BOUND = Duration.ofSeconds(DPD_SECONDS + 5 * DPD_RETRY + 1);
  private static final String DOWN_1 = "%CRYPTO-5-SESSION_STATUS: Crypto tunnel is DOWN. Peer "
      + TwoHubTopology.PEER_1_WAN;
  /** Our child JVM's log lines begin with the wall-clock time to the millisecond. */
  private static final String LOG_FORMAT = "%1$tY-%1$tm-%1$tdT%1$tH:%1$tM:%1$tS.%1$tL %4$s %5$s%6$s%n";
  private static final Pattern STAMP = Pattern.compile("^(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}) ");

  private Path run;
  private Process gateway;
  private Path gatewayLog;
  private final List<String> charons = new ArrayList<>();
  private boolean topology;
  /** The run directory (logs) stays for diagnosis only when the test failed. */
  private boolean passed;

  /** The prefix of the topology's namespace names: each variant has its own. */
  String namespacePrefix() {
    return "dpd";
  }

  /** The gateway's configuration (a resource next to this class). */
  String gatewayConfig() {
    return "dpd-failover-gwa.cfg";
  }

  /** The strongSwan hubs' harness profile and what it overrides. */
  String hubProfile() {
    return "ikev2-gcm";
  }

  Map<String, String> hubProfileOverrides() {
    return Map.of("IKE_PROPOSALS", "aes128gcm16-prfsha256-ecp256");
  }

  /** Before the gateway starts, in the topology's namespaces (the IKEv1 case writes the gateway's hosts file). */
  void beforeGateway(TwoHubTopology topology) throws Exception {}

  /** The debug command that shows an answered liveness probe, and the line it logs for peer 1's answer. */
  String debugCommand() {
    return "debug crypto ikev2";
  }

  String probeAnsweredLine() {
    return "Received DPD/liveness query response from " + TwoHubTopology.PEER_1_WAN;
  }

  /** {@code show crypto isakmp sa}'s state of an established IKE SA (IKEv2 READY, IKEv1 QM_IDLE). */
  String establishedState() {
    return "READY";
  }

  @BeforeAll
  void setUp() throws Exception {
    StrongswanHarness.assumeStrongswanAndTun("kernel-libipsec", "gcm", "openssl");
    assumeTrue(Files.isExecutable(Path.of("/usr/sbin/nft")), "nftables (nft) not installed");
    run = Sh.runDirectory("it-dpd-");
    net = new TwoHubTopology(namespacePrefix());
    topology = true;
    net.up();
    charon(net.peer1, TwoHubTopology.PEER_1_WAN);
    charon(net.peer2, TwoHubTopology.PEER_2_WAN);

    beforeGateway(net);
    Path cfg = run.resolve("gwa.cfg");
    try (InputStream in = StrongswanDpdFailoverTest.class.getResourceAsStream(gatewayConfig())) {
      Files.copy(in, cfg);
    }
    gatewayLog = run.resolve("gateway.log");
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", net.gw,
        ProcessHandle.current().info().command().orElse("java")));
    cmd.addAll(JvmFlags.ALL);
    cmd.addAll(List.of("-Xmx384m", "-Djava.util.logging.SimpleFormatter.format=" + LOG_FORMAT,
        "-cp", System.getProperty("java.class.path"), "io.ipsecmesh.gateway.Main", "run",
        "--config", cfg.toString(), "--api-port", "0", "--metrics-port", "0",
        "--api-file", run.resolve("api.json").toString()));
    gateway = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(gatewayLog.toFile()).start();
    awaitLine(gatewayLog, "ipsec-mesh: started", Duration.ofSeconds(90));
  }

  /** A strongSwan responder in {@code ns}: the same LAN 10.91.2.0/24 behind either hub. */
  private void charon(String ns, String wanAddress) throws Exception {
    charons.add(ns);
    Map<String, String> env = new java.util.HashMap<>(Map.of("LOCAL_ID", wanAddress, "REMOTE_ID",
        TwoHubTopology.GW_WAN, "LOCAL_TS", "10.91.2.0/24", "REMOTE_TS", "10.91.1.0/24", "REMOTE_ADDRS",
        TwoHubTopology.GW_WAN, "SECRET_ID_A", TwoHubTopology.GW_WAN, "SECRET_ID_B", wanAddress));
    env.putAll(hubProfileOverrides());
    String out = harness(env, "charon-start.sh", ns, hubProfile());
    assumeTrue(Files.exists(run.resolve(ns).resolve("run").resolve("charon.vici")), "charon did not start: " + out);
  }

  @AfterAll
  void tearDown() throws Exception {
    try {
      if (gateway != null) {
        gateway.destroy();
        if (!gateway.waitFor(15, TimeUnit.SECONDS)) {
          gateway.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
      for (String ns : charons) {
        harness(Map.of(), "charon-stop.sh", ns);
      }
    } finally {
      if (topology) {
        net.down();
      }
      if (passed) {
        try (var files = Files.walk(run)) {
          files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
      }
    }
  }

  @Test
  void silentPeerIsDeclaredDeadOnScheduleAndTrafficFailsOverToTheNextSetPeer() throws Exception {
    pingUntilTheTunnelCarries(Duration.ofSeconds(30));
    Path log1 = run.resolve(net.peer1).resolve("charon.log");
    Path log2 = run.resolve(net.peer2).resolve("charon.log");
    assertTrue(Files.readString(log1).contains("CHILD_SA net{1} established"), Files.readString(log1));
    assertTrue(!Files.readString(log2).contains("established"), "peer 2 must be idle before the failover");

    // steady state first: a periodic R-U-THERE answered by strongSwan. Silencing peer 1 right after its
    // answer is the worst case (the full interval, then five retransmissions), with no ESP still in flight
    // whose once-a-second activity summary would move the start of the silence
    String debug = exec(debugCommand());
    awaitLine(gatewayLog, probeAnsweredLine(), Duration.ofSeconds(3L * DPD_SECONDS));
    assertTrue(!debug.contains("%"), debug);
    net.silence(net.peer1);
    Instant silent = Instant.now();
    String down = awaitLine(gatewayLog, DOWN_1, DEAD_BOUND.plusSeconds(20));
    Instant dead = stamp(down).orElseThrow(() -> new AssertionError("no timestamp in: " + down));
    Duration detection = Duration.between(silent, dead);
    System.out.println(getClass().getSimpleName() + ": peer 1 declared dead " + detection.toMillis()
        + " ms after the silence (bound " + DEAD_BOUND.toMillis() + " ms)");
    assertTrue(detection.compareTo(DEAD_BOUND) <= 0, "declared dead after " + detection + ", bound " + DEAD_BOUND
        + ":\n" + Files.readString(gatewayLog));
    // five unanswered retransmissions 2 s apart come first: a verdict before that is no DPD verdict
    assertTrue(detection.compareTo(Duration.ofSeconds(5L * DPD_RETRY)) >= 0, "declared dead after " + detection);

    pingUntilTheTunnelCarries(Duration.ofSeconds(30));
    String sas = harness(Map.of(), "sw.sh", net.peer2, "--list-sas");
    assertTrue(sas.contains("ESTABLISHED") && sas.contains("INSTALLED"), sas);
    // peer 2's SAs counted the ping both ways: our forwarder encrypted to it and decrypted its answers
    assertTrue(sas.matches("(?s).*\\n +in  [0-9a-f]{8}, +[1-9][0-9]* bytes, +[1-9][0-9]* packets.*"), sas);
    assertTrue(sas.matches("(?s).*\\n +out [0-9a-f]{8}, +[1-9][0-9]* bytes, +[1-9][0-9]* packets.*"), sas);
    assertTrue(Files.readString(gatewayLog).contains("Crypto tunnel is UP. Peer " + TwoHubTopology.PEER_2_WAN),
        Files.readString(gatewayLog));
    // peer 2 is now the crypto map's peer: nothing negotiates with dead peer 1 any more
    String isakmp = exec("show crypto isakmp sa");
    assertTrue(isakmp.matches("(?s).*" + Pattern.quote(TwoHubTopology.PEER_2_WAN) + "\\s+" + Pattern.quote(TwoHubTopology.GW_WAN)
        + "\\s+" + establishedState() + ".*"), isakmp);
    assertTrue(!isakmp.contains(TwoHubTopology.PEER_1_WAN), isakmp);
    passed = true;
  }

  /** One exec command through our gateway's API (which listens on 127.0.0.1 inside its namespace). */
  private String exec(String command) throws Exception {
    return TwoHubTopology.capture(List.of("ip", "netns", "exec", net.gw,
        ProcessHandle.current().info().command().orElse("java"), "-cp", System.getProperty("java.class.path"),
        "io.ipsecmesh.gateway.Main", "exec", command, "--api-file", run.resolve("api.json").toString()), Map.of());
  }

  /** The first packets only trigger the negotiation (ACQUIRE), as on IOS; then the tunnel carries them. */
  private void pingUntilTheTunnelCarries(Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      last = TwoHubTopology.capture(List.of("ip", "netns", "exec", net.lanA, "ping", "-c", "1", "-W", "1",
          TwoHubTopology.LAN_B_HOST), Map.of());
      if (last.contains(" 0% packet loss")) {
        return;
      }
    }
    throw new AssertionError("no ping through the tunnel within " + within + ": " + last + "\ngateway log:\n"
        + Files.readString(gatewayLog));
  }

  /** The first line of {@code file} containing {@code text}, waiting for the file to grow until {@code within}. */
  private static String awaitLine(Path file, String text, Duration within) throws Exception {
    return LogWatch.awaitLine(file, text, within);
  }

  private static Optional<Instant> stamp(String line) {
    Matcher m = STAMP.matcher(line);
    return m.find() ? Optional.of(LocalDateTime.parse(m.group(1)).atZone(ZoneId.systemDefault()).toInstant())
        : Optional.empty();
  }

  private String harness(Map<String, String> env, String script, String... args) throws Exception {
    return StrongswanHarness.script(run, env, script, args);
  }
}
