package io.ipsecmesh.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs a short command with a deadline and returns its exit status and output (stderr merged): every
 * command a test runs ({@code ip}, {@code nft}, {@code ping}, {@code tshark}, the harness scripts) is bounded in
 * time, so a hung tool fails the test instead of hanging the build.
 */
public final class Sh {

  /** The deadline of {@link #capture}: long enough for a harness script that starts charon. */
  public static final long CAPTURE_SECONDS = 90;

  public record Result(int exit, String output) {
    public boolean ok() {
      return exit == 0;
    }
  }

  private Sh() {}

  /**
   * A new temporary directory for one scenario's files (configurations with their PSKs, KEKs, API tokens,
   * charon instances, captures, logs), deleted with everything in it when the test JVM exits, whether the
   * scenario passed or failed: no key material outlives the run. Failure messages quote the logs they need.
   */
  public static Path runDirectory(String prefix) throws IOException {
    Path dir = Files.createTempDirectory(prefix);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
    return dir;
  }

  /** Deletes {@code dir} and everything below it, quietly (a file that is already gone is fine). */
  public static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException | java.io.UncheckedIOException e) {
      System.err.println("cannot delete " + dir + ": " + e.getMessage());
    }
  }

  public static Result run(long timeoutSeconds, String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(-1, "timed out: " + String.join(" ", command));
      }
      return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new Result(-1, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, "interrupted");
    }
  }

  /** Runs and fails with the output when the command fails. */
  public static String must(String... command) {
    Result r = run(30, command);
    if (!r.ok()) {
      throw new IllegalStateException(String.join(" ", command) + " -> " + r.exit() + ": " + r.output());
    }
    return r.output();
  }

  public static boolean isRoot() {
    return "0".equals(run(5, "id", "-u").output().trim());
  }

  public static boolean have(String tool) {
    return run(5, "sh", "-c", "command -v " + tool).ok();
  }

  /** {@code ip netns exec NS command…}. */
  public static List<String> inNs(String ns, String... command) {
    String[] full = new String[command.length + 4];
    full[0] = "ip";
    full[1] = "netns";
    full[2] = "exec";
    full[3] = ns;
    System.arraycopy(command, 0, full, 4, command.length);
    return List.of(full);
  }

  /**
   * Runs {@code cmd} with {@code env} added to this process's environment; its output whatever its exit status.
   * Fails (AssertionError) when it still runs after {@link #CAPTURE_SECONDS}, killing it.
   */
  public static String capture(List<String> cmd, Map<String, String> env) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close(); // nothing to read: a tool that asks gets end of file, not a hang
    byte[] out;
    try (InputStream in = p.getInputStream()) {
      out = in.readAllBytes();
    }
    if (!p.waitFor(CAPTURE_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + cmd);
    }
    return new String(out, StandardCharsets.UTF_8);
  }

  /** {@link #capture} of a command without extra environment. */
  public static String capture(String... cmd) throws IOException, InterruptedException {
    return capture(List.of(cmd), Map.of());
  }

  /** Stops a child process: SIGTERM, then SIGKILL if it still runs after {@code seconds}. */
  public static void stop(Process p, long seconds) throws InterruptedException {
    if (p == null) {
      return;
    }
    p.destroy();
    if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(seconds, TimeUnit.SECONDS);
    }
  }
}
