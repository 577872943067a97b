package io.ipsecmesh.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A service (or a test's own main) started as a separate JVM on this test's class path, optionally inside a
 * network namespace: a JVM cannot place a socket in another namespace, so the part of a scenario that lives in
 * one runs as a child. Its output is read line by line on a daemon thread; tests wait for a line with a deadline
 * and may write command lines to its stdin. {@link #close()} stops it (SIGTERM, then SIGKILL after 10 s), so a
 * failing test never leaves a member behind.
 */
public final class ChildJvm implements AutoCloseable {

  /** The flags of a child that needs nothing but native access (FFM, Netty's epoll). */
  public static final List<String> NATIVE_ACCESS = List.of("--enable-native-access=ALL-UNNAMED");

  private final String name;
  private final Process process;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final List<String> seen = new ArrayList<>();

  private ChildJvm(String name, Process process) {
    this.name = name;
    this.process = process;
    Thread reader = new Thread(this::pump, name + "-output");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * {@code main} with {@code args} in a new JVM with {@code jvmFlags} (the gateway's {@code JvmFlags.ALL} for the
   * services, {@link #NATIVE_ACCESS} for a plain main, plus any {@code -D…} or {@code -Xmx…}) and, unless the flags
   * say otherwise, at most 256 MB of heap.
   */
  public static ChildJvm start(String name, List<String> jvmFlags, Class<?> main, String... args) throws IOException {
    return startIn(null, name, jvmFlags, main, args);
  }

  /** Like {@link #start}, inside network namespace {@code ns} ({@code ip netns exec}, which execs the JVM). */
  public static ChildJvm startIn(String ns, String name, List<String> jvmFlags, Class<?> main, String... args)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    if (ns != null) {
      cmd.addAll(List.of("ip", "netns", "exec", ns));
    }
    cmd.add(ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java"));
    cmd.add("-Xmx256m"); // before the flags: a flag -Xmx… of the caller wins
    cmd.addAll(jvmFlags);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(main.getName());
    cmd.addAll(List.of(args));
    return new ChildJvm(name, new ProcessBuilder(cmd).redirectErrorStream(true).start());
  }

  private void pump() {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        lines.add(line);
      }
    } catch (IOException e) {
      lines.add("(output of " + name + " ended: " + e.getMessage() + ")");
    }
  }

  /** The first line (from now on) matching {@code want}; fails with the output so far after {@code timeout}. */
  public String await(Predicate<String> want, Duration timeout, String what) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      String line = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
      if (line == null) {
        throw new AssertionError(name + ": no " + what + " within " + timeout.toSeconds() + " s"
            + (process.isAlive() ? "" : " (exited with " + process.exitValue() + ")") + "; output:\n"
            + String.join("\n", seen.subList(Math.max(0, seen.size() - 60), seen.size())));
      }
      seen.add(line);
      if (want.test(line)) {
        return line;
      }
    }
  }

  /** Waits for the process to exit; fails with the output so far when it still runs after {@code timeout}. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(name + " still runs after " + timeout.toSeconds() + " s; output:\n" + output());
    }
    return process.exitValue();
  }

  /** Every line read so far (those already awaited and those still queued). */
  public String output() throws InterruptedException {
    Thread.sleep(200); // the reader thread drains what the exited process wrote last
    List<String> all = new ArrayList<>(seen);
    all.addAll(lines);
    return String.join("\n", all);
  }

  /** One command line to the child's stdin. */
  public void send(String line) throws IOException {
    process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
    process.getOutputStream().flush();
  }

  /** Whether the child still runs. */
  public boolean alive() {
    return process.isAlive();
  }

  /** kill -9: SIGKILL, no shutdown hook, no orderly leave (what a crash or an OOM kill does); waits for the exit. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  /** Its name, as given at start (in failure messages). */
  public String name() {
    return name;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
