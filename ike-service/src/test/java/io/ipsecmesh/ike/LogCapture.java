package io.ipsecmesh.ike;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Captures every log record of {@code io.ipsecmesh} (both engines log through java.util.logging: IKEv2 by the
 * platform {@code System.Logger}, IKEv1 directly), at every level and with stack traces, formatted as an
 * appender would write them; and checks that no key's bytes appear in it, as hex, Base64 or text.
 */
public final class LogCapture implements AutoCloseable {

  private final Logger logger = Logger.getLogger("io.ipsecmesh");
  private final Level oldLevel = logger.getLevel();
  private final List<String> lines = new ArrayList<>();
  private final SimpleFormatter formatter = new SimpleFormatter();
  private final Handler handler = new Handler() {
    @Override
    public void publish(LogRecord r) {
      synchronized (lines) {
        lines.add(formatter.format(r));
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  public LogCapture() {
    handler.setLevel(Level.ALL);
    logger.setLevel(Level.ALL);
    logger.addHandler(handler);
  }

  /** Everything logged so far, one formatted record after the other. */
  public String text() {
    synchronized (lines) {
      return String.join("", lines);
    }
  }

  public int records() {
    synchronized (lines) {
      return lines.size();
    }
  }

  /**
   * Fails if {@code key} (or any 8 consecutive bytes of it) shows in the log as lower- or upper-case hex, or the
   * whole key as Base64 (standard or URL-safe) or as ISO-8859-1/UTF-8 text (a pre-shared key).
   */
  public void assertNoKey(String name, byte[] key) {
    String log = text();
    String lower = log.toLowerCase(Locale.ROOT);
    HexFormat hex = HexFormat.of();
    int window = Math.min(8, key.length);
    for (int i = 0; i + window <= key.length; i++) {
      assertFalse(lower.contains(hex.formatHex(key, i, i + window)),
          name + " (bytes " + i + "-" + (i + window) + ") appears in hex in the log");
    }
    for (String b64 : List.of(Base64.getEncoder().encodeToString(key),
        Base64.getEncoder().withoutPadding().encodeToString(key),
        Base64.getUrlEncoder().withoutPadding().encodeToString(key))) {
      assertFalse(log.contains(b64), name + " appears in Base64 in the log");
    }
    if (key.length >= 6) {
      assertFalse(log.contains(new String(key, StandardCharsets.ISO_8859_1)), name + " appears as text in the log");
      assertFalse(log.contains(new String(key, StandardCharsets.UTF_8)), name + " appears as text in the log");
    }
  }

  @Override
  public void close() {
    logger.removeHandler(handler);
    logger.setLevel(oldLevel);
  }
}
