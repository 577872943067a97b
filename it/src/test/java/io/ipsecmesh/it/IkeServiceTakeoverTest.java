package io.ipsecmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.testsupport.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * Issue 13 item 1 against strongSwan: the split deployment of {@link SplitDeploymentStrongswanTest} (config, dpd,
 * esp, natk JVMs in namespace {@code kogwa}) with three ike-service JVMs in scale-out mode sharing UDP 500
 * (SO_REUSEPORT) and {@code ike.checkpoints}. A ping makes the gateway negotiate with strongSwan in {@code kogwb};
 * the instance that logs the tunnel UP owns the IKE SA. Under a {@code ping -i 0.2} stream it is killed with
 * SIGKILL; a survivor adopts the IKE SA from its checkpoint, and afterwards strongSwan's own DPD and a Child SA
 * rekey it initiates ({@code swanctl --rekey --child}) are answered, a ping crosses the rekeyed Child SA, and
 * charon's log shows no IKE_SA_INIT after the kill. Prints the measured takeover time and the ping loss.
 * Needs root and strongSwan (skipped with the reason otherwise; CI runs it as root); run under the heavy-test lock.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class IkeServiceTakeoverTest {

  private static final String PREFIX = "ko";
  private static final Duration START = SplitServices.START;
  /** config, ike-1, dpd, esp, natk, ike-2, ike-3. */
  private static final List<Integer> PORTS = List.of(5701, 5702, 5703, 5704, 5705, 5706, 5707);

  private TakeoverScenario scenario;
  private SplitServices services;
  private ChildJvm esp;
  private final List<ChildJvm> ikes = new ArrayList<>();

  @BeforeAll
  void setUp() throws Exception {
    GatewayStrongswanTunnelTest.assumeRootStrongswanAndTun();
    // strongSwan checks liveness after 4 s without inbound traffic (RFC 7296 §2.4)
    scenario = new TakeoverScenario(PREFIX, "it-takeover-", Map.of("DPD_DELAY", "4s"));
    services = scenario.services(PORTS, "config", "ike", "dpd", "esp", "natk");
    ChildJvm config = service("config", "config", io.ipsecmesh.config.Main.class, PORTS.get(0), "--config",
        scenario.configuration.toString(), "--api-port", "0", "--api-file",
        scenario.run.resolve("api.json").toString());
    config.await(l -> l.contains("management API on "), START, "management API");
    ikes.add(ike(1, PORTS.get(1)));
    service("dpd", "dpd", io.ipsecmesh.dpd.Main.class, PORTS.get(2));
    esp = service("esp", "esp", io.ipsecmesh.esp.Main.class, PORTS.get(3));
    service("natk", "natk", io.ipsecmesh.natk.Main.class, PORTS.get(4));
    ikes.add(ike(2, PORTS.get(5)));
    ikes.add(ike(3, PORTS.get(6)));
    for (ChildJvm s : services.started()) {
      s.await(l -> l.contains(" started, cluster 'ipsec-mesh'"), START, "start");
    }
    services.awaitOneCluster();
    for (ChildJvm s : ikes) {
      assertTrue(s.output().contains("scale-out on, instance " + s.name()), s.name() + " runs without scale-out");
      // started is not configured: each fetches the configuration over the cluster (ConfigFollower)
      awaitLogged(s, "ike-service: configuration ");
    }
    awaitLogged(esp, "esp-forwarder: configuration ");
    // the ike instances heard each other and joined (they listen 0.75 s first): each logs the full member set
    for (ChildJvm s : ikes) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!s.output().lines().anyMatch(l -> l.contains(" members now [")
          && ikes.stream().allMatch(o -> l.contains(o.name())))) {
        assertTrue(System.nanoTime() < deadline, s.name() + " never saw all three members:\n" + s.output());
      }
    }
  }

  private static void awaitLogged(ChildJvm jvm, String text) throws InterruptedException {
    SplitServices.awaitLogged(jvm, text);
  }

  private ChildJvm ike(int n, int port) throws Exception {
    ChildJvm jvm = service("ike-" + n, "ike", io.ipsecmesh.ike.Main.class, port, "--ike-scale-out", "true",
        "--ike-instance-id", "ike-" + n);
    return jvm;
  }

  private ChildJvm service(String name, String tlsName, Class<?> main, int port, String... extra) throws Exception {
    return services.start(name, tlsName, main, port, extra);
  }

  @AfterAll
  void tearDown() throws Exception {
    if (scenario != null) {
      scenario.close();
    }
  }

  @Test
  void killingTheOwnerOfTheIkeSaMovesItToASurvivorWithoutANewIkeSaInit() throws Exception {
    double tunnelUp = scenario.pingUntilTheTunnelCarries(15);
    ChildJvm owner = null;
    for (int i = 0; i < 50 && owner == null; i++) {
      for (ChildJvm s : ikes) {
        if (s.output().contains("Crypto tunnel is UP")) {
          owner = s;
        }
      }
      Thread.sleep(100);
    }
    assertNotNull(owner, "no ike-service instance logged the tunnel UP");
    Path charonLog = scenario.charonLog();
    long initsBefore = count(Files.readString(charonLog), "IKE_SA_INIT");

    // a 0.2 s ping stream of 20 s; the owner dies by SIGKILL 4 s into it
    TakeoverScenario.PingStream stream = scenario.pingStream();
    Thread.sleep(4000);
    int logMark = Files.readString(charonLog).length();
    long killedAt = System.nanoTime();
    owner.kill();
    String ownerName = owner.name();
    ChildJvm adopter = null;
    long adoptedAt = 0;
    for (int i = 0; i < 150 && adopter == null; i++) {
      for (ChildJvm s : ikes) {
        if (s != owner && s.output().contains("IKEv2: adopted IKE SA ")) {
          adopter = s;
          adoptedAt = System.nanoTime();
        }
      }
      Thread.sleep(100);
    }
    assertNotNull(adopter, "no survivor adopted the IKE SA of " + ownerName);
    TakeoverScenario.PingCount pings = stream.await();

    // strongSwan's DPD (no inbound traffic for 4 s now) and its Child SA rekey, both answered by the adopter
    String dpd = awaitLog(charonLog, logMark, "parsed INFORMATIONAL response", Duration.ofSeconds(30));
    assertTrue(dpd.contains("sending DPD request"), "strongSwan's liveness check: " + tail(dpd));
    scenario.script("sw.sh", Map.of(), PREFIX + "gwb", "--rekey", "--child", "net");
    String rekey = awaitLog(charonLog, logMark, "parsed CREATE_CHILD_SA response", Duration.ofSeconds(30));
    assertTrue(scenario.ping(3).contains("3 received"), "traffic over the rekeyed Child SA");
    String after = Files.readString(charonLog).substring(logMark);
    assertEquals(0, count(after, "IKE_SA_INIT"), "strongSwan saw no new IKE_SA_INIT after the kill:\n" + tail(after));
    assertFalse(after.contains("deleting IKE_SA"), "strongSwan kept the IKE SA:\n" + tail(after));
    assertTrue(initsBefore >= 1, "charon logged the first negotiation's IKE_SA_INIT (so its absence means something)");
    assertTrue(adopter.output().contains("IKEv2: adopted IKE SA "), rekey);
    System.out.printf("IkeServiceTakeoverTest: the tunnel carried a ping %.1f s after the first; %s killed, %s "
        + "adopted its IKE SA %.2f s later; ping -i 0.2: %d sent, %d received, %d lost%n", tunnelUp, ownerName,
        adopter.name(), (adoptedAt - killedAt) / 1e9, pings.sent(), pings.received(), pings.lost());
  }

  private static long count(String text, String what) {
    return TakeoverScenario.count(text, what);
  }

  /** charon's log from {@code mark} on once it contains {@code want}; fails with its tail after {@code timeout}. */
  private static String awaitLog(Path log, int mark, String want, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    String text = "";
    while (System.nanoTime() < deadline) {
      text = Files.readString(log).substring(mark);
      if (text.contains(want)) {
        return text;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("charon.log never showed '" + want + "':\n" + tail(text));
  }

  private static String tail(String s) {
    return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
  }

}
