package io.ipsecmesh.ike.v1;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ipsecmesh.proto.bus.RecordJson;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.KeyWrap;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Our IKEv1 against strongSwan 5.9.8 (Debian charon, kernel-libipsec) in network namespaces
 * {@code v1gwa}/{@code v1gwb} (distinct from the IKEv2 test's, so both can run), built by the harness
 * scripts of the IKEv2 interop test ({@code src/test/resources/interop}) with the {@code ikev1-psk}
 * profile (aes256-sha256-modp2048, ESP aes256-sha256). Our side is {@link Ikev1InteropPeer} in a child
 * JVM under {@code ip netns exec}. Proof of agreement: charon logs both SAs established, the SPIs are
 * ours mirrored and in {@code swanctl --list-sas}, charon at chd level 4 logs Child SA keys equal to
 * ours (so SKEYID_d, the Quick Mode HASHes and KEYMAT agree), and R-U-THERE is answered both ways.
 * Needs root and strongSwan; skipped with the reason otherwise. Namespaces and daemons are removed in
 * {@link #tearDown()}, also after failures.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class Ikev1StrongswanInteropTest {

  private static final String CHARON = "/usr/lib/ipsec/charon";
  private static final String PSK = "interop-test-psk-0123456789";
  private static final String KEK_HEX = "1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100";
  private static final String[] SCRIPTS = {"common.sh", "netns-up.sh", "netns-down.sh", "charon-start.sh",
      "charon-stop.sh", "sw.sh", "templates/strongswan.conf.in", "templates/swanctl.conf.in"};
  private static final Map<String, String> NAMESPACES = Map.of("NS_A", "v1gwa", "NS_B", "v1gwb", "NS_LAN_A",
      "v1lana", "NS_LAN_B", "v1lanb");
  /** charon's IKEv1 settings for the test: log keys, probe after 2 s of silence. */
  private static final Map<String, String> CHARON_ENV = Map.of("LOG_IKE", "4", "LOG_CHD", "4", "DPD_DELAY", "2s");

  private Path harness;
  private Path run;
  private final List<Process> peers = new ArrayList<>();
  private boolean up;

  @BeforeAll
  void setUp() throws Exception {
    assumeTrue("0".equals(capture(List.of("id", "-u"), Map.of()).strip()),
        "strongSwan interop needs root (network namespaces); not root here");
    assumeTrue(Files.isExecutable(Path.of(CHARON)) && Files.isExecutable(Path.of("/usr/sbin/swanctl")),
        "strongSwan not installed: apt-get install charon-systemd strongswan-swanctl libcharon-extra-plugins");
    assumeTrue(Files.exists(Path.of("/usr/lib/ipsec/plugins/libstrongswan-kernel-libipsec.so")),
        "strongSwan plugin kernel-libipsec missing (libcharon-extra-plugins)");
    harness = Files.createTempDirectory("ikev1-interop-");
    run = harness.resolve("run");
    for (String s : SCRIPTS) {
      copy("/interop/" + s, harness.resolve(s));
    }
    copy("/v1/ikev1-psk.env", harness.resolve("profiles/ikev1-psk.env"));
    up = true;
    script(Map.of(), "netns-up.sh");
  }

  private void copy(String resource, Path target) throws IOException {
    Files.createDirectories(target.getParent());
    try (InputStream in = getClass().getResourceAsStream(resource)) {
      Files.copy(in, target);
    }
    if (resource.endsWith(".sh")) {
      Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  @AfterAll
  void tearDown() throws Exception {
    for (Process p : peers) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    if (up) {
      script(Map.of(), "netns-down.sh");
    }
    if (harness != null) {
      try (Stream<Path> s = Files.walk(harness)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void ourMainModeAndQuickModeInitiatorWithStrongswanResponderAndDpdBothWays() throws Exception {
    script(CHARON_ENV, "charon-start.sh", "v1gwb", "ikev1-psk");
    try {
      Peer peer = startPeer("v1gwa", "172.31.255.1", "172.31.255.2", "gwa.interop.test", "gwb.interop.test",
          "10.91.1.0/24", "10.91.2.0/24");
      peer.command("initiate");
      assertTrue(peer.await("UP ").startsWith("UP gwb.interop.test "));
      ChildSa ours = peer.child();
      String log = awaitLog("v1gwb", "CHILD_SA net{1} established");
      assertTrue(log.contains("IKE_SA gw[1] established between 172.31.255.2[gwb.interop.test]...172.31.255.1"
          + "[gwa.interop.test]"), "strongSwan's Main Mode finished");
      assertTrue(log.contains(String.format("established with SPIs %08x_i %08x_o", ours.outboundSpi(),
          ours.inboundSpi())), "strongSwan's SPIs are ours mirrored");
      String sas = script(Map.of(), "sw.sh", "v1gwb", "--list-sas");
      assertTrue(sas.contains(String.format("in  %08x", ours.outboundSpi())), sas);
      assertTrue(sas.contains(String.format("out %08x", ours.inboundSpi())), sas);
      assertTrue(sas.contains("ESTABLISHED") && sas.contains("IKEv1"), sas);
      assertKeysEqual(ours, log, true);
      assertTrue(ours.udpEncapsulation(), "kernel-libipsec fakes NAT-D: UDP-encapsulated ESP");
      assertEquals(4500, ours.peerPort());

      // charon probes us after 2 s of silence (dpd_delay); we answer with the ACK it wants
      awaitLog("v1gwb", "[ HASH N(DPD_ACK) ]");
      // our R-U-THERE, answered by charon
      peer.command("probe");
      assertEquals("PROBE true", peer.await("PROBE "));
      String dpd = awaitLog("v1gwb", "generating INFORMATIONAL_V1 request");
      assertTrue(dpd.contains("[ HASH N(DPD) ]"), "charon parsed our R-U-THERE");

      // soft lifetime: a new Quick Mode on the same ISAKMP SA, then our DELETE of the old Child SA
      peer.command(String.format("rekey %08x", ours.inboundSpi()));
      ChildSa rekeyed = peer.child();
      String log2 = awaitLog("v1gwb", String.format("established with SPIs %08x_i %08x_o", rekeyed.outboundSpi(),
          rekeyed.inboundSpi()));
      assertEquals(String.format("DELETED %08x", ours.inboundSpi()), peer.await("DELETED "));
      // the SPI in our DELETE is our inbound one (RFC 2408 §3.15), charon's outbound
      awaitLog("v1gwb", String.format("received DELETE for ESP CHILD_SA with SPI %08x", ours.inboundSpi()));
      assertKeysEqual(rekeyed, log2, true);
      assertEquals(ours.ikeSaId(), rekeyed.ikeSaId(), "same ISAKMP SA");
      report("v1gwb");
    } finally {
      script(Map.of(), "charon-stop.sh", "v1gwb");
      stopPeers();
    }
  }

  @Test
  void quickModeWithPfsGroup14AgainstStrongswan() throws Exception {
    Map<String, String> env = new HashMap<>(CHARON_ENV);
    env.put("ESP_PROPOSALS", "aes256-sha256-modp2048");
    script(env, "charon-start.sh", "v1gwb", "ikev1-psk");
    try {
      Peer peer = startPeer("v1gwa", "172.31.255.1", "172.31.255.2", "gwa.interop.test", "gwb.interop.test",
          "10.91.1.0/24", "10.91.2.0/24", "--pfs", "14");
      peer.command("initiate");
      ChildSa ours = peer.child();
      String log = awaitLog("v1gwb", "CHILD_SA net{1} established");
      assertTrue(log.contains("parsed QUICK_MODE request") && log.contains("[ HASH SA No KE ID ID ]"),
          "our QM1 carried a KE");
      assertTrue(log.contains("selected proposal: ESP:AES_CBC_256/HMAC_SHA2_256_128/MODP_2048/NO_EXT_SEQ"), log);
      assertTrue(log.contains(String.format("established with SPIs %08x_i %08x_o", ours.outboundSpi(),
          ours.inboundSpi())));
      // equal keys: KEYMAT with g(qm)^xy (RFC 2409 §5.5) agrees with charon's
      assertKeysEqual(ours, log, true);
      report("v1gwb");
    } finally {
      script(Map.of(), "charon-stop.sh", "v1gwb");
      stopPeers();
    }
  }

  @Test
  void strongswanInitiatorWithOurMainModeAndQuickModeResponder() throws Exception {
    Peer peer = startPeer("v1gwb", "172.31.255.2", "172.31.255.1", "gwb.interop.test", "gwa.interop.test",
        "10.91.2.0/24", "10.91.1.0/24");
    // charon keeps a rekeyed IKEv1 Child SA until it expires unless delete_rekeyed = yes (IKEv1 only)
    Path extra = harness.resolve("delete-rekeyed.conf");
    Files.writeString(extra, "delete_rekeyed = yes\n");
    Map<String, String> env = new HashMap<>(CHARON_ENV);
    env.put("EXTRA_CHARON_CONF", extra.toString());
    script(env, "charon-start.sh", "v1gwa", "ikev1-psk");
    try {
      String out = script(Map.of(), "sw.sh", "v1gwa", "--initiate", "--child", "net", "--timeout", "20");
      assertTrue(out.contains("CHILD_SA net{1} established"), out);
      assertTrue(peer.await("UP ").startsWith("UP gwa.interop.test "));
      ChildSa ours = peer.child();
      String log = awaitLog("v1gwa", "CHILD_SA net{1} established");
      assertTrue(log.contains(String.format("established with SPIs %08x_i %08x_o", ours.outboundSpi(),
          ours.inboundSpi())), "strongSwan's SPIs are ours mirrored");
      String sas = script(Map.of(), "sw.sh", "v1gwa", "--list-sas");
      assertTrue(sas.contains(String.format("in  %08x", ours.outboundSpi())), sas);
      assertKeysEqual(ours, log, false);
      assertEquals(List.of(new io.ipsecmesh.proto.sa.TrafficSelector("10.91.2.0", "10.91.2.255", 0, 0, 65535)),
          ours.localSelectors());
      assertTrue(ours.udpEncapsulation());

      awaitLog("v1gwa", "[ HASH N(DPD_ACK) ]");
      peer.command("probe");
      assertEquals("PROBE true", peer.await("PROBE "));

      // strongSwan rekeys the Child SA: we answer its Quick Mode, then its DELETE of the old one (which
      // names charon's inbound SPI, our outbound)
      String rekeyOut = script(Map.of(), "sw.sh", "v1gwa", "--rekey", "--child", "net");
      assertTrue(rekeyOut.contains("rekey completed successfully"), rekeyOut);
      ChildSa rekeyed = peer.child();
      String log2 = awaitLog("v1gwa", String.format("established with SPIs %08x_i %08x_o", rekeyed.outboundSpi(),
          rekeyed.inboundSpi()));
      assertKeysEqual(rekeyed, log2, false);
      assertEquals(String.format("DELETED %08x", ours.inboundSpi()), peer.await("DELETED "));
      report("v1gwa");
    } finally {
      script(Map.of(), "charon-stop.sh", "v1gwa");
      stopPeers();
    }
  }

  // ------------------------------------------------------------------------------------ helpers

  /** charon's milestones into the test report (surefire's output file), as evidence of what ran. */
  private void report(String instance) throws IOException {
    Pattern milestones = Pattern.compile("established|selected proposal|DPD|generating|parsed|NAT|DELETE|rekey");
    try (Stream<String> lines = Files.lines(run.resolve(instance).resolve("charon.log"))) {
      lines.filter(l -> milestones.matcher(l).find() && !l.contains("=>")).forEach(System.out::println);
    }
  }

  private static final Pattern KEY_HEADER =
      Pattern.compile("(encryption|integrity) (initiator|responder) key => (\\d+) bytes");
  private static final Pattern HEX_LINE = Pattern.compile("\\[CHD\\] <[^>]*> +\\d+: ((?:[0-9A-F]{2} )+)");

  /** Our Child SA keys (encryption then integrity key per direction) against charon's chd level-4 log. */
  private static void assertKeysEqual(ChildSa ours, String charonLog, boolean weInitiated) {
    KeyWrap wrap = new KeyWrap(HexFormat.of().parseHex(KEK_HEX));
    Map<String, byte[]> keys = new HashMap<>();
    List<String> lines = charonLog.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      Matcher m = KEY_HEADER.matcher(lines.get(i));
      if (m.find()) {
        StringBuilder hex = new StringBuilder();
        for (int j = i + 1; j < lines.size(); j++) {
          Matcher h = HEX_LINE.matcher(lines.get(j));
          if (!h.find()) {
            break;
          }
          hex.append(h.group(1).replace(" ", ""));
        }
        byte[] key = HexFormat.of().parseHex(hex.toString().toLowerCase());
        assertEquals(Integer.parseInt(m.group(3)), key.length);
        keys.put(m.group(1) + " " + m.group(2), key);
      }
    }
    assertTrue(keys.containsKey("encryption initiator") && keys.containsKey("encryption responder"),
        "charon (chd level 4) logged no Child SA keys");
    byte[] i2r = concat(keys.get("encryption initiator"), keys.getOrDefault("integrity initiator", new byte[0]));
    byte[] r2i = concat(keys.get("encryption responder"), keys.getOrDefault("integrity responder", new byte[0]));
    assertArrayEquals(weInitiated ? i2r : r2i, wrap.unwrap(ours.wrappedOutboundKeys()), "our outbound keys");
    assertArrayEquals(weInitiated ? r2i : i2r, wrap.unwrap(ours.wrappedInboundKeys()), "our inbound keys");
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** Waits (bounded, on file-change events) until the instance's charon.log contains {@code text}. */
  private String awaitLog(String instance, String text) throws Exception {
    Path dir = run.resolve(instance);
    Path log = dir.resolve("charon.log");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    try (java.nio.file.WatchService watch = dir.getFileSystem().newWatchService()) {
      dir.register(watch, java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY,
          java.nio.file.StandardWatchEventKinds.ENTRY_CREATE);
      while (true) {
        String s = Files.exists(log) ? Files.readString(log) : "";
        if (s.contains(text)) {
          return s;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("charon log of " + instance + " never showed '" + text + "':\n" + s);
        }
        java.nio.file.WatchKey key = watch.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(500)),
            TimeUnit.NANOSECONDS);
        if (key != null) {
          key.pollEvents();
          key.reset();
        }
      }
    }
  }

  private String script(Map<String, String> env, String name, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("bash", harness.resolve(name).toString()));
    cmd.addAll(List.of(args));
    Map<String, String> e = new HashMap<>(env);
    e.putAll(NAMESPACES);
    e.put("INTEROP_RUN", run.toString());
    return capture(cmd, e);
  }

  private static String capture(List<String> cmd, Map<String, String> env) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    byte[] out;
    try (InputStream in = p.getInputStream()) {
      out = in.readAllBytes();
    }
    if (!p.waitFor(90, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + cmd);
    }
    return new String(out, StandardCharsets.UTF_8);
  }

  /** The child JVM and its stdout events. */
  private static final class Peer {
    final Process process;
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final Path stderr;

    Peer(Process process, Path stderr) {
      this.process = process;
      this.stderr = stderr;
      Thread t = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8))) {
          for (String l = r.readLine(); l != null; l = r.readLine()) {
            lines.add(l);
          }
        } catch (IOException ignored) {
          // the process ended
        }
      }, "ikev1-interop-peer-stdout");
      t.setDaemon(true);
      t.start();
    }

    String await(String prefix) throws Exception {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < deadline) {
        String l = lines.poll(500, TimeUnit.MILLISECONDS);
        if (l != null && l.startsWith(prefix)) {
          return l;
        }
      }
      throw new AssertionError("Java peer never printed '" + prefix + "'; its log:\n" + Files.readString(stderr));
    }

    void command(String line) throws IOException {
      process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
      process.getOutputStream().flush();
    }

    ChildSa child() throws Exception {
      String l = await("CHILD ");
      return RecordJson.fromJson(new JsonObject(l.substring("CHILD ".length())), ChildSa.class);
    }
  }

  private Peer startPeer(String ns, String local, String remote, String localId, String remoteId, String localTs,
      String remoteTs, String... extra) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, java, "--enable-native-access=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), Ikev1InteropPeer.class.getName(), "--local", local, "--peer",
        remote, "--psk", PSK, "--local-id", localId, "--remote-id", remoteId, "--local-ts", localTs, "--remote-ts",
        remoteTs));
    cmd.addAll(List.of(extra));
    Path err = run.resolve("v1peer-" + ns + "-" + peers.size() + ".log");
    Files.createDirectories(run);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err.toFile());
    pb.environment().put("IPSECMESH_KEK", KEK_HEX);
    Process p = pb.start();
    peers.add(p);
    Peer peer = new Peer(p, err);
    peer.await("READY");
    return peer;
  }

  private void stopPeers() throws Exception {
    for (Process p : peers) {
      p.getOutputStream().close();
      if (!p.waitFor(15, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
    peers.clear();
  }
}
