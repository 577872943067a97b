package io.ipsecmesh.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.testsupport.LogWatch;
import io.ipsecmesh.testsupport.Sh;
import io.ipsecmesh.testsupport.StrongswanHarness;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The whole gateway ({@code ipsec-mesh run}: config-service, ike-service, esp-forwarder with its TUN,
 * dpd-service, nat-keepalive) in network namespace {@code itgwa} against strongSwan 5.9.8 in
 * {@code itgwb}, LAN hosts behind both: a ping from {@code itlana} to {@code itlanb} makes the
 * forwarder ACQUIRE, ike-service negotiate IKEv2 (PSK, identities = addresses as the IOS profile
 * gives them), the forwarder install the Child SA and carry the ping over ESP-in-UDP; the replies
 * come back through strongSwan's SA. {@code clear crypto session} then deletes the IKE SA on
 * strongSwan's side; after a new negotiation, dpd-service's periodic probes (sent by ike-service as
 * empty INFORMATIONALs) are answered until strongSwan goes silent and the peer is declared dead. The namespace harness is test-support's
 * ({@link StrongswanHarness});
 * needs root and strongSwan, skipped with the reason otherwise; all namespaces and daemons are
 * removed in {@link #tearDown()}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class GatewayStrongswanTunnelTest {

  private Path run;
  private Process gateway;
  private Path gatewayLog;
  private boolean up;

  @BeforeAll
  void setUp() throws Exception {
    assumeRootStrongswanAndTun();
    run = Sh.runDirectory("it-tunnel-");
    up = true;
    // without plain routes LAN-to-LAN traffic only flows through IPsec
    script(Map.of(), "netns-up.sh", "--no-plain-routes");
    script(Map.of("LOCAL_ID", "172.31.255.2", "REMOTE_ID", "172.31.255.1", "SECRET_ID_A", "172.31.255.1",
        "SECRET_ID_B", "172.31.255.2", "IKE_PROPOSALS", "aes128gcm16-prfsha256-ecp256"), "charon-start.sh", "itgwb",
        "ikev2-gcm");
    Path cfg = run.resolve("gwa.cfg");
    try (InputStream in = getClass().getResourceAsStream("strongswan-tunnel-gwa.cfg")) {
      Files.copy(in, cfg);
    }
    gatewayLog = run.resolve("gateway.log");
    gateway = startGateway("itgwa", cfg, run, gatewayLog);
  }

  /** Skips (with the reason) unless root, strongSwan with its userspace ESP and a TUN device are available. */
  static void assumeRootStrongswanAndTun() throws Exception {
    StrongswanHarness.assumeStrongswanAndTun("kernel-libipsec", "gcm", "openssl");
  }

  /**
   * {@code ipsec-mesh run} with {@code cfg} (and {@code more} options, e.g. {@code --ike-cert-file}) in namespace
   * {@code ns}, returned once it logged that it started.
   */
  static Process startGateway(String ns, Path cfg, Path run, Path gatewayLog, String... more) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns,
        ProcessHandle.current().info().command().orElse("java")));
    cmd.addAll(io.ipsecmesh.gateway.JvmFlags.ALL);
    cmd.addAll(List.of("-Xmx384m", "-cp", System.getProperty("java.class.path"), "io.ipsecmesh.gateway.Main", "run",
        "--config", cfg.toString(), "--api-port", "0", "--metrics-port", "0", "--api-file",
        run.resolve("api.json").toString()));
    cmd.addAll(List.of(more));
    Process gateway = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(gatewayLog.toFile()).start();
    awaitFile(gatewayLog, "ipsec-mesh: started", 90);
    return gateway;
  }

  @AfterAll
  void tearDown() throws Exception {
    Sh.stop(gateway, 15);
    if (up) {
      script(Map.of(), "netns-down.sh");
    }
  }

  @Test
  void pingCrossesTheTunnelNegotiatedWithStrongswan() throws Exception {
    pingUntilTheTunnelCarries("itlana", gatewayLog);
    String ping = capture(List.of("ip", "netns", "exec", "itlana", "ping", "-c", "3", "-i", "0.2", "-W", "2",
        "10.91.2.10"), Map.of());
    assertTrue(ping.contains("3 received"), ping);
    String log = Files.readString(run.resolve("itgwb").resolve("charon.log"));
    assertTrue(log.contains("CHILD_SA net{1} established"), log);
    String sas = script(Map.of(), "sw.sh", "itgwb", "--list-sas");
    assertTrue(sas.contains("ESTABLISHED") && sas.contains("INSTALLED"), sas);
    // strongSwan's inbound SA counted the packets our forwarder encrypted, its outbound ours decrypted
    assertTrue(sas.matches("(?s).*\\n +in  [0-9a-f]{8}, +[1-9][0-9]* bytes, +[1-9][0-9]* packets.*"), sas);
    assertTrue(sas.matches("(?s).*\\n +out [0-9a-f]{8}, +[1-9][0-9]* bytes, +[1-9][0-9]* packets.*"), sas);

    String clear = exec("itgwa", run, "clear crypto session");
    awaitFile(run.resolve("itgwb").resolve("charon.log"), "received DELETE for IKE_SA gw[1]", 20);
    assertTrue(!script(Map.of(), "sw.sh", "itgwb", "--list-sas").contains("ESTABLISHED"), clear);

    // dpd 10 2 periodic: dpd-service asks ike-service for probes, strongSwan answers them ...
    pingUntilTheTunnelCarries("itlana", gatewayLog);
    awaitFile(run.resolve("itgwb").resolve("charon.log"), "parsed INFORMATIONAL request 2 [ ]", 30);
    // ... until strongSwan falls silent: the peer is declared dead, ike-service deletes the IKE SA
    capture(List.of("ip", "netns", "exec", "itgwb", "nft", "add", "table", "inet", "itdead"), Map.of());
    capture(List.of("ip", "netns", "exec", "itgwb", "nft", "add", "chain", "inet", "itdead", "in",
        "{ type filter hook input priority -300; policy drop; }"), Map.of());
    awaitFile(gatewayLog, "Crypto tunnel is DOWN. Peer 172.31.255.2:4500 Id: 172.31.255.2 (dpd)", 90);
  }

  /** An exec command ({@code show …}, {@code clear …}) through the management API of the gateway in {@code ns}. */
  static String exec(String ns, Path run, String command) throws Exception {
    return capture(List.of("ip", "netns", "exec", ns, ProcessHandle.current().info().command().orElse("java"), "-cp",
        System.getProperty("java.class.path"), "io.ipsecmesh.gateway.Main", "exec", command, "--api-file",
        run.resolve("api.json").toString()), Map.of());
  }

  /** The first packets only trigger the negotiation (ACQUIRE), as on IOS; then the tunnel carries them. */
  static void pingUntilTheTunnelCarries(String lanNs, Path gatewayLog) throws Exception {
    boolean ok = false;
    for (int i = 0; i < 10 && !ok; i++) {
      ok = capture(List.of("ip", "netns", "exec", lanNs, "ping", "-c", "1", "-W", "2", "10.91.2.10"), Map.of())
          .contains(" 0% packet loss");
    }
    assertTrue(ok, "no ping through the tunnel; gateway log:\n" + Files.readString(gatewayLog));
  }

  static void awaitFile(Path file, String text, int seconds) throws Exception {
    LogWatch.await(file, text, seconds);
  }

  private String script(Map<String, String> env, String name, String... args) throws Exception {
    return harness(run, "it", env, name, args);
  }

  /** A script of the namespace harness on the namespaces {@code <prefix>gwa}, {@code <prefix>gwb}, … */
  static String harness(Path run, String prefix, Map<String, String> env, String name, String... args)
      throws Exception {
    return StrongswanHarness.script(run, prefix, env, name, args);
  }

  static String capture(List<String> cmd, Map<String, String> env) throws IOException, InterruptedException {
    return Sh.capture(cmd, env);
  }
}
