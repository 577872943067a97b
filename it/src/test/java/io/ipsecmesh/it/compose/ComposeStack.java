package io.ipsecmesh.it.compose;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code docker/compose.yaml} under podman-compose, as project {@link #PROJECT}: the images built from
 * this checkout's {@code ./mvnw package} output on a local base, the stack brought up and down, and the
 * podman commands the test needs on its containers. Every podman call runs with
 * {@code docker/podman/containers.conf} (runc, no default ulimits: what this machine kind needs).
 */
final class ComposeStack {

  static final String PROJECT = "itcompose";
  static final String NETWORK = PROJECT + "_mesh";
  static final String BASE_IMAGE = "ipsec-mesh/base-jre:25";
  static final List<String> SERVICES = List.of("config-service", "ike-service", "dpd-service", "esp-forwarder",
      "nat-keepalive");

  final Path repo;
  final Path run;
  private final Map<String, String> env = new HashMap<>();
  private final List<Path> composeFiles = new ArrayList<>();

  ComposeStack(Path repo, Path run, Path config, Path secrets) {
    this.repo = repo;
    this.run = run;
    env.put("CONTAINERS_CONF", repo.resolve("docker/podman/containers.conf").toString());
    env.put("IPSECMESH_CONFIG", config.toString());
    env.put("IPSECMESH_SECRETS", secrets.toString());
    env.put("IPSECMESH_BASE_IMAGE", BASE_IMAGE);
    composeFiles.add(repo.resolve("docker/compose.yaml"));
  }

  /** The local base (mmdebstrap + the machine's JDK 25, jlink'd) when missing, then every service image. */
  void buildImages() throws Exception {
    if (cmd(List.of("podman", "image", "exists", BASE_IMAGE), 30).exit() != 0) {
      ok(List.of("bash", repo.resolve("docker/base/build-local-base.sh").toString(), BASE_IMAGE), 600);
    }
    for (String s : SERVICES) {
      ok(List.of("nice", "-n", "10", "podman", "build", "-q", "--format", "docker", "--build-arg", "BASE=" + BASE_IMAGE,
          "-f", "docker/" + s + ".Dockerfile", "-t", "ipsec-mesh/" + s + ":dev", "."), 300);
    }
  }

  /** {@code podman-compose up -d --no-build} with the compose files so far (later ones override). */
  void up() throws Exception {
    ok(compose("up", "-d", "--no-build"), 300);
  }

  /** Sets compose variables (e.g. IPSECMESH_DPD_REPLICAS) and brings the stack up again with them. */
  void upWith(Map<String, String> variables) throws Exception {
    env.putAll(variables);
    // podman-compose 1.0.3 tries `podman run` for every container, fails for the ones that exist and
    // starts them instead: only the new replicas are created
    lastOutput = cmd(compose("up", "-d", "--no-build"), 300).out();
  }

  private String lastOutput = "";

  /** What the last {@link #upWith} printed (podman-compose reports failures there, not in its exit status). */
  String lastOutput() {
    return tail(lastOutput);
  }

  void down() throws Exception {
    cmd(compose("down"), 180);
  }

  private List<String> compose(String... args) {
    List<String> c = new ArrayList<>(List.of("podman-compose", "-p", PROJECT));
    for (Path f : composeFiles) {
      c.add("-f");
      c.add(f.toString());
    }
    c.addAll(List.of(args));
    return c;
  }

  static String container(String service, int n) {
    return PROJECT + "_" + service + "_" + n;
  }

  String ip(String container) throws Exception {
    return ok(List.of("podman", "inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", container),
        30).strip();
  }

  /** From the container's start (podman's StartedAt) to its log line that it joined the cluster and deployed. */
  double coldStartSeconds(String container) throws Exception {
    java.time.Instant started = java.time.OffsetDateTime.parse(
        podman("inspect", "-f", "{{.State.StartedAt.Format \"2006-01-02T15:04:05.000000000Z07:00\"}}", container).strip())
        .toInstant();
    for (String line : cmd(List.of("podman", "logs", "-t", container), 60).out().split("\n")) {
      if (line.contains("started, cluster '")) {
        java.time.Instant at = java.time.OffsetDateTime.parse(line.substring(0, line.indexOf(' '))).toInstant();
        return java.time.Duration.between(started, at).toMillis() / 1000.0;
      }
    }
    return Double.NaN;
  }

  String logs(String container) throws Exception {
    return cmd(List.of("podman", "logs", container), 60).out();
  }

  String podman(String... args) throws Exception {
    List<String> c = new ArrayList<>(List.of("podman"));
    c.addAll(List.of(args));
    return ok(c, 120);
  }

  Result tryPodman(String... args) throws Exception {
    List<String> c = new ArrayList<>(List.of("podman"));
    c.addAll(List.of(args));
    return cmd(c, 120);
  }

  /** Waits until the container's log shows {@code text} {@code times} times. */
  void awaitLog(String container, String text, int times, int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    String log = "";
    while (System.nanoTime() < deadline) {
      log = logs(container);
      if (log.split(java.util.regex.Pattern.quote(text), -1).length - 1 >= times) {
        return;
      }
      Thread.sleep(1000);
    }
    throw new AssertionError(container + " never logged '" + text + "' " + times + " time(s):\n" + tail(log));
  }

  static String tail(String s) {
    return s.length() <= 6000 ? s : s.substring(s.length() - 6000);
  }

  String ok(List<String> command, int seconds) throws Exception {
    Result r = cmd(command, seconds);
    if (r.exit() != 0) {
      throw new AssertionError(String.join(" ", command) + " failed (" + r.exit() + "):\n" + tail(r.out()));
    }
    return r.out();
  }

  Result cmd(List<String> command, int seconds) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).directory(repo.toFile()).redirectErrorStream(true);
    pb.environment().putAll(env);
    Path out = Files.createTempFile(run, "cmd-", ".out");
    pb.redirectOutput(out.toFile());
    Process p = pb.start();
    if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out after " + seconds + " s: " + String.join(" ", command) + "\n"
          + tail(Files.readString(out)));
    }
    String text = Files.readString(out, StandardCharsets.UTF_8);
    Files.delete(out);
    return new Result(p.exitValue(), text);
  }

  record Result(int exit, String out) {}

  static String resource(String name) throws IOException {
    try (InputStream in = ComposeStack.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
