package io.ipsecmesh.it.invalidspi;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.testsupport.LogWatch;
import io.ipsecmesh.testsupport.Sh;
import io.ipsecmesh.testsupport.StrongswanHarness;
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
 * The invalid-SPI scenario with strongSwan 5.9.8 (kernel-libipsec, ESP-in-UDP) as the peer that keeps
 * sending: our whole gateway in {@code ispsgwa} ({@code crypto isakmp invalid-spi-recovery}, no DPD),
 * strongSwan in {@code ispsgwb} (responder only, no DPD). A ping stream runs from strongSwan's LAN
 * ({@code ispslanb}) to ours; our gateway is SIGKILLed and started again while strongSwan keeps
 * sending on its SA. Our forwarder logs the stale SPI, ike-service sets up an IKE SA with strongSwan
 * (IKE_AUTH with INITIAL_CONTACT) and sends INVALID_SPI over it; the test records how long traffic
 * takes to come back and what strongSwan logged about the notify and the old SAs. Needs root and
 * strongSwan; skipped with the reason otherwise.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class StrongswanInvalidSpiRecoveryNetnsTest {

  private static final String A_WAN = "172.31.255.1";
  private static final String B_WAN = "172.31.255.2";
  private static final String LAN_A_HOST = "10.91.1.10";
  private static final String LAN_B_HOST = "10.91.2.10";
  private static final int RECOVERY_BOUND_SECONDS = 30;
  private static final Pattern REPLY = Pattern.compile("^\\[(\\d+\\.\\d+)] \\d+ bytes from ");

  private Path run;
  private boolean namespaces;
  private final List<Process> processes = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    StrongswanHarness.assumeStrongswanAndTun("kernel-libipsec", "gcm", "openssl");
    run = Sh.runDirectory("it-invalidspi-sw-");
    namespaces = true;
    String out = script(Map.of(), "netns-up.sh", "--no-plain-routes");
    assertTrue(out.contains("topology: plain"), out);
    script(Map.of("LOCAL_ID", B_WAN, "REMOTE_ID", A_WAN, "SECRET_ID_A", A_WAN, "SECRET_ID_B", B_WAN,
        "IKE_PROPOSALS", "aes128gcm16-prfsha256-ecp256", "DPD_DELAY", "0s", "START_ACTION", "none"),
        "charon-start.sh", "ispsgwb", "ikev2-gcm");
  }

  @AfterEach
  void tearDown() throws Exception {
    for (Process p : processes) {
      Sh.stop(p, 15);
    }
    if (namespaces) {
      script(Map.of(), "netns-down.sh"); // stops charon by its recorded PID, deletes the namespaces
    }
  }

  @Test
  void strongswanKeepsSendingAndOurRestartedGatewayRecovers() throws Exception {
    Path cfg = write("gwa.cfg", config(A_WAN, B_WAN, "10.91.1", "10.91.2"));
    Path api = run.resolve("api.json");
    gateway("ispsgwa", cfg, api, run.resolve("gwa.log"));
    LogWatch.await(run.resolve("gwa.log"), "ipsec-mesh: started", 150);
    boolean ok = false;
    for (int i = 0; i < 15 && !ok; i++) {
      ok = exec("ispslana", "ping", "-c", "1", "-W", "2", LAN_B_HOST).contains(" 0% packet loss");
    }
    assertTrue(ok, "no ping through the tunnel; log:\n" + Files.readString(run.resolve("gwa.log")));
    String before = script(Map.of(), "sw.sh", "ispsgwb", "--list-sas");

    Path pingLog = run.resolve("ping.log");
    Process ping = new ProcessBuilder("ip", "netns", "exec", "ispslanb", "ping", "-D", "-O", "-i", "0.2", "-W", "1",
        "-w", "100", LAN_A_HOST).redirectErrorStream(true).redirectOutput(pingLog.toFile()).start();
    processes.add(ping);
    LogWatch.await(pingLog, "bytes from", 10);

    long killedAt = System.currentTimeMillis();
    Process first = processes.get(0);
    first.destroyForcibly();
    assertTrue(first.waitFor(20, TimeUnit.SECONDS));
    Path log2 = run.resolve("gwa-restarted.log");
    gateway("ispsgwa", cfg, api, log2);
    LogWatch.await(log2, "ipsec-mesh: started", 150);
    long upAt = System.currentTimeMillis();
    long firstReply = -1;
    long deadline = upAt + RECOVERY_BOUND_SECONDS * 1000L;
    while (firstReply < 0 && System.currentTimeMillis() < deadline) {
      for (String line : Files.readAllLines(pingLog)) {
        Matcher m = REPLY.matcher(line);
        if (m.find() && (long) (Double.parseDouble(m.group(1)) * 1000) > killedAt) {
          firstReply = (long) (Double.parseDouble(m.group(1)) * 1000);
          break;
        }
      }
      if (firstReply < 0) {
        LogWatch.waitForChange(pingLog, 500);
      }
    }
    String ours = Files.readString(log2);
    String charon = Files.readString(run.resolve("ispsgwb").resolve("charon.log"));
    assertTrue(ours.contains("%CRYPTO-4-RECV_PKT_INV_SPI"), ours);
    assertTrue(ours.contains("setting one up to send INVALID_SPI (invalid-spi-recovery)"), ours);
    assertTrue(firstReply > 0, "no reply within " + RECOVERY_BOUND_SECONDS + " s of our restart; strongSwan before:\n"
        + before + "\ncharon.log tail:\n" + tail(charon, 80) + "\nours:\n" + ours);
    String after = script(Map.of(), "sw.sh", "ispsgwb", "--list-sas");
    List<String> notes = charon.lines().filter(l -> l.contains("INVALID_SPI") || l.contains("INITIAL_CONTACT")
        || l.contains("deleting IKE_SA") || l.contains("destroying IKE_SA") || l.contains("CHILD_SA")
        && l.contains("established")).toList();
    System.out.printf("INVALID-SPI-RECOVERY strongSwan: our gateway killed -> up %.1f s, up -> first reply %.1f s,"
        + " kill -> first reply %.1f s%n", (upAt - killedAt) / 1000.0, (firstReply - upAt) / 1000.0,
        (firstReply - killedAt) / 1000.0);
    System.out.println("INVALID-SPI-RECOVERY strongSwan log:\n" + String.join("\n", notes));
    System.out.println("INVALID-SPI-RECOVERY strongSwan SAs after:\n" + after);
  }

  private static String tail(String s, int lines) {
    List<String> l = s.lines().toList();
    return String.join("\n", l.subList(Math.max(0, l.size() - lines), l.size()));
  }

  private static String config(String wan, String peer, String lan, String remoteLan) {
    return InvalidSpiGateways.config("! our gateway against strongSwan, invalid-SPI recovery\n", true, "gwb",
        "interop-test-psk-0123456789", wan, peer, lan, remoteLan);
  }

  private Path write(String name, String text) throws IOException {
    Path p = run.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  private Process gateway(String ns, Path cfg, Path api, Path log) throws IOException {
    Process p = InvalidSpiGateways.gateway(ns, cfg, api, log);
    processes.add(p);
    return p;
  }

  private String exec(String netns, String... command) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", netns));
    cmd.addAll(List.of(command));
    return Sh.capture(cmd, Map.of());
  }

  private String script(Map<String, String> env, String name, String... args) throws Exception {
    return StrongswanHarness.script(run, "isps", env, name, args);
  }
}
