package io.ipsecmesh.config.show;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code show logging} against the seed's sample (test resource seed-outputs/seed-show-logging-invalid-spi.txt). */
class ShowLoggingBufferTest {

  /** 2026-03-24 20:55:45.739 UTC: the seed's first buffered line. */
  private static final long SEED_TIME = Instant.parse("2026-03-24T20:55:45.739Z").toEpochMilli();

  private static final String INVALID_SPI = "%CRYPTO-4-RECV_PKT_INV_SPI: decaps: rec'd IPSEC packet has invalid spi for"
      + " destaddr=10.2.2.2, prot=51, spi=0x1214F0D(18960141), srcaddr=10.1.1.1";

  /** The seed with the guide's wrapping of long lines undone (a continuation line joins its line). */
  private static List<String> seed() throws Exception {
    List<String> raw = SeedOutput.lines("seed-show-logging-invalid-spi.txt");
    List<String> out = new java.util.ArrayList<>();
    for (String l : raw) {
      if (l.equals("disabled)") || l.startsWith("  destaddr=")) {
        out.set(out.size() - 1, out.getLast() + " " + l.strip());
      } else {
        out.add(l);
      }
    }
    return out;
  }

  @Test
  void headerAndBufferedLinesInTheSeedsLayout() throws Exception {
    List<String> seed = seed();
    LogBuffer buffer = new LogBuffer(LogBuffer.DEFAULT_BYTES);
    buffer.add(SEED_TIME, INVALID_SPI);
    List<String> ours = SeedOutput.ours(ShowLoggingBuffer.render(buffer));
    // the seed router's syslog counters are its own; ours: nothing dropped or rate-limited, 1 line logged
    List<String> expectedHeader = seed.subList(0, 8).stream()
        .map(l -> l.replace("(10 messages dropped, 13 messages rate-limited", "(0 messages dropped, 0 messages rate-limited")
            .replace("43 messages logged", "1 messages logged")
            .replace("72 message lines logged", "0 message lines logged"))
        .toList();
    assertEquals(expectedHeader, ours.subList(0, 8));
    assertEquals("Log Buffer (8000 bytes):", ours.get(7));
    assertEquals(seed.get(8), ours.get(8), "timestamp and message as IOS buffers them");
    assertEquals(9, ours.size());
  }

  @Test
  void theBufferKeepsTheNewestLinesWithinItsBytesAndCountsEveryOne() {
    LogBuffer buffer = new LogBuffer(2048);
    for (int i = 0; i < 100; i++) {
      buffer.add(SEED_TIME + i, "%CRYPTO-5-SESSION_STATUS: line " + i);
    }
    List<String> lines = buffer.lines();
    assertEquals(100, buffer.logged());
    assertTrue(lines.stream().mapToInt(l -> l.length() + 1).sum() <= 2048);
    assertTrue(lines.getLast().endsWith("line 99") && !lines.getFirst().endsWith("line 0"), lines.toString());
    // one huge line is cut, not allowed to empty the buffer
    buffer.add(SEED_TIME, "%X-1-Y: " + "x".repeat(100_000));
    assertEquals(LogBuffer.MAX_LINE_BYTES, buffer.lines().getLast().length());
    assertThrows(IllegalArgumentException.class, () -> new LogBuffer(10));
  }
}
