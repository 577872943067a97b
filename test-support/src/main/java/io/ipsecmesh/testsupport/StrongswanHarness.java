package io.ipsecmesh.testsupport;

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
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The parent side of every test against strongSwan (ike-service's {@code StrongswanInteropTest} and
 * {@code Ikev1StrongswanInteropTest}, the gateway scenarios of {@code it/}): a temporary copy of the harness
 * scripts (this module's resources under {@code /interop}, README there), run with the test's own namespace
 * names ({@code NS_A}, {@code NS_B}, {@code NS_LAN_A}, {@code NS_LAN_B}) so that several tests can run; charon's
 * log polled for milestones; our side as child JVMs ({@link Peer}) under {@code ip netns exec}, because a JVM
 * cannot place a socket in another namespace; and the comparison of our Child SA keys with the ones charon logs
 * at chd level 4. {@link #close()} stops the child JVMs, removes the namespaces and deletes the copy, also after
 * failures.
 */
public final class StrongswanHarness {

  private static final String CHARON = "/usr/lib/ipsec/charon";
  private static final String PLUGINS = "/usr/lib/ipsec/plugins/libstrongswan-";
  private static final String[] SCRIPTS = {"common.sh", "netns-up.sh", "netns-down.sh", "charon-start.sh",
      "charon-stop.sh", "sw.sh", "templates/strongswan.conf.in", "templates/swanctl.conf.in",
      "templates/ezvpn-server.swanctl.conf.in"};
  /** The strongSwan profiles ({@code charon-start.sh NS PROFILE}: proposals and options as environment). */
  private static final String[] PROFILES = {"profiles/ikev2-gcm.env", "profiles/ikev2-cbc.env",
      "profiles/ikev1-psk.env"};

  private final Path dir;
  private final Path run;
  private final Map<String, String> namespaces;
  private final String kekHex;
  private final List<Process> peers = new ArrayList<>();
  private boolean up;

  private StrongswanHarness(Path dir, Map<String, String> namespaces, String kekHex) {
    this.dir = dir;
    this.run = dir.resolve("run");
    this.namespaces = Map.copyOf(namespaces);
    this.kekHex = kekHex;
  }

  /**
   * Skips the test (JUnit assumption) unless this runs as root with charon, swanctl and the named
   * plugins installed; {@code packages} is the install hint, {@code pluginPackages} the one for a plugin.
   */
  public static void assumeStrongswan(String packages, String pluginPackages, String... plugins) throws Exception {
    assumeTrue(Sh.isRoot(), "strongSwan interop needs root (network namespaces); not root here");
    assumeTrue(Files.isExecutable(Path.of(CHARON)) && Files.isExecutable(Path.of("/usr/sbin/swanctl")),
        "strongSwan not installed: apt-get install " + packages);
    for (String p : plugins) {
      assumeTrue(Files.exists(Path.of(PLUGINS + p + ".so")), "strongSwan plugin " + p + " missing ("
          + pluginPackages + ")");
    }
  }

  /**
   * A new temporary harness directory with the scripts and templates of the classpath
   * resource {@code /interop} (test-support's {@code src/main/resources/interop})
   * and the given further files of it (profiles); the scripts run with {@code namespaces} (NS_A, NS_B,
   * NS_LAN_A, NS_LAN_B) in their environment and child JVMs get {@code kekHex} as {@code IPSECMESH_KEK}.
   */
  public static StrongswanHarness create(String tempPrefix, Map<String, String> namespaces, String kekHex,
      String... moreInteropFiles) throws IOException {
    StrongswanHarness h = new StrongswanHarness(Files.createTempDirectory(tempPrefix), namespaces, kekHex);
    Files.createDirectories(h.run);
    for (String s : SCRIPTS) {
      h.install("/interop/" + s, s);
    }
    for (String s : moreInteropFiles) {
      h.install("/interop/" + s, s);
    }
    return h;
  }

  private static Path scripts;

  /**
   * One copy per JVM of the harness scripts, templates and profiles, for tests that run the scripts themselves with
   * their own {@code INTEROP_RUN} and namespace names (the {@code it/} scenarios: {@code bash SCRIPTS/netns-up.sh});
   * deleted when the JVM exits. Nothing reads another module's source tree.
   */
  public static synchronized Path scripts() {
    if (scripts == null) {
      Path dir;
      try {
        dir = Files.createTempDirectory("interop-scripts-");
        for (String s : SCRIPTS) {
          copy("/interop/" + s, dir.resolve(s));
        }
        for (String s : PROFILES) {
          copy("/interop/" + s, dir.resolve(s));
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException("cannot copy the strongSwan harness scripts", e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try (Stream<Path> all = Files.walk(dir)) {
          all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
          // a temporary directory left behind
        }
      }));
      scripts = dir;
    }
    return scripts;
  }

  private static void copy(String resource, Path t) throws IOException {
    Files.createDirectories(t.getParent());
    try (InputStream in = StrongswanHarness.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("no harness resource " + resource);
      }
      Files.copy(in, t);
    }
    if (resource.endsWith(".sh")) {
      Files.setPosixFilePermissions(t, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  /** Copies a class-path resource to {@code target} below the harness directory ({@code .sh}: executable). */
  public void install(String resource, String target) throws IOException {
    copy(resource, dir.resolve(target));
  }

  /** The Debian packages the harness needs (its charon with kernel-libipsec, swanctl, the usual plugins). */
  public static final String PACKAGES =
      "charon-systemd strongswan-swanctl libcharon-extra-plugins libstrongswan-standard-plugins";

  /**
   * Skips the test (JUnit assumption, with the reason) unless it runs as root with strongSwan, the {@code plugins}
   * and, for our gateway's side, a {@code /dev/net/tun}.
   */
  public static void assumeStrongswanAndTun(String... plugins) throws Exception {
    assumeStrongswan(PACKAGES, PACKAGES, plugins);
    assumeTrue(Files.exists(Path.of("/dev/net/tun")), "no /dev/net/tun for the forwarder's TUN device");
  }

  /**
   * The harness's namespace variables for the names {@code <prefix>gwa}, {@code <prefix>gwb}, {@code <prefix>lana},
   * {@code <prefix>lanb} and {@code <prefix>nat}.
   */
  public static Map<String, String> namespaces(String prefix) {
    return Map.of("NS_A", prefix + "gwa", "NS_B", prefix + "gwb", "NS_LAN_A", prefix + "lana", "NS_LAN_B",
        prefix + "lanb", "NS_NAT", prefix + "nat");
  }

  /**
   * Runs a script of {@link #scripts()} with {@code INTEROP_RUN=run}, the namespace names of {@code prefix}
   * ({@link #namespaces}) and {@code env}; its output ({@link Sh#capture}, bounded).
   */
  public static String script(Path run, String prefix, Map<String, String> env, String name, String... args)
      throws IOException, InterruptedException {
    Map<String, String> e = new HashMap<>(env);
    e.putAll(namespaces(prefix));
    return script(run, e, name, args);
  }

  /** The same with only {@code env} (a topology of the test's own: the namespace is an argument of the script). */
  public static String script(Path run, Map<String, String> env, String name, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("bash", scripts().resolve(name).toString()));
    cmd.addAll(List.of(args));
    Map<String, String> e = new HashMap<>(env);
    e.put("INTEROP_RUN", run.toString());
    return Sh.capture(cmd, e);
  }

  /**
   * A harness on the namespaces {@code <prefix>gwa}, {@code <prefix>gwb}, {@code <prefix>lana}, {@code <prefix>lanb}
   * (and {@code <prefix>nat} for the NAT topology), without child JVMs of its own: the {@code it/} scenarios start
   * the whole gateway themselves.
   */
  public static StrongswanHarness forPrefix(String prefix, String... moreInteropFiles) throws IOException {
    return create("it-" + prefix + "-", namespaces(prefix), null, moreInteropFiles);
  }

  /**
   * Builds the namespaces ({@code netns-up.sh} with {@code args}, e.g. {@code --no-plain-routes}); {@link #close()}
   * removes them even if this fails.
   */
  public void netnsUp(String... args) throws Exception {
    up = true;
    script(Map.of(), "netns-up.sh", args);
  }

  /** The namespace the harness calls {@code name} ({@code NS_A}, {@code NS_B}, {@code NS_LAN_A}, …). */
  public String ns(String name) {
    return namespaces.get(name);
  }

  /** The harness directory (scripts, templates, profiles). */
  public Path dir() {
    return dir;
  }

  /** {@code INTEROP_RUN}: one directory per charon instance (config, {@code charon.log}) and the peers' logs. */
  public Path run() {
    return run;
  }

  /**
   * Stops the child JVMs and charon instances, removes the namespaces ({@code netns-down.sh}) and deletes the
   * copy; the harness's log files are gone afterwards (a failing test quotes what it needs).
   */
  public void close() throws Exception {
    for (Process p : peers) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    if (up) {
      up = false;
      script(Map.of(), "netns-down.sh");
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** Runs a harness script with the namespaces and {@code INTEROP_RUN} (plus {@code env}); its output. */
  public String script(Map<String, String> env, String name, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("bash", dir.resolve(name).toString()));
    cmd.addAll(List.of(args));
    Map<String, String> e = new HashMap<>(env);
    e.putAll(namespaces);
    e.put("INTEROP_RUN", run.toString());
    return capture(cmd, e);
  }

  /** Waits (bounded, on file-change events) until the instance's charon.log contains {@code text}. */
  public String awaitLog(String instance, String text) throws Exception {
    return awaitLog(instance, text, 20);
  }

  /** The same with a deadline of {@code seconds}. */
  public String awaitLog(String instance, String text, int seconds) throws Exception {
    return LogWatch.await(charonLog(instance), text, seconds);
  }

  /** The charon.log of a strongSwan instance ({@code charon-start.sh NS …}). */
  public Path charonLog(String instance) {
    return run.resolve(instance).resolve("charon.log");
  }

  /** {@code swanctl} in the instance's namespace ({@code sw.sh NS ARGS…}); its output. */
  public String swanctl(String instance, String... args) throws Exception {
    String[] all = new String[args.length + 1];
    all[0] = instance;
    System.arraycopy(args, 0, all, 1, args.length);
    return script(Map.of(), "sw.sh", all);
  }

  /**
   * Gives the strongSwan instance (started with {@code AUTH=pubkey LOAD=no}) the CA of {@code pki} and its own
   * certificate and key as {@code name.pem} / {@code name.key} (its {@code LOCAL_CERT}), then loads them with
   * {@code swanctl --load-all}; fails unless the certificate and the connection were loaded.
   */
  public String loadCredentials(String instance, TestPki pki, TestPki.Issued issued, String name) throws Exception {
    return loadCredentials(run, instance, pki, issued, name);
  }

  /** The same for an instance of a run directory of the test's own ({@link #script(Path, Map, String, String...)}). */
  public static String loadCredentials(Path run, String instance, TestPki pki, TestPki.Issued issued, String name)
      throws Exception {
    Path swanctl = run.resolve(instance).resolve("swanctl");
    pki.writeCa(swanctl.resolve("x509ca").resolve("ca.pem"));
    TestPki.writePem(issued, swanctl.resolve("x509").resolve(name + ".pem"),
        swanctl.resolve("private").resolve(name + ".key"));
    String loaded = script(run, Map.of(), "sw.sh", instance, "--load-all", "--noprompt");
    assertTrue(loaded.contains("loaded certificate") && loaded.contains("loaded connection"), loaded);
    return loaded;
  }

  /** Runs {@code cmd} (stderr into stdout, at most 90 s); its output ({@link Sh#capture}). */
  public static String capture(List<String> cmd, Map<String, String> env) throws Exception {
    return Sh.capture(cmd, env);
  }

  // ------------------------------------------------------------------------------ child JVMs

  /**
   * Starts {@code main} with {@code args} in a child JVM inside namespace {@code ns} (this JVM's class
   * path, {@code IPSECMESH_KEK} set, stderr to {@code <logPrefix>-<ns>-<n>.log} in {@link #run()}) and
   * waits for its {@code READY}.
   */
  public Peer startPeer(String ns, Class<?> main, String logPrefix, List<String> args) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, java, "--enable-native-access=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), main.getName()));
    cmd.addAll(args);
    Path err = run.resolve(logPrefix + "-" + ns + "-" + peers.size() + ".log");
    Files.createDirectories(run);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err.toFile());
    if (kekHex != null) {
      pb.environment().put("IPSECMESH_KEK", kekHex);
    }
    Process p = pb.start();
    peers.add(p);
    Peer peer = new Peer(p, err);
    peer.await("READY");
    return peer;
  }

  /** Closes the child JVMs' stdin (they exit, sending DELETEs); kills those not gone after 15 s. */
  public void stopPeers() throws Exception {
    for (Process p : peers) {
      p.getOutputStream().close();
      if (!p.waitFor(15, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
    peers.clear();
  }

  /** A child JVM and its stdout events, one a line. */
  public static final class Peer {
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    /** Every line read so far (only the test thread touches these two). */
    private final List<String> seen = new ArrayList<>();
    private final Set<Integer> taken = new HashSet<>();
    private final Path stderr;

    private Peer(Process process, Path stderr) {
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
    public String await(String prefix) throws Exception {
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

    /** One line to the child's stdin. */
    public void command(String line) throws IOException {
      process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
      process.getOutputStream().flush();
    }

    /** The next {@code CHILD <json>} event. */
    public ChildSa child() throws Exception {
      String l = await("CHILD ");
      return RecordJson.fromJson(new JsonObject(l.substring("CHILD ".length())), ChildSa.class);
    }
  }

  // ------------------------------------------------------------------------------ key comparison

  private static final Pattern KEY_HEADER =
      Pattern.compile("(encryption|integrity) (initiator|responder) key => (\\d+) bytes");
  private static final Pattern HEX_LINE = Pattern.compile("\\[CHD\\] <[^>]*> +\\d+: ((?:[0-9A-F]{2} )+)");

  /**
   * Compares our Child SA keys (each direction: encryption key then integrity key, as the forwarder
   * reads them; unwrapped with this harness's KEK) with the last ones charon logged at chd level 4.
   */
  public void assertKeysEqual(ChildSa ours, String charonLog, boolean weInitiated) {
    KeyWrap wrap = new KeyWrap(HexFormat.of().parseHex(kekHex));
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
    byte[] in = wrap.unwrap(ours.wrappedInboundKeys());
    byte[] out = wrap.unwrap(ours.wrappedOutboundKeys());
    assertArrayEquals(weInitiated ? i2r : r2i, out, "our outbound keys = strongSwan's");
    assertArrayEquals(weInitiated ? r2i : i2r, in, "our inbound keys = strongSwan's");
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
