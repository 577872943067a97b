package io.ipsecmesh.ike.interop;

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
 * This gateway's IKEv2 against strongSwan 5.9.8 (Debian charon, kernel-libipsec) in network
 * namespaces {@code ikegwa}/{@code ikegwb} built by the harness in {@code src/test/resources/interop}.
 * The Java side runs as a child JVM ({@link InteropPeer}) started with {@code ip netns exec}, because
 * a JVM cannot place a socket in another namespace. Proof of agreement on the Child SA keys without a
 * data plane: charon at log level 4 prints the Child SA encryption keys, which must equal the keys
 * our side derived (unwrapped with the KEK we gave the child JVM); the SPIs must be those
 * {@code swanctl --list-sas} shows. Needs root and strongSwan; skipped with the reason otherwise.
 * Namespaces and daemons are removed in {@link #tearDown()}, also after failures.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class StrongswanInteropTest {

  private static final String CHARON = "/usr/lib/ipsec/charon";
  private static final String PLUGINS = "/usr/lib/ipsec/plugins/libstrongswan-";
  private static final String PSK = "interop-test-psk-0123456789";
  private static final String KEK_HEX = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
  private static final String[] SCRIPTS = {"common.sh", "netns-up.sh", "netns-down.sh", "charon-start.sh",
      "charon-stop.sh", "sw.sh", "templates/strongswan.conf.in", "templates/swanctl.conf.in",
      "profiles/ikev2-gcm.env", "profiles/ikev2-cbc.env"};

  private Path harness;
  private Path run;
  private final List<Process> peers = new ArrayList<>();
  private boolean up;

  @BeforeAll
  void setUp() throws Exception {
    assumeTrue("0".equals(capture(List.of("id", "-u"), Map.of()).strip()),
        "strongSwan interop needs root (network namespaces); not root here");
    assumeTrue(Files.isExecutable(Path.of(CHARON)) && Files.isExecutable(Path.of("/usr/sbin/swanctl")),
        "strongSwan not installed: apt-get install charon-systemd strongswan-swanctl libcharon-extra-plugins "
            + "libstrongswan-standard-plugins");
    for (String p : List.of("kernel-libipsec", "gcm", "curve25519", "openssl")) {
      assumeTrue(Files.exists(Path.of(PLUGINS + p + ".so")), "strongSwan plugin " + p + " missing "
          + "(libcharon-extra-plugins / libstrongswan-standard-plugins)");
    }
    harness = Files.createTempDirectory("ike-interop-");
    run = harness.resolve("run");
    for (String s : SCRIPTS) {
      Path target = harness.resolve(s);
      Files.createDirectories(target.getParent());
      try (InputStream in = getClass().getResourceAsStream("/interop/" + s)) {
        Files.copy(in, target);
      }
      if (s.endsWith(".sh")) {
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
    }
    up = true;
    script(Map.of(), "netns-up.sh");
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
  void ourInitiatorEstablishesWithStrongswanResponderAndRekeysWithPfs() throws Exception {
    script(Map.of("LOG_IKE", "4", "LOG_CHD", "4", "ESP_PROPOSALS", "aes128gcm16-x25519"), "charon-start.sh", "ikegwb",
        "ikev2-gcm");
    try {
      Peer peer = startPeer("ikegwa", "172.31.255.1", "172.31.255.2", PSK, "gwa.interop.test", "gwb.interop.test",
          "10.91.1.0/24", "10.91.2.0/24", true, "--pfs", "31", "--ike-lifetime", "8");
      ChildSa ours = peer.child();
      peer.await("UP "); // the first IKE SA; the one the rekey makes is awaited below
      String log = awaitLog("ikegwb", "CHILD_SA net{1} established");
      assertTrue(log.contains(String.format("established with SPIs %08x_i %08x_o", ours.outboundSpi(),
          ours.inboundSpi())), "strongSwan's SPIs are ours mirrored");
      String sas = script(Map.of(), "sw.sh", "ikegwb", "--list-sas");
      assertTrue(sas.contains(String.format("in  %08x", ours.outboundSpi())), sas);
      assertTrue(sas.contains(String.format("out %08x", ours.inboundSpi())), sas);
      assertTrue(sas.contains("ESTABLISHED"), sas);
      // we initiated: strongSwan's "initiator key" is our outbound key
      assertKeysEqual(ours, log, true);
      assertTrue(ours.udpEncapsulation(), "kernel-libipsec fakes NAT: ESP must be UDP-encapsulated");
      assertEquals(4500, ours.peerPort());

      // soft lifetime → CREATE_CHILD_SA with N(REKEY_SA) and a KE (set pfs group31), then DELETE of the old SA
      peer.command(String.format("rekey %08x", ours.inboundSpi()));
      ChildSa rekeyed = peer.child();
      String log2 = awaitLog("ikegwb", String.format("established with SPIs %08x_i %08x_o", rekeyed.outboundSpi(),
          rekeyed.inboundSpi()));
      awaitLog("ikegwb", "received DELETE for ESP CHILD_SA with SPI " + String.format("%08x", ours.inboundSpi()));
      assertKeysEqual(rekeyed, log2, true);
      String sas2 = script(Map.of(), "sw.sh", "ikegwb", "--list-sas");
      assertTrue(sas2.contains(String.format("in  %08x", rekeyed.outboundSpi())), sas2);
      assertTrue(sas2.contains("CURVE_25519"), "the rekeyed Child SA used PFS: " + sas2);

      // after 8 s our IKE lifetime ends: we rekey the IKE SA (§2.18), the Child SA moves over
      String[] newIke = peer.await("UP ").split(" ")[2].split(":");
      awaitLog("ikegwb", "received DELETE for IKE_SA gw[1]");
      assertIkeSaAt("ikegwb", newIke);
      assertRebound(peer.child(), rekeyed, newIke);
      // a Child SA rekey under the new IKE SA: equal keys prove both sides derived the same new SK_d
      peer.command(String.format("rekey %08x", rekeyed.inboundSpi()));
      ChildSa third = peer.child();
      String log3 = awaitLog("ikegwb", String.format("established with SPIs %08x_i %08x_o", third.outboundSpi(),
          third.inboundSpi()));
      assertKeysEqual(third, log3, true);
    } finally {
      script(Map.of(), "charon-stop.sh", "ikegwb");
      stopPeers();
    }
  }

  @Test
  void wrongPskFailsWithAuthenticationFailedOnBothSides() throws Exception {
    script(Map.of("PSK", "not-the-interop-psk-987654321"), "charon-start.sh", "ikegwb", "ikev2-gcm");
    try {
      Peer peer = startPeer("ikegwa", "172.31.255.1", "172.31.255.2", PSK, "gwa.interop.test", "gwb.interop.test",
          "10.91.1.0/24", "10.91.2.0/24", true);
      assertEquals("DOWN negotiation-failed: auth-failed", peer.await("DOWN "));
      String log = awaitLog("ikegwb", "generating IKE_AUTH response 1 [ N(AUTH_FAILED) ]");
      assertTrue(log.contains("but MAC mismatched"), "strongSwan rejected our AUTH");
      assertTrue(!script(Map.of(), "sw.sh", "ikegwb", "--list-sas").contains("ESTABLISHED"));
    } finally {
      script(Map.of(), "charon-stop.sh", "ikegwb");
      stopPeers();
    }
  }

  @Test
  void strongswanInitiatorEstablishesWithOurResponder() throws Exception {
    Peer peer = startPeer("ikegwb", "172.31.255.2", "172.31.255.1", PSK, "gwb.interop.test", "gwa.interop.test",
        "10.91.2.0/24", "10.91.1.0/24", false);
    script(Map.of("LOG_IKE", "4", "LOG_CHD", "4"), "charon-start.sh", "ikegwa", "ikev2-gcm");
    try {
      String out = script(Map.of(), "sw.sh", "ikegwa", "--initiate", "--child", "net", "--timeout", "20");
      assertTrue(out.contains("CHILD_SA net{1} established"), out);
      ChildSa ours = peer.child();
      peer.await("UP "); // the first IKE SA; the one the rekey makes is awaited below
      String log = awaitLog("ikegwa", "CHILD_SA net{1} established");
      assertTrue(log.contains(String.format("established with SPIs %08x_i %08x_o", ours.outboundSpi(),
          ours.inboundSpi())), "strongSwan's SPIs are ours mirrored");
      // strongSwan initiated: its "initiator key" is our inbound key
      assertKeysEqual(ours, log, false);
      assertEquals(List.of(new io.ipsecmesh.proto.sa.TrafficSelector("10.91.2.0", "10.91.2.255", 0, 0, 65535)),
          ours.localSelectors());

      // strongSwan rekeys the Child SA: we answer CREATE_CHILD_SA, then its DELETE of the old one
      String rekeyOut = script(Map.of(), "sw.sh", "ikegwa", "--rekey", "--child", "net");
      assertTrue(rekeyOut.contains("rekey completed successfully"), rekeyOut);
      ChildSa rekeyed = peer.child();
      String log2 = awaitLog("ikegwa", String.format("established with SPIs %08x_i %08x_o", rekeyed.outboundSpi(),
          rekeyed.inboundSpi()));
      assertKeysEqual(rekeyed, log2, false);
      assertEquals("DELETED " + String.format("%08x", ours.inboundSpi()), peer.await("DELETED "));

      // strongSwan rekeys the IKE SA; then a Child SA rekey under the new one checks the new SK_d
      String ikeOut = script(Map.of(), "sw.sh", "ikegwa", "--rekey", "--ike", "gw");
      assertTrue(ikeOut.contains("rekey completed successfully"), ikeOut);
      String[] newIke = peer.await("UP ").split(" ")[2].split(":");
      assertIkeSaAt("ikegwa", newIke);
      assertRebound(peer.child(), rekeyed, newIke);
      String again = script(Map.of(), "sw.sh", "ikegwa", "--rekey", "--child", "net");
      assertTrue(again.contains("rekey completed successfully"), again);
      ChildSa third = peer.child();
      assertEquals(String.join(":", newIke), third.ikeSaId());
      String log3 = awaitLog("ikegwa", String.format("established with SPIs %08x_i %08x_o", third.outboundSpi(),
          third.inboundSpi()));
      assertKeysEqual(third, log3, false);
    } finally {
      script(Map.of(), "charon-stop.sh", "ikegwa");
      stopPeers();
    }
  }

  @Test
  void cbcHmacModpSuiteWithStrongswan() throws Exception {
    script(Map.of("LOG_IKE", "4", "LOG_CHD", "4"), "charon-start.sh", "ikegwb", "ikev2-cbc");
    try {
      Peer peer = startPeer("ikegwa", "172.31.255.1", "172.31.255.2", PSK, "gwa.interop.test", "gwb.interop.test",
          "10.91.1.0/24", "10.91.2.0/24", true, "--ike", "aes256-sha256-modp2048", "--esp",
          "AES_CBC_256_HMAC_SHA256_128");
      ChildSa ours = peer.child();
      String log = awaitLog("ikegwb", String.format("established with SPIs %08x_i %08x_o", ours.outboundSpi(),
          ours.inboundSpi()));
      assertTrue(log.contains("selected proposal: IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048"),
          "IKE SA with AES-CBC + HMAC-SHA2-256 and MODP-2048");
      // AES-256 key and HMAC-SHA-256 key per direction: 64 bytes, in the order the forwarder expects
      assertEquals(64, new KeyWrap(HexFormat.of().parseHex(KEK_HEX)).unwrap(ours.wrappedInboundKeys()).length);
      assertKeysEqual(ours, log, true);
    } finally {
      script(Map.of(), "charon-stop.sh", "ikegwb");
      stopPeers();
    }
  }

  @Test
  void certificateAuthenticationWithStrongswanResponder() throws Exception {
    io.ipsecmesh.ike.engine.TestCertificates ca = new io.ipsecmesh.ike.engine.TestCertificates(
        "CN=ipsec-mesh interop CA");
    io.ipsecmesh.ike.policy.Credentials ours = ca.issue("gwa.interop.test", ca);
    io.ipsecmesh.ike.policy.Credentials theirs = ca.issue("gwb.interop.test", ca);
    Path pki = Files.createDirectories(run.resolve("pki"));
    Files.writeString(pki.resolve("ca.pem"), io.ipsecmesh.ike.engine.TestCertificates.pem("CERTIFICATE",
        ca.ca.getEncoded()));
    Files.writeString(pki.resolve("gwa.pem"), io.ipsecmesh.ike.engine.TestCertificates.pem("CERTIFICATE",
        ours.chain().get(0).getEncoded()));
    Files.writeString(pki.resolve("gwa.key"), io.ipsecmesh.ike.engine.TestCertificates.pem("PRIVATE KEY",
        ours.key().getEncoded()));
    script(Map.of("AUTH", "pubkey", "LOCAL_CERT", "gwb.pem", "LOAD", "no", "LOG_IKE", "4", "LOG_CHD", "4"),
        "charon-start.sh", "ikegwb", "ikev2-gcm");
    try {
      Path swanctl = run.resolve("ikegwb").resolve("swanctl");
      Files.writeString(swanctl.resolve("x509ca").resolve("ca.pem"), io.ipsecmesh.ike.engine.TestCertificates.pem(
          "CERTIFICATE", ca.ca.getEncoded()));
      Files.writeString(swanctl.resolve("x509").resolve("gwb.pem"), io.ipsecmesh.ike.engine.TestCertificates.pem(
          "CERTIFICATE", theirs.chain().get(0).getEncoded()));
      Files.writeString(swanctl.resolve("private").resolve("gwb.key"), io.ipsecmesh.ike.engine.TestCertificates.pem(
          "PRIVATE KEY", theirs.key().getEncoded()));
      String loaded = script(Map.of(), "sw.sh", "ikegwb", "--load-all", "--noprompt");
      assertTrue(loaded.contains("loaded certificate") && loaded.contains("loaded connection"), loaded);
      Peer peer = startPeer("ikegwa", "172.31.255.1", "172.31.255.2", "unused-psk", "gwa.interop.test",
          "gwb.interop.test", "10.91.1.0/24", "10.91.2.0/24", true, "--cert", pki.resolve("gwa.pem").toString(),
          "--key", pki.resolve("gwa.key").toString(), "--ca", pki.resolve("ca.pem").toString());
      ChildSa child = peer.child();
      String log = awaitLog("ikegwb", String.format("established with SPIs %08x_i %08x_o", child.outboundSpi(),
          child.inboundSpi()));
      assertTrue(log.contains("authentication of 'gwa.interop.test' with ECDSA_WITH_SHA256_DER successful"),
          "strongSwan verified our RFC 7427 signature");
      assertKeysEqual(child, log, true);
    } finally {
      script(Map.of(), "charon-stop.sh", "ikegwb");
      stopPeers();
    }
  }

  // ------------------------------------------------------------------------------------ helpers

  /** After an IKE SA rekey the Child SA is announced again, unchanged but for its new IKE SA. */
  private static void assertRebound(ChildSa rebound, ChildSa before, String[] newIke) {
    assertEquals(String.join(":", newIke), rebound.ikeSaId());
    assertEquals(before.inboundSpi(), rebound.inboundSpi());
    assertEquals(before.outboundSpi(), rebound.outboundSpi());
    assertArrayEquals(before.wrappedInboundKeys(), rebound.wrappedInboundKeys());
  }

  /** strongSwan's view: an established IKE SA with exactly these SPIs (ours "spiI:spiR" in hex). */
  private void assertIkeSaAt(String instance, String[] spis) throws Exception {
    String sas = script(Map.of(), "sw.sh", instance, "--list-sas");
    assertTrue(sas.contains(spis[0] + "_i") && sas.contains(spis[1] + "_r"), "IKE SA " + String.join(":", spis)
        + " not in:\n" + sas);
  }

  private static final Pattern KEY_HEADER =
      Pattern.compile("(encryption|integrity) (initiator|responder) key => (\\d+) bytes");
  private static final Pattern HEX_LINE = Pattern.compile("\\[CHD\\] <[^>]*> +\\d+: ((?:[0-9A-F]{2} )+)");

  /**
   * Compares our Child SA keys (each direction: encryption key then integrity key, as the forwarder
   * reads them) with the last ones charon logged at chd level 4.
   */
  private static void assertKeysEqual(ChildSa ours, String charonLog, boolean weInitiated) {
    KeyWrap wrap = new KeyWrap(HexFormat.of().parseHex(KEK_HEX));
    Map<String, byte[]> keys = new java.util.HashMap<>();
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
    byte[] in = wrap.unwrap(ours.wrappedInboundKeys());
    byte[] out = wrap.unwrap(ours.wrappedOutboundKeys());
    assertArrayEquals(weInitiated ? i2r : r2i, out, "our outbound keys = strongSwan's");
    assertArrayEquals(weInitiated ? r2i : i2r, in, "our inbound keys = strongSwan's");
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
    java.util.HashMap<String, String> e = new java.util.HashMap<>(env);
    e.putAll(Map.of("NS_A", "ikegwa", "NS_B", "ikegwb", "NS_LAN_A", "ikelana", "NS_LAN_B", "ikelanb",
        "INTEROP_RUN", run.toString()));
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
  private final class Peer {
    final Process process;
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    /** Every line read so far (only the test thread touches these two). */
    final List<String> seen = new ArrayList<>();
    final java.util.Set<Integer> taken = new java.util.HashSet<>();
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
      }, "interop-peer-stdout");
      t.setDaemon(true);
      t.start();
    }

    /**
     * The oldest line with {@code prefix} not returned before, whenever it arrived: events of different
     * kinds (CHILD, DELETED, UP) may come in any order relative to each other.
     */
    String await(String prefix) throws Exception {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (true) {
        for (int i = 0; i < seen.size(); i++) {
          if (!taken.contains(i) && seen.get(i).startsWith(prefix)) {
            taken.add(i);
            return seen.get(i);
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("Java peer never printed '" + prefix + "'; its output: " + seen + "\nits log:\n"
              + Files.readString(stderr));
        }
        String l = lines.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(500)), TimeUnit.NANOSECONDS);
        if (l != null) {
          seen.add(l);
        }
      }
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

  private Peer startPeer(String ns, String local, String remote, String psk, String localId, String remoteId,
      String localTs, String remoteTs, boolean initiate, String... extra) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, java, "--enable-native-access=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), InteropPeer.class.getName(), "--local", local, "--peer", remote,
        "--psk", psk, "--local-id", localId, "--remote-id", remoteId, "--local-ts", localTs, "--remote-ts",
        remoteTs));
    if (initiate) {
      cmd.addAll(List.of("--initiate", "yes"));
    }
    cmd.addAll(List.of(extra));
    Path err = run.resolve("peer-" + ns + "-" + peers.size() + ".log");
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
      p.getOutputStream().close(); // InteropPeer exits (sending DELETEs) when stdin closes
      if (!p.waitFor(15, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
    peers.clear();
  }
}
