package io.ipsecmesh.it;

import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.assumeRootStrongswanAndTun;
import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.awaitFile;
import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.harness;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.testsupport.Sh;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * The topology of the scenarios whose gateway is reconfigured while it runs: the whole gateway ({@code ipsec-mesh
 * run}) in {@code <prefix>gwa}, strongSwan 5.9.8 (charon, kernel-libipsec) restarted per scenario in
 * {@code <prefix>gwb}, LAN hosts behind both ({@code <prefix>lana} 10.91.1.10, {@code <prefix>lanb} 10.91.2.10) and
 * no plain route between the LANs, so LAN-to-LAN traffic only flows through IPsec. Each scenario writes its
 * configuration from the subclass's template and applies it with {@code ipsec-mesh config apply} (text → model →
 * policies, nothing set by hand). Needs root, strongSwan and a TUN device, skipped with the reason otherwise;
 * gateway, daemons and namespaces are removed in {@link #tearDown()}, also after failures, and the run directory
 * (configurations with their keys, logs) when the test JVM exits ({@link Sh#runDirectory}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AppliedConfigScenario {

  static final String US = "172.31.255.1";
  static final String THEM = "172.31.255.2";
  static final String LAN_B_HOST = "10.91.2.10";

  final String gw = prefix() + "gwa";
  final String peer = prefix() + "gwb";
  final String lanA = prefix() + "lana";
  Path run;
  Path gatewayLog;
  /** The subclass's configuration template, with {@code @NAME@} placeholders its scenarios fill. */
  String template;
  private Process gateway;
  private boolean up;
  private int written;

  /** The namespaces' prefix, unique per test class. */
  abstract String prefix();

  /** The configuration template, a resource next to the subclass. */
  abstract String templateResource();

  /** The configuration the gateway starts with. */
  abstract String initialConfiguration() throws Exception;

  /** What runs before the gateway starts (e.g. writing the certificates its options name). */
  void beforeGateway() throws Exception {}

  /** Options of {@code ipsec-mesh run} beyond the configuration, API and metrics ones. */
  List<String> gatewayOptions() {
    return List.of();
  }

  @BeforeAll
  void setUp() throws Exception {
    assumeRootStrongswanAndTun();
    run = Sh.runDirectory("it-" + prefix() + "-");
    up = true;
    harness(run, prefix(), Map.of(), "netns-up.sh", "--no-plain-routes");
    try (InputStream in = getClass().getResourceAsStream(templateResource())) {
      template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    beforeGateway();
    Path cfg = write(initialConfiguration());
    gatewayLog = run.resolve("gateway.log");
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", gw,
        ProcessHandle.current().info().command().orElse("java")));
    cmd.addAll(io.ipsecmesh.gateway.JvmFlags.ALL);
    cmd.addAll(List.of("-Xmx384m", "-cp", System.getProperty("java.class.path"), "io.ipsecmesh.gateway.Main", "run",
        "--config", cfg.toString(), "--api-port", "0", "--metrics-port", "0", "--api-file",
        run.resolve("api.json").toString()));
    cmd.addAll(gatewayOptions());
    gateway = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(gatewayLog.toFile()).start();
    awaitFile(gatewayLog, "ipsec-mesh: started", 90);
  }

  @AfterAll
  void tearDown() throws Exception {
    Sh.stop(gateway, 15);
    if (up) {
      harness(run, prefix(), Map.of(), "netns-down.sh");
    }
  }

  /** {@code text} as the next configuration file of the run directory. */
  Path write(String text) throws Exception {
    Path f = run.resolve(gw + "-" + written++ + ".cfg");
    Files.writeString(f, text);
    return f;
  }

  /** {@code ipsec-mesh config apply} of {@code text}; fails unless it became (or already was) the active one. */
  void apply(String text) throws Exception {
    Path f = write(text);
    String out = Sh.capture(List.of("ip", "netns", "exec", gw, ProcessHandle.current().info().command().orElse("java"),
        "-cp", System.getProperty("java.class.path"), "io.ipsecmesh.gateway.Main", "config", "apply", "--api-file",
        run.resolve("api.json").toString(), f.toString()), Map.of());
    assertTrue(out.contains("is active") || out.contains("configuration unchanged"), out + "\n" + text);
  }

  /** An exec command ({@code show …}, {@code clear …}) through the gateway's management API. */
  String exec(String command) throws Exception {
    return GatewayStrongswanTunnelTest.exec(gw, run, command);
  }

  /** strongSwan in {@code <prefix>gwb}, (re)started with the harness profile {@code profile} and {@code env}. */
  String strongswan(Map<String, String> env, String profile) throws Exception {
    String out = harness(run, prefix(), env, "charon-start.sh", peer, profile);
    assertTrue(out.contains("loaded connection"), out);
    return out;
  }

  /** strongSwan initiates its Child SA {@code net}; swanctl's output. */
  String theyInitiate() throws Exception {
    return harness(run, prefix(), Map.of(), "sw.sh", peer, "--initiate", "--child", "net", "--timeout", "20");
  }

  /** strongSwan's {@code swanctl --list-sas}. */
  String theirSas() throws Exception {
    return harness(run, prefix(), Map.of(), "sw.sh", peer, "--list-sas");
  }

  /** strongSwan's charon.log. */
  String charonLog() throws Exception {
    return Files.readString(run.resolve(peer).resolve("charon.log"));
  }

  /** Pings from LAN A to LAN B (a few tries: the first may start the negotiation); true when one was answered. */
  boolean pingLanB(int tries) throws Exception {
    boolean ok = false;
    for (int i = 0; i < tries && !ok; i++) {
      ok = Sh.capture(List.of("ip", "netns", "exec", lanA, "ping", "-c", "1", "-W", "2", LAN_B_HOST), Map.of())
          .contains(" 0% packet loss");
    }
    return ok;
  }

  /** {@code clear crypto session}, then up to 15 s for strongSwan to have no IKE SA left. */
  void clearAndSettle() throws Exception {
    exec("clear crypto session");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (theirSas().contains("ESTABLISHED") && System.nanoTime() < deadline) {
      Thread.sleep(300);
    }
  }
}
