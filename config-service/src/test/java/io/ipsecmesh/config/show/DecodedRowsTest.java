package io.ipsecmesh.config.show;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * Rows decoded ahead of a command, from the map's write events: the command then decodes nothing it was told about,
 * and an event that is stale, lost or undecodable never makes it show anything but the map's current rows.
 */
class DecodedRowsTest {

  private final Map<String, String> map = new ConcurrentHashMap<>();
  /** "text" → TEXT; "bad…" does not decode. */
  private final DecodedRows<String> rows = new DecodedRows<>(text -> {
    if (text.startsWith("bad")) {
      throw new IllegalArgumentException("does not decode");
    }
    return text.toUpperCase();
  });

  private List<String> command() {
    return rows.all(map, (key, bad) -> { });
  }

  @Test
  void writeEventsDecodeAheadOfTheCommand() {
    map.put("a", "a1");
    rows.written("a", "a1");
    map.put("b", "b1");
    rows.written("b", "b1");
    assertEquals(2, rows.decodes());
    assertEquals(List.of("A1", "B1"), command().stream().sorted().toList());
    assertEquals(2, rows.decodes(), "the command found both decoded");
    rows.written("a", "a1");
    assertEquals(2, rows.decodes(), "the same text again is not decoded again");
  }

  @Test
  void aStaleLostOrBadEventNeverShowsAnythingButTheMapsRows() {
    map.put("a", "a2");
    rows.written("a", "a1"); // an event older than the map's current text
    map.put("b", "b1"); // its event lost
    map.put("c", "bad-c");
    rows.written("c", "bad-c"); // undecodable: left to the command to report
    rows.written("d", "d1");
    rows.removed("d"); // written, then deleted
    assertEquals(List.of("A2", "B1"), command().stream().sorted().toList());
    map.remove("a");
    rows.removed("a");
    assertEquals(List.of("B1"), command());
  }
}
