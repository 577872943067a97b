package io.ipsecmesh.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Waits until a log file that another process writes (a gateway's log, charon's, dumpcap's) contains a text:
 * woken by the file system's change events, re-reading at least every 200 ms, bounded by a deadline.
 */
public final class LogWatch {

  private LogWatch() {}

  /**
   * Returns the file's content once it contains {@code text}; fails (AssertionError, with the content) after
   * {@code seconds}.
   */
  public static String await(Path file, String text, int seconds) throws Exception {
    return await(file, text, Duration.ofSeconds(seconds), s -> s.contains(text) ? Optional.of(s) : Optional.empty());
  }

  /** The first line of the file containing {@code text}, waiting for the file to grow until {@code within}. */
  public static String awaitLine(Path file, String text, Duration within) throws Exception {
    return await(file, text, within, s -> s.lines().filter(l -> l.contains(text)).findFirst());
  }

  /** Blocks until {@code file}'s directory reports a change or {@code millis} pass (a bounded wait, no fixed sleep). */
  public static void waitForChange(Path file, long millis) throws Exception {
    Path dir = file.toAbsolutePath().getParent();
    try (WatchService watch = dir.getFileSystem().newWatchService()) {
      dir.register(watch, StandardWatchEventKinds.ENTRY_MODIFY);
      watch.poll(millis, TimeUnit.MILLISECONDS);
    }
  }

  private static String await(Path file, String text, Duration within, Function<String, Optional<String>> found)
      throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    try (WatchService watch = dir.getFileSystem().newWatchService()) {
      dir.register(watch, StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_CREATE);
      while (true) {
        String s = Files.exists(file) ? Files.readString(file) : "";
        Optional<String> hit = found.apply(s);
        if (hit.isPresent()) {
          return hit.get();
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError(file + " never showed '" + text + "' within " + within.toSeconds() + " s:\n" + s);
        }
        WatchKey key = watch.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)), TimeUnit.NANOSECONDS);
        if (key != null) {
          key.pollEvents();
          key.reset();
        }
      }
    }
  }
}
