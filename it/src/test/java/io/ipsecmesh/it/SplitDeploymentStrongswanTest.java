package io.ipsecmesh.it;

import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.capture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.gateway.JvmFlags;
import io.ipsecmesh.testsupport.ChildJvm;
import io.ipsecmesh.testsupport.Sh;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
 * Issue 10's split deployment: the five services as five JVMs ({@code config}, {@code ike}, {@code dpd},
 * {@code esp}, {@code natk} Mains, the compose layout) in namespace {@code skgwa}, one Hazelcast cluster
 * on the namespace's loopback, all given one KEK file made by {@code ipsec-mesh kek init} and a
 * certificate of one cluster CA ({@code ipsec-mesh tls init}) for the event bus's mutual TLS. A ping from
 * {@code sklana} to {@code sklanb} makes the forwarder JVM ACQUIRE, the ike JVM negotiate IKEv2 with
 * strongSwan in {@code skgwb} and announce the Child SA with its keys wrapped under the KEK, and the
 * forwarder JVM unwrap them and carry the ping. (Before the KEK file, each JVM drew its own random
 * KEK: the tunnel came UP and carried nothing.) A sixth JVM with another KEK then refuses to start
 * with exit status 1 and says why, and so does one whose KEK file others could read. Needs root and
 * strongSwan (skipped with the reason otherwise); namespaces and JVMs are removed in {@link #tearDown()}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class SplitDeploymentStrongswanTest {

  private static final String NS = "skgwa";
  private static final Duration START = SplitServices.START;
  private static final List<Integer> PORTS = List.of(5701, 5702, 5703, 5704, 5705);
  private static final String MEMBERS = String.join(",", PORTS.stream().map(p -> "127.0.0.1:" + p).toList());

  private Path run;
  private Path kekFile;
  private Path tls;
  private boolean up;
  private final List<ChildJvm> services = new ArrayList<>();

  @BeforeAll
  void setUp() throws Exception {
    GatewayStrongswanTunnelTest.assumeRootStrongswanAndTun();
    run = Sh.runDirectory("it-split-");
    up = true;
    script("netns-up.sh", Map.of(), "--no-plain-routes");
    script("charon-start.sh", Map.of("LOCAL_ID", "172.31.255.2", "REMOTE_ID", "172.31.255.1", "SECRET_ID_A",
        "172.31.255.1", "SECRET_ID_B", "172.31.255.2", "IKE_PROPOSALS", "aes128gcm16-prfsha256-ecp256"), "skgwb",
        "ikev2-gcm");
    Path cfg = run.resolve("gwa.cfg");
    try (InputStream in = getClass().getResourceAsStream("strongswan-tunnel-gwa.cfg")) {
      Files.copy(in, cfg);
    }
    kekFile = run.resolve("secrets").resolve("kek");
    assertEquals(0, cli("kek", "init", kekFile.toString()));
    // the event bus's mutual TLS: a cluster CA and one certificate per service
    tls = run.resolve("secrets").resolve("tls");
    assertEquals(0, cli("tls", "init", "--kek-file", kekFile.toString(), tls.toString(), "config", "ike", "dpd", "esp",
        "natk"));

    ChildJvm config = service("config", io.ipsecmesh.config.Main.class, PORTS.get(0), kekFile,
        "--config", cfg.toString(), "--api-port", "0", "--api-file", run.resolve("api.json").toString());
    config.await(l -> l.contains("management API on "), START, "management API");
    List<Class<?>> mains = List.of(io.ipsecmesh.ike.Main.class, io.ipsecmesh.dpd.Main.class,
        io.ipsecmesh.esp.Main.class, io.ipsecmesh.natk.Main.class);
    for (int i = 0; i < mains.size(); i++) {
      service(mains.get(i).getPackageName().substring("io.ipsecmesh.".length()), mains.get(i), PORTS.get(i + 1), kekFile);
    }
    for (ChildJvm s : services) {
      s.await(l -> l.contains(" started, cluster 'ipsec-mesh'"), START, "start");
    }
    // started is not configured: ike-service and the forwarder fetch the configuration over the cluster
    // (ConfigFollower), which a loaded machine may take long for; a ping before that only meets refusals
    SplitServices.awaitLogged(services.get(1), "ike-service: configuration ");
    SplitServices.awaitLogged(services.get(3), "esp-forwarder: configuration ");
  }

  private ChildJvm service(String name, Class<?> main, int port, Path kek, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("--kek-file", kek.toString(), "--cluster-port",
        Integer.toString(port), "--members", MEMBERS, "--tls-keystore", tls.resolve(name).resolve("member.p12").toString(),
        "--tls-ca", tls.resolve(name).resolve("ca.pem").toString()));
    args.addAll(List.of(extra));
    ChildJvm jvm = ChildJvm.startIn(NS, name, JvmFlags.ALL, main, args.toArray(String[]::new));
    services.add(jvm);
    return jvm;
  }

  @AfterAll
  void tearDown() throws Exception {
    for (ChildJvm s : services.reversed()) {
      s.close();
    }
    if (up) {
      script("netns-down.sh", Map.of());
    }
  }

  @Test
  void fiveJvmsWithOneKekFileCarryTrafficAndAMemberWithAnotherKekRefusesToStart() throws Exception {
    // the first packets only trigger the negotiation (ACQUIRE), as on IOS
    boolean ok = false;
    for (int i = 0; i < 15 && !ok; i++) {
      ok = ping(1).contains(" 0% packet loss");
    }
    assertTrue(ok, "no ping through the tunnel of the split deployment; ike-service:\n" + services.get(1).output()
        + "\nesp-forwarder:\n" + services.get(3).output());
    String ping = ping(3);
    assertTrue(ping.contains("3 received"), ping);
    String sas = script("sw.sh", Map.of(), "skgwb", "--list-sas");
    // strongSwan's inbound SA counted what the forwarder JVM encrypted, its outbound what it decrypted
    assertTrue(sas.matches("(?s).*\\n +in  [0-9a-f]{8}, +[1-9][0-9]* bytes, +[1-9][0-9]* packets.*"), sas);
    assertTrue(sas.matches("(?s).*\\n +out [0-9a-f]{8}, +[1-9][0-9]* bytes, +[1-9][0-9]* packets.*"), sas);

    // a sixth member with a KEK of its own: refused at join, exit 1, the reason on its output
    Path otherKek = run.resolve("other").resolve("kek");
    assertEquals(0, cli("kek", "init", otherKek.toString()));
    Path otherTls = run.resolve("other").resolve("tls");
    assertEquals(0, cli("tls", "init", "--kek-file", otherKek.toString(), otherTls.toString(), "dpd"));
    String[] strangerTls = {"--tls-keystore", otherTls.resolve("dpd").resolve("member.p12").toString(), "--tls-ca",
        otherTls.resolve("dpd").resolve("ca.pem").toString()};
    try (ChildJvm stranger = ChildJvm.startIn(NS, "dpd-other-kek", JvmFlags.ALL, io.ipsecmesh.dpd.Main.class, concat(strangerTls,
        "--kek-file", otherKek.toString(), "--cluster-port", "5706", "--members", MEMBERS))) {
      assertEquals(1, stranger.awaitExit(START));
      String out = stranger.output();
      assertTrue(out.contains("ipsec-mesh: cannot start: KEK mismatch: the KEK from KEK file " + otherKek
          + " is not the KEK of cluster 'ipsec-mesh' (its oldest member [127.0.0.1]:5701 proves another key)"), out);
    }
    // the cluster is unharmed: traffic still flows
    assertTrue(ping(3).contains("3 received"));

    // a KEK file the group can read: refused before joining
    Files.setPosixFilePermissions(otherKek, PosixFilePermissions.fromString("rw-r-----"));
    try (ChildJvm loose = ChildJvm.startIn(NS, "dpd-loose-kek", JvmFlags.ALL, io.ipsecmesh.dpd.Main.class, concat(strangerTls,
        "--kek-file", otherKek.toString(), "--cluster-port", "5707", "--members", MEMBERS))) {
      assertEquals(1, loose.awaitExit(START));
      String out = loose.output();
      assertTrue(out.contains("ipsec-mesh: cannot start: KEK file " + otherKek + " has mode 0640: it must be readable "
          + "by its owner only (chmod 600 " + otherKek + ")"), out);
    }
    // and a service given no KEK at all never invents one
    try (ChildJvm none = ChildJvm.startIn(NS, "dpd-no-kek", JvmFlags.ALL, io.ipsecmesh.dpd.Main.class, "--cluster-port", "5708",
        "--members", MEMBERS)) {
      assertEquals(1, none.awaitExit(START));
      String out = none.output();
      assertTrue(out.contains("ipsec-mesh: cannot start: no KEK: a service started on its own needs the cluster's KEK"),
          out);
    }
    // nor joins the bus without TLS material
    try (ChildJvm noTls = ChildJvm.startIn(NS, "dpd-no-tls", JvmFlags.ALL, io.ipsecmesh.dpd.Main.class, "--kek-file",
        kekFile.toString(), "--cluster-port", "5709", "--members", MEMBERS)) {
      assertEquals(1, noTls.awaitExit(START));
      String out = noTls.output();
      assertTrue(out.contains("ipsec-mesh: cannot start: no TLS material: a service started on its own talks to the "
          + "others over a mutually authenticated event bus"), out);
    }
  }

  private static String[] concat(String[] a, String... b) {
    List<String> all = new ArrayList<>(List.of(a));
    all.addAll(List.of(b));
    return all.toArray(String[]::new);
  }

  private static String ping(int count) throws Exception {
    return capture(List.of("ip", "netns", "exec", "sklana", "ping", "-c", Integer.toString(count), "-i", "0.2", "-W",
        "2", "10.91.2.10"), Map.of());
  }

  private static int cli(String... args) {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    PrintStream p = new PrintStream(sink, true, StandardCharsets.UTF_8);
    return io.ipsecmesh.gateway.Main.run(args, p, p);
  }

  private String script(String name, Map<String, String> env, String... args) throws Exception {
    return GatewayStrongswanTunnelTest.harness(run, "sk", env, name, args);
  }
}
