package io.ipsecmesh.it;

import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.assumeRootStrongswanAndTun;
import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.awaitFile;
import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.capture;
import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.exec;
import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.harness;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * A dynamic crypto map against strongSwan 5.9.8 (charon, kernel-libipsec) with IKEv2: the whole gateway
 * ({@code ipsec-mesh run}) in namespace {@code dygwa} is a hub whose only crypto map entry is
 * {@code crypto map VPN 65535 ipsec-isakmp dynamic DYN} (no {@code set peer}), keyring {@code address 0.0.0.0
 * 0.0.0.0}; strongSwan in {@code dygwb} initiates as a spoke the hub has never heard of. The configuration is applied
 * with {@code ipsec-mesh config apply} (text → model → policies). Proves at the IKE level: the spoke is accepted and
 * shown ({@code show crypto isakmp sa}, {@code show crypto ipsec sa}), the dynamic map's {@code match address}
 * narrows strongSwan's proposed selectors (RFC 7296 §2.9; strongSwan's {@code --list-sas} shows the narrowed
 * 10.91.1.0/25), a spoke with another key is refused. Traffic through such a tunnel is not asserted: the forwarder's
 * SPD has no entry for a dynamic map (README, "Dynamic crypto maps"). Needs root, strongSwan and a TUN device
 * (skipped with the reason otherwise); everything is removed in {@link #tearDown()}, also after failures.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class GatewayStrongswanDynamicMapTest {

  private static final String PREFIX = "dy";
  private static final String US = "172.31.255.1";
  private static final String THEM = "172.31.255.2";
  private Path run;
  private Process gateway;
  private Path gatewayLog;
  private boolean up;
  private String template;
  private int applied;

  @BeforeAll
  void setUp() throws Exception {
    assumeRootStrongswanAndTun();
    run = Sh.runDirectory("it-dynamic-map-");
    up = true;
    harness(run, PREFIX, Map.of(), "netns-up.sh", "--no-plain-routes");
    try (InputStream in = getClass().getResourceAsStream("dynamicmap/hub-template.cfg")) {
      template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Path cfg = config("");
    gatewayLog = run.resolve("gateway.log");
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", PREFIX + "gwa",
        ProcessHandle.current().info().command().orElse("java")));
    cmd.addAll(io.ipsecmesh.gateway.JvmFlags.ALL);
    cmd.addAll(List.of("-Xmx384m", "-cp", System.getProperty("java.class.path"), "io.ipsecmesh.gateway.Main", "run",
        "--config", cfg.toString(), "--api-port", "0", "--metrics-port", "0", "--api-file",
        run.resolve("api.json").toString()));
    gateway = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(gatewayLog.toFile()).start();
    awaitFile(gatewayLog, "ipsec-mesh: started", 90);
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
  }

  private Path config(String match) throws Exception {
    Path f = run.resolve("hub-" + applied++ + ".cfg");
    Files.writeString(f, template.replace("@MATCH@", match));
    return f;
  }

  private void apply(String match) throws Exception {
    Path f = config(match);
    String out = capture(List.of("ip", "netns", "exec", PREFIX + "gwa",
        ProcessHandle.current().info().command().orElse("java"), "-cp", System.getProperty("java.class.path"),
        "io.ipsecmesh.gateway.Main", "config", "apply", "--api-file", run.resolve("api.json").toString(),
        f.toString()), Map.of());
    assertTrue(out.contains("is active") || out.contains("configuration unchanged"), out);
  }

  /** strongSwan in dygwb (restarted) as the spoke: its address as ID, ours expected, {@code psk}. */
  private void spoke(String psk) throws Exception {
    String out = harness(run, PREFIX, Map.of("LOCAL_ID", THEM, "REMOTE_ID", US, "SECRET_ID_A", US, "SECRET_ID_B",
        THEM, "PSK", psk, "IKE_PROPOSALS", "aes128gcm16-prfsha256-ecp256"), "charon-start.sh", PREFIX + "gwb",
        "ikev2-gcm");
    assertTrue(out.contains("loaded connection"), out);
  }

  private String theyInitiate() throws Exception {
    return harness(run, PREFIX, Map.of(), "sw.sh", PREFIX + "gwb", "--initiate", "--child", "net", "--timeout", "20");
  }

  private String theirSas() throws Exception {
    return harness(run, PREFIX, Map.of(), "sw.sh", PREFIX + "gwb", "--list-sas");
  }

  private void clearAndSettle() throws Exception {
    exec(PREFIX + "gwa", run, "clear crypto session");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (theirSas().contains("ESTABLISHED") && System.nanoTime() < deadline) {
      Thread.sleep(300);
    }
  }

  @Test
  void aSpokeWithoutSetPeerIsAcceptedAndItsSelectorsAreTakenAsProposed() throws Exception {
    apply("");
    spoke("interop-test-psk-0123456789");
    String out = theyInitiate();
    assertTrue(out.contains("initiate completed successfully"), out + "\ngateway log:\n"
        + Files.readString(gatewayLog));
    String isakmp = exec(PREFIX + "gwa", run, "show crypto isakmp sa");
    assertTrue(isakmp.contains(THEM), isakmp);
    String ipsec = exec(PREFIX + "gwa", run, "show crypto ipsec sa");
    assertTrue(ipsec.contains("current_peer: " + THEM), ipsec);
    String sas = theirSas();
    assertTrue(sas.contains("INSTALLED") && sas.contains("local  10.91.2.0/24\n") && sas.contains("remote 10.91.1.0/24\n"),
        sas);
    clearAndSettle();
  }

  @Test
  void theDynamicMapsAccessListNarrowsTheSpokesSelectors() throws Exception {
    apply(" match address 102");
    spoke("interop-test-psk-0123456789");
    String out = theyInitiate();
    assertTrue(out.contains("initiate completed successfully"), out);
    String sas = theirSas();
    assertTrue(sas.contains("local  10.91.2.0/24\n") && sas.contains("remote 10.91.1.0/25\n"),
        "narrowed by access-list 102:\n" + sas);
    assertTrue(exec(PREFIX + "gwa", run, "show crypto ipsec sa").contains("current_peer: " + THEM));
    clearAndSettle();
  }

  @Test
  void aSpokeWithAnotherKeyIsRefused() throws Exception {
    apply("");
    spoke("not-the-hub-key-0123456789");
    String out = theyInitiate();
    assertTrue(out.contains("initiate failed"), out);
    String ipsec = exec(PREFIX + "gwa", run, "show crypto ipsec sa");
    assertFalse(ipsec.contains("current_peer: " + THEM), ipsec);
    assertFalse(theirSas().contains("INSTALLED"));
  }
}
