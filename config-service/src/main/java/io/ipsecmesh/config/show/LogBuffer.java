package io.ipsecmesh.config.show;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;

/**
 * The gateway's {@code logging buffered}: the newest log lines up to a byte budget, oldest dropped first,
 * as IOS keeps its log buffer (IOS XE IPsec Data Plane guide, "Invalid Security Parameter Index
 * Recovery", {@code show logging}: {@code Log Buffer (8000 bytes):}). Each line is kept as IOS prints
 * it, {@code *Mar 24 20:55:45.739: %CRYPTO-4-…}, timestamps in UTC. Thread-safe: fed from the event bus,
 * read by {@code show logging}.
 */
public final class LogBuffer {

  /**
   * The size of the seed router's buffer ({@code Log Buffer (8000 bytes)}); counted in characters, which
   * are bytes for the ASCII lines IOS messages are.
   */
  public static final int DEFAULT_BYTES = 8000;
  /** One message longer than this is cut: a log line must not take the whole buffer. */
  static final int MAX_LINE_BYTES = 1024;

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final int capacityBytes;
  private final ArrayDeque<String> lines = new ArrayDeque<>();
  private int usedBytes;
  private long logged;

  public LogBuffer(int capacityBytes) {
    if (capacityBytes < MAX_LINE_BYTES) {
      throw new IllegalArgumentException("log buffer of " + capacityBytes + " bytes is smaller than one line");
    }
    this.capacityBytes = capacityBytes;
  }

  public synchronized void add(long epochMillis, String text) {
    String line = "*" + STAMP.format(Instant.ofEpochMilli(epochMillis)) + ": " + (text == null ? "" : text);
    if (line.length() > MAX_LINE_BYTES) {
      line = line.substring(0, MAX_LINE_BYTES);
    }
    lines.addLast(line);
    usedBytes += line.length() + 1;
    logged++;
    while (usedBytes > capacityBytes) {
      usedBytes -= lines.removeFirst().length() + 1;
    }
  }

  public int capacityBytes() {
    return capacityBytes;
  }

  /** Messages ever put into the buffer (IOS: {@code Buffer logging: level debugging, N messages logged}). */
  public synchronized long logged() {
    return logged;
  }

  public synchronized List<String> lines() {
    return List.copyOf(lines);
  }
}
