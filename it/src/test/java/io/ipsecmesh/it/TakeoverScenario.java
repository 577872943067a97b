package io.ipsecmesh.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.testsupport.Sh;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the takeover tests share around their {@link SplitServices}: the harness's namespaces without plain routes
 * ({@code <prefix>gwa} for the gateway's JVMs, strongSwan 5.9.8 with its {@code ikev2-gcm} profile in
 * {@code <prefix>gwb}, LAN hosts behind both), the gateway's configuration ({@code strongswan-tunnel-gwa.cfg}), the
 * bounded pings from LAN A to LAN B that bring the tunnel up and count what a kill costs, and the teardown:
 * {@link #close()} stops every JVM and removes the namespaces, also after a failure.
 */
final class TakeoverScenario implements AutoCloseable {

  static final String LAN_B_HOST = "10.91.2.10";
  /** strongSwan's lines in a failure message: its last exchanges. */
  private static final int CHARON_LINES = 40;

  final String prefix;
  final Path run;
  /** The gateway's configuration, in {@link #run}. */
  final Path configuration;
  private SplitServices services;
  private boolean up;

  /**
   * Brings the namespaces and strongSwan up.
   *
   * @param charonSettings strongSwan's settings beyond identities (addresses) and the AES-GCM proposal
   */
  TakeoverScenario(String prefix, String runName, Map<String, String> charonSettings) throws Exception {
    this.prefix = prefix;
    this.run = Sh.runDirectory(runName);
    this.configuration = run.resolve("gwa.cfg");
    up = true;
    try {
      script("netns-up.sh", Map.of(), "--no-plain-routes");
      Map<String, String> env = new HashMap<>(Map.of("LOCAL_ID", "172.31.255.2", "REMOTE_ID", "172.31.255.1",
          "SECRET_ID_A", "172.31.255.1", "SECRET_ID_B", "172.31.255.2", "IKE_PROPOSALS",
          "aes128gcm16-prfsha256-ecp256"));
      env.putAll(charonSettings);
      script("charon-start.sh", env, prefix + "gwb", "ikev2-gcm");
      try (InputStream in = TakeoverScenario.class.getResourceAsStream("strongswan-tunnel-gwa.cfg")) {
        Files.copy(in, configuration);
      }
    } catch (Exception | AssertionError e) {
      close(); // the test never sees this object: its teardown cannot
      throw e;
    }
  }

  /** The gateway's services, to be started in {@code <prefix>gwa}; stopped by {@link #close()}. */
  SplitServices services(List<Integer> ports, String... tlsNames) {
    services = new SplitServices(run, prefix + "gwa", ports, tlsNames);
    return services;
  }

  /** A script of the namespace harness on this scenario's namespaces. */
  String script(String name, Map<String, String> env, String... args) throws Exception {
    return GatewayStrongswanTunnelTest.harness(run, prefix, env, name, args);
  }

  Path charonLog() {
    return run.resolve(prefix + "gwb").resolve("charon.log");
  }

  /** {@code count} pings from LAN A to LAN B, 0.2 s apart; ping's output. */
  String ping(int count) throws IOException, InterruptedException {
    return Sh.capture(List.of("ip", "netns", "exec", prefix + "lana", "ping", "-c", Integer.toString(count), "-i",
        "0.2", "-W", "2", LAN_B_HOST), Map.of());
  }

  /**
   * One ping at a time, at most {@code tries}, until one crosses (the first ones only make the gateway negotiate);
   * returns the seconds it took. Fails with what every service logged and strongSwan's last lines otherwise.
   */
  double pingUntilTheTunnelCarries(int tries) throws Exception {
    long start = System.nanoTime();
    for (int i = 0; i < tries; i++) {
      if (ping(1).contains(" 0% packet loss")) {
        return (System.nanoTime() - start) / 1e9;
      }
    }
    List<String> charon = Files.readAllLines(charonLog());
    throw new AssertionError("no ping through the tunnel in " + tries + " tries, "
        + Math.round((System.nanoTime() - start) / 1e9) + " s; the services:\n" + services.digest()
        + "== strongSwan's charon.log, last lines:\n"
        + String.join("\n", charon.subList(Math.max(0, charon.size() - CHARON_LINES), charon.size())) + "\n"
        + services.wholeOutputs());
  }

  /** A stream of 100 pings from LAN A to LAN B, 0.2 s apart (20 s), running while the test kills an instance. */
  PingStream pingStream() throws IOException {
    Process p = new ProcessBuilder(Sh.inNs(prefix + "lana", "ping", "-i", "0.2", "-c", "100", "-W", "1",
        LAN_B_HOST)).redirectErrorStream(true).start();
    p.getOutputStream().close();
    return new PingStream(p);
  }

  /** A running {@link #pingStream()}. */
  record PingStream(Process ping) {
    /** Waits for the stream's end (at most 60 s); what it sent and what came back. */
    PingCount await() throws IOException, InterruptedException {
      String out = new String(ping.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(ping.waitFor(60, TimeUnit.SECONDS), out);
      Matcher m = Pattern.compile("(\\d+) packets transmitted, (\\d+) received").matcher(out);
      assertTrue(m.find(), out);
      return new PingCount(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }
  }

  record PingCount(int sent, int received) {
    int lost() {
      return sent - received;
    }
  }

  /** How often {@code what} stands in {@code text}. */
  static long count(String text, String what) {
    return Pattern.compile(Pattern.quote(what)).matcher(text).results().count();
  }

  @Override
  public void close() throws Exception {
    try {
      if (services != null) {
        services.close();
      }
    } finally {
      if (up) {
        up = false;
        script("netns-down.sh", Map.of());
      }
    }
  }
}
