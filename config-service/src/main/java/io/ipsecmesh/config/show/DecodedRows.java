package io.ipsecmesh.config.show;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The decoded rows of one shared SA map, kept between {@code show} commands. Two ways to keep them current:
 * <ul>
 *   <li><b>Compared at each command</b> ({@link #all} on a map that is not followed): a row is decoded (JSON parse,
 *       MAC check, sealed components opened — tens of microseconds each) only when its stored text changed since the
 *       previous command, so a command costs a read of the whole map and a SHA-256 per row, not a decode.</li>
 *   <li><b>Followed</b> ({@link #startFollowing}, {@link #seed}, then the map's entry events through {@link #written}
 *       and {@link #removed}): the rows are those the events told, and a command only copies them — no map read, no
 *       digest. At 100 000 SAs reading the two maps and hashing every row was about half of what {@code show crypto
 *       session} took (docs/performance.md, "100 000 IKE SAs on one gateway"). Every event's text is decoded and
 *       verified as at a command, so a planted or altered row is never shown; an event that does not decode takes the
 *       row out. Hazelcast delivers a key's events in order and drops events only when its event queue overflows
 *       (which it logs): {@link #reconcile} — the compare pass, run now and then off the command path — bounds how
 *       long a row missed that way stays wrong.</li>
 * </ul>
 * What is kept per row is the SHA-256 of its text and the record, not the text itself (a few hundred bytes per SA
 * less). Thread-safe (commands run on workers, events on Hazelcast's threads): decodes run outside the lock.
 *
 * @param <T> the record type of the map's values
 */
final class DecodedRows<T> {

  /** A kept row: the digest of its text, its record, and the record as a listing prints it ({@link #listing}). */
  private record Row<T>(byte[] digest, T value, String peer, String line) implements ShowCryptoSession.Printed<T> {}

  private final Function<String, T> decode;
  /**
   * How a listing prints a row: done when the row is decoded (an event, off the command path) rather than at each
   * command; null for a table no listing prints row by row.
   */
  private final ShowCryptoSession.Listing<T> listing;
  private Map<String, Row<T>> rows = new HashMap<>();
  /**
   * During {@link #seed} (from {@link #startFollowing}) and a followed {@link #reconcile}: the rows an event removed,
   * which the pass must not bring back from its older read of the map; null otherwise.
   */
  private Set<String> removedDuringPass;
  /** The events keep the rows current: a command reads them, not the map. */
  private boolean followed;
  /** Rows decoded since this table was made (for tests: what a pass had to decode). */
  private long decodes;

  /** @param decode text → record; throws a RuntimeException for a row that does not decode (left out, reported) */
  DecodedRows(Function<String, T> decode) {
    this(decode, null);
  }

  /** @param listing how {@code show crypto session} prints a row ({@link ShowCryptoSession#IKE_SAS}, …) */
  DecodedRows(Function<String, T> decode, ShowCryptoSession.Listing<T> listing) {
    this.decode = decode;
    this.listing = listing;
  }

  private Row<T> row(byte[] digest, T value) {
    if (listing == null) {
      return new Row<>(digest, value, null, null);
    }
    String peer = listing.peer(value);
    // one string per address however many rows name it (the JVM's table lets it go with the last row)
    return new Row<>(digest, value, peer == null ? null : peer.intern(), listing.line(value));
  }

  /**
   * The records of the map's current entries (in the map's iteration order when compared, in no particular order when
   * followed); an entry that does not decode is left out and handed to {@code bad} with its error (each time it is
   * read, as it stays bad).
   */
  List<T> all(Map<String, String> map, BiConsumer<String, RuntimeException> bad) {
    List<? extends ShowCryptoSession.Printed<T>> printed = printed(map, bad);
    List<T> out = new ArrayList<>(printed.size());
    for (ShowCryptoSession.Printed<T> row : printed) {
      out.add(row.value());
    }
    return out;
  }

  /** As {@link #all}, each record with its lines as it was decoded. */
  List<? extends ShowCryptoSession.Printed<T>> printed(Map<String, String> map,
      BiConsumer<String, RuntimeException> bad) {
    synchronized (this) {
      if (followed) {
        return new ArrayList<>(rows.values());
      }
    }
    return new ArrayList<>(compare(map, bad).values());
  }

  /** As {@link #all}, by the map's keys; always read from the map (the counters map is not followed). */
  Map<String, T> byKey(Map<String, String> map, BiConsumer<String, RuntimeException> bad) {
    Map<String, Row<T>> read = compare(map, bad);
    Map<String, T> out = new LinkedHashMap<>(Math.max(16, read.size() * 4 / 3 + 1));
    read.forEach((key, row) -> out.put(key, row.value()));
    return out;
  }

  /** Reads the map and decodes the rows whose text changed since the last read: the rows by key, in the map's order. */
  private synchronized Map<String, Row<T>> compare(Map<String, String> map, BiConsumer<String, RuntimeException> bad) {
    Map<String, Row<T>> next = new LinkedHashMap<>(Math.max(16, rows.size() * 4 / 3 + 1));
    MessageDigest sha = sha256();
    for (Map.Entry<String, String> e : map.entrySet()) {
      byte[] digest = sha.digest(e.getValue().getBytes(StandardCharsets.UTF_8));
      Row<T> row = rows.get(e.getKey());
      if (row == null || !MessageDigest.isEqual(row.digest(), digest)) {
        try {
          decodes++;
          row = row(digest, decode.apply(e.getValue()));
        } catch (RuntimeException failed) {
          bad.accept(e.getKey(), failed);
          continue;
        }
      }
      next.put(e.getKey(), row);
    }
    rows = next;
    return next;
  }

  /**
   * Compares the kept rows with the map once (SHA-256 of each row's text) and brings those that differ up to date: a
   * row whose event was lost. Followed, the pass reads, hashes and decodes without holding the lock (the events are
   * not held up for the second it takes at 100 000 rows) and changes a row only if no event changed it meanwhile —
   * an event is never older than this pass's read of its key. Not followed, it is a command's compare.
   */
  void reconcile(Map<String, String> map, BiConsumer<String, RuntimeException> bad) {
    if (!followed()) {
      compare(map, bad);
      return;
    }
    Map<String, Row<T>> before;
    synchronized (this) {
      before = new HashMap<>(rows);
      removedDuringPass = new HashSet<>();
    }
    try {
      MessageDigest sha = sha256();
      java.util.Set<String> inMap = new HashSet<>(Math.max(16, before.size() * 4 / 3 + 1));
      for (Map.Entry<String, String> e : map.entrySet()) {
        String key = e.getKey();
        inMap.add(key);
        byte[] digest = sha.digest(e.getValue().getBytes(StandardCharsets.UTF_8));
        Row<T> old = before.get(key);
        if (old != null && MessageDigest.isEqual(old.digest(), digest)) {
          continue;
        }
        Row<T> row;
        try {
          row = row(digest, decode.apply(e.getValue()));
        } catch (RuntimeException failed) {
          bad.accept(key, failed);
          row = null;
        }
        synchronized (this) {
          decodes++;
          if (rows.get(key) == old && !removedDuringPass.contains(key)) { // no event changed it since the copy above
            if (row == null) {
              rows.remove(key);
            } else {
              rows.put(key, row);
            }
          }
        }
      }
      synchronized (this) {
        for (Map.Entry<String, Row<T>> kept : before.entrySet()) {
          if (!inMap.contains(kept.getKey())) {
            rows.remove(kept.getKey(), kept.getValue()); // gone from the map, unless an event wrote it again since
          }
        }
      }
    } finally {
      synchronized (this) {
        removedDuringPass = null;
      }
    }
  }

  /**
   * From now on the map's entry events arrive ({@link #written}, {@link #removed}): call before the listener is added,
   * then {@link #seed} with the map's rows. Until the seed is done, commands still compare at each call.
   */
  synchronized void startFollowing() {
    removedDuringPass = new HashSet<>();
  }

  /**
   * Reads the map once and keeps the rows the events have not told of yet; from then on the events alone keep the
   * rows and commands no longer read the map. A row an event wrote or removed while the seed ran is the event's (the
   * seed may have read an older text). Decodes outside the lock, so the events are not held up by it.
   */
  void seed(Map<String, String> map, BiConsumer<String, RuntimeException> bad) {
    boolean done = false;
    try {
      MessageDigest sha = sha256();
      for (Map.Entry<String, String> e : map.entrySet()) {
        String key = e.getKey();
        synchronized (this) {
          if (rows.containsKey(key) || removedDuringPass.contains(key)) {
            continue;
          }
        }
        byte[] digest = sha.digest(e.getValue().getBytes(StandardCharsets.UTF_8));
        Row<T> row;
        try {
          row = row(digest, decode.apply(e.getValue()));
        } catch (RuntimeException failed) {
          bad.accept(key, failed);
          continue;
        }
        synchronized (this) {
          decodes++;
          if (!rows.containsKey(key) && !removedDuringPass.contains(key)) {
            rows.put(key, row);
          }
        }
      }
      done = true;
    } finally {
      synchronized (this) {
        removedDuringPass = null;
        followed = done; // a seed that failed leaves the commands comparing with the map, as before
      }
    }
  }

  /** Rows held (followed or from the last read). */
  synchronized int size() {
    return rows.size();
  }

  /** Whether commands read the rows the events keep ({@link #seed} done) rather than the map. */
  synchronized boolean followed() {
    return followed;
  }

  /**
   * A row was written (a shared-map listener's event): decode it now. Followed, the row is then what commands show;
   * before that, only a head start for the command's compare. A row that does not decode is reported and taken out
   * (the map no longer holds the text the kept record came from).
   */
  void written(String key, String text, BiConsumer<String, RuntimeException> bad) {
    byte[] digest = sha256().digest(text.getBytes(StandardCharsets.UTF_8));
    synchronized (this) {
      Row<T> row = rows.get(key);
      if (row != null && MessageDigest.isEqual(row.digest(), digest)) {
        return;
      }
    }
    Row<T> row;
    try {
      row = row(digest, decode.apply(text)); // outside the lock: a command is not held up by it
    } catch (RuntimeException failed) {
      synchronized (this) {
        rows.remove(key);
      }
      bad.accept(key, failed);
      return;
    }
    synchronized (this) {
      decodes++;
      rows.put(key, row);
    }
  }

  /** A row was deleted from the map. */
  synchronized void removed(String key) {
    rows.remove(key);
    if (removedDuringPass != null) {
      removedDuringPass.add(key);
    }
  }

  /** The map was cleared (or evicted as a whole). */
  synchronized void cleared() {
    if (removedDuringPass != null) {
      removedDuringPass.addAll(rows.keySet());
    }
    rows.clear();
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
