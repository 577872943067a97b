package io.ipsecmesh.config.show;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The decoded rows of one shared SA map, kept between {@code show} commands: a row is decoded (JSON parse, MAC check,
 * sealed components opened — tens of microseconds each) only when its stored text changed since the previous
 * command, so a {@code show} over 100 000 SAs that mostly stand still costs a digest per row, not a decode. What is
 * kept per row is the SHA-256 of its text and the record, not the text itself (a few hundred bytes per SA less): a
 * row whose text changes gets a new digest and is decoded and verified again, so nothing planted or altered in the
 * map is shown without the decode's checks. Rows gone from the map are dropped at the next pass. Thread-safe (the
 * commands run on workers, possibly at once): one pass at a time.
 *
 * @param <T> the record type of the map's values
 */
final class DecodedRows<T> {

  private record Row<T>(byte[] digest, T value) {}

  private final Function<String, T> decode;
  private Map<String, Row<T>> rows = new HashMap<>();
  /** Rows decoded since this table was made (for tests: what a pass had to decode). */
  private long decodes;

  /** @param decode text → record; throws a RuntimeException for a row that does not decode (left out, reported) */
  DecodedRows(Function<String, T> decode) {
    this.decode = decode;
  }

  /**
   * The records of the map's current entries, in the map's iteration order; an entry that does not decode is left
   * out and handed to {@code bad} with its error (each time it is read, as it stays bad).
   */
  List<T> all(Map<String, String> map, BiConsumer<String, RuntimeException> bad) {
    return new ArrayList<>(byKey(map, bad).values());
  }

  /** As {@link #all}, by the map's keys. */
  synchronized Map<String, T> byKey(Map<String, String> map, BiConsumer<String, RuntimeException> bad) {
    Map<String, Row<T>> next = new HashMap<>(Math.max(16, rows.size() * 4 / 3 + 1));
    Map<String, T> out = new LinkedHashMap<>(Math.max(16, rows.size() * 4 / 3 + 1));
    MessageDigest sha = sha256();
    for (Map.Entry<String, String> e : map.entrySet()) {
      byte[] digest = sha.digest(e.getValue().getBytes(StandardCharsets.UTF_8));
      Row<T> row = rows.get(e.getKey());
      if (row == null || !MessageDigest.isEqual(row.digest(), digest)) {
        try {
          decodes++;
          row = new Row<>(digest, decode.apply(e.getValue()));
        } catch (RuntimeException failed) {
          bad.accept(e.getKey(), failed);
          continue;
        }
      }
      next.put(e.getKey(), row);
      out.put(e.getKey(), row.value());
    }
    rows = next;
    return out;
  }

  /**
   * A row was written (a shared-map listener's event): decode it now, so the next command finds it decoded. Only a
   * head start — the command still compares every row's digest with the map's current text — so a lost, late or
   * reordered event costs a decode at the command, never a wrong row. A row that does not decode is left for the
   * command to report.
   */
  void written(String key, String text) {
    byte[] digest = sha256().digest(text.getBytes(StandardCharsets.UTF_8));
    synchronized (this) {
      Row<T> row = rows.get(key);
      if (row != null && MessageDigest.isEqual(row.digest(), digest)) {
        return;
      }
    }
    T value;
    try {
      value = decode.apply(text); // outside the lock: a command is not held up by it
    } catch (RuntimeException bad) {
      return;
    }
    synchronized (this) {
      decodes++;
      rows.put(key, new Row<>(digest, value));
    }
  }

  /** A row was deleted from the map. */
  synchronized void removed(String key) {
    rows.remove(key);
  }

  synchronized long decodes() {
    return decodes;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }
}
