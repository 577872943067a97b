package io.ipsecmesh.config.show;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

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

  private static final java.util.function.BiConsumer<String, RuntimeException> NOT_BAD =
      (key, bad) -> fail("unexpected undecodable row " + key);

  private List<String> command() {
    return rows.all(map, (key, bad) -> { });
  }

  @Test
  void writeEventsDecodeAheadOfTheCommand() {
    map.put("a", "a1");
    rows.written("a", "a1", NOT_BAD);
    map.put("b", "b1");
    rows.written("b", "b1", NOT_BAD);
    assertEquals(2, rows.decodes());
    assertEquals(List.of("A1", "B1"), command().stream().sorted().toList());
    assertEquals(2, rows.decodes(), "the command found both decoded");
    rows.written("a", "a1", NOT_BAD);
    assertEquals(2, rows.decodes(), "the same text again is not decoded again");
  }

  @Test
  void aStaleLostOrBadEventNeverShowsAnythingButTheMapsRows() {
    map.put("a", "a2");
    rows.written("a", "a1", NOT_BAD); // an event older than the map's current text
    map.put("b", "b1"); // its event lost
    map.put("c", "bad-c");
    rows.written("c", "bad-c", (key, bad) -> { }); // undecodable: left to the command to report
    rows.written("d", "d1", NOT_BAD);
    rows.removed("d"); // written, then deleted
    assertEquals(List.of("A2", "B1"), command().stream().sorted().toList());
    map.remove("a");
    rows.removed("a");
    assertEquals(List.of("B1"), command());
  }

  /** A map whose reads are counted: a followed command must not read it at all. */
  private final Map<String, String> counted = new java.util.AbstractMap<>() {
    @Override
    public java.util.Set<Entry<String, String>> entrySet() {
      reads++;
      return map.entrySet();
    }
  };
  private int reads;

  @Test
  void followedRowsAreServedFromTheEventsWithoutReadingTheMap() {
    map.put("a", "a1");
    map.put("b", "b1");
    rows.startFollowing();
    assertFalse(rows.followed(), "until the seed is done, commands compare with the map");
    rows.seed(counted, NOT_BAD);
    assertTrue(rows.followed());
    assertEquals(1, reads, "the seed reads the map once");
    map.put("c", "c1");
    rows.written("c", "c1", NOT_BAD);
    map.put("a", "a2");
    rows.written("a", "a2", NOT_BAD);
    map.remove("b");
    rows.removed("b");
    assertEquals(List.of("A2", "C1"), rows.all(counted, NOT_BAD).stream().sorted().toList());
    assertEquals(1, reads, "a followed command reads no row of the map");
    assertEquals(4, rows.decodes(), "a1 and b1 at the seed, then c1 and a2 from their events; nothing at the command");
  }

  @Test
  void whatAnEventSaysWhileTheSeedRunsWinsOverTheSeedsOlderRead() {
    map.put("a", "a1");
    map.put("b", "b1");
    map.put("c", "c1");
    rows.startFollowing();
    // the seed's read of the map is older than these events (it read before the writes reached the map)
    Map<String, String> readBeforeTheEvents = new java.util.LinkedHashMap<>(map);
    rows.written("a", "a2", NOT_BAD);
    rows.removed("b");
    rows.seed(readBeforeTheEvents, NOT_BAD);
    assertEquals(List.of("A2", "C1"), command().stream().sorted().toList(), "a: the event's text; b: removed");
  }

  @Test
  void anEventThatDoesNotDecodeTakesTheFollowedRowOutAndIsReported() {
    map.put("a", "a1");
    rows.startFollowing();
    rows.seed(map, NOT_BAD);
    List<String> reported = new java.util.ArrayList<>();
    rows.written("a", "bad-a", (key, bad) -> reported.add(key));
    assertEquals(List.of("a"), reported);
    assertEquals(List.of(), command(), "the kept a1 is no longer the map's text: not shown");
  }

  @Test
  void aReconcileRepairsARowWhoseEventWasLost() {
    map.put("a", "a1");
    rows.startFollowing();
    rows.seed(map, NOT_BAD);
    map.put("a", "a2"); // its event dropped (Hazelcast's event queue full)
    map.put("b", "b1"); // likewise
    assertEquals(List.of("A1"), command(), "followed: the rows the events told");
    rows.reconcile(map, NOT_BAD);
    assertEquals(List.of("A2", "B1"), command().stream().sorted().toList());
    assertTrue(rows.followed(), "and it goes on following");
  }

  @Test
  void aReconcileNeverUndoesWhatAnEventSaidDuringItsPass() {
    map.put("a", "a1");
    map.put("b", "b1");
    rows.startFollowing();
    rows.seed(map, NOT_BAD);
    map.put("c", "c1"); // its event lost: the reconcile brings it
    // the reconcile's read of the map is older than two events that arrive while it runs
    Map<String, String> readBeforeTheEvents = new java.util.AbstractMap<>() {
      @Override
      public java.util.Set<Entry<String, String>> entrySet() {
        java.util.Set<Entry<String, String>> old = new java.util.LinkedHashSet<>(
            List.of(Map.entry("a", "a1"), Map.entry("b", "b1"), Map.entry("c", "c1")));
        rows.written("a", "a2", NOT_BAD);
        rows.removed("b");
        return old;
      }
    };
    rows.reconcile(readBeforeTheEvents, NOT_BAD);
    assertEquals(List.of("A2", "C1"), command().stream().sorted().toList(),
        "a: the event's newer text; b: removed by its event, not brought back; c: repaired");
  }

  @Test
  void aRowsLineIsPrintedWhenItIsDecodedNotAtEachCommand() {
    java.util.concurrent.atomic.AtomicInteger printed = new java.util.concurrent.atomic.AtomicInteger();
    DecodedRows<String> lined = new DecodedRows<>(String::toUpperCase, new ShowCryptoSession.Listing<>() {
      @Override
      public String peer(String value) {
        return new String(value.substring(0, 1)); // a new string per row, as a decoded record has
      }

      @Override
      public String line(String value) {
        printed.incrementAndGet();
        return "  " + value + "\n";
      }
    });
    map.put("a", "a1");
    lined.startFollowing();
    lined.seed(map, NOT_BAD);
    lined.written("b", "b1", NOT_BAD);
    assertEquals(2, printed.get(), "one line per decode: the seed's row and the event's");
    for (int i = 0; i < 3; i++) {
      assertEquals(java.util.Set.of("A1=  A1\n", "B1=  B1\n"), lined.printed(map, NOT_BAD).stream()
          .map(r -> r.value() + "=" + r.line()).collect(java.util.stream.Collectors.toSet()));
    }
    assertEquals(2, printed.get(), "commands copy the lines");
    lined.written("a", "a2", NOT_BAD);
    assertEquals(3, printed.get(), "a changed row is printed again with its decode");
    assertTrue(lined.printed(map, NOT_BAD).stream().anyMatch(r -> r.line().equals("  A2\n")));
    lined.written("c", "a3", NOT_BAD);
    List<? extends ShowCryptoSession.Printed<String>> two = lined.printed(map, NOT_BAD).stream()
        .filter(r -> r.peer().equals("A")).toList();
    assertEquals(2, two.size());
    assertTrue(two.get(0).peer() == two.get(1).peer(), "one string per peer, shared by its rows");
  }
}
