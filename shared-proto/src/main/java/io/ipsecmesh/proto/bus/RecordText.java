package io.ipsecmesh.proto.bus;

import io.ipsecmesh.proto.kek.Kek;
import io.ipsecmesh.proto.kek.ProcessKek;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;

/**
 * The text form of the records kept in the shared maps ({@code ipsec.child-sa}, {@code ipsec.ike-sa}): {@link
 * RecordJson} encoded to a string, and back. It remembers the last {@value #REMEMBERED} texts this process wrote with
 * {@link #write} together with the record each was made from, so that reading one of them back ({@link #read}) hands
 * out that record instead of parsing the JSON, opening its sealed components and checking its MAC again.
 *
 * <p>Why: in {@code ipsec-mesh run} ike-service writes each Child SA and IKE SA row, and the same process's entry
 * listeners (the forwarder's, config-service's {@code show} rows) get the text straight back on Hazelcast's event
 * threads; decoding it there was the largest part of Hazelcast's CPU per IKE SA (docs/performance.md, "Issue 14,
 * item 1: second round"). The record they get is the one the bus already hands to the local consumers.
 *
 * <p>Why it is safe: a text is taken from memory only when it equals, character for character, one this process
 * made under the KEK it still holds; decoding that text would yield the same record, and its MAC and sealed
 * components verify by construction. Any other text — written by another process, planted, altered, or made under
 * another KEK — is not found and goes through {@link RecordJson#fromJson} with all its checks. What is remembered is
 * the records and their sealed text, which hold wrapped keys only (as the bus messages do), never a clear key.
 */
public final class RecordText {

  /** Texts remembered: a few seconds of writes at full load, read back within milliseconds by the listeners. */
  static final int REMEMBERED = 1024;

  private record Written(Kek kek, Record record) {}

  private static final Object LOCK = new Object();
  /** text → what it was made from. Guarded by {@link #LOCK}. */
  private static final Map<String, Written> BY_TEXT = new HashMap<>(REMEMBERED * 2);
  /** The remembered texts in the order written, oldest at {@link #next} once full. Guarded by {@link #LOCK}. */
  private static final String[] RING = new String[REMEMBERED];
  private static int next;

  private RecordText() {}

  /** {@code RecordJson.toJson(record).encode()}, remembered for {@link #read}. */
  public static String write(Record record) {
    String text = RecordJson.toJson(record).encode();
    Written w = new Written(ProcessKek.current(), record);
    synchronized (LOCK) {
      String old = RING[next];
      if (old != null) {
        BY_TEXT.remove(old);
      }
      RING[next] = text;
      next = (next + 1) % REMEMBERED;
      BY_TEXT.put(text, w);
    }
    return text;
  }

  /**
   * The record of {@code text}: the one it was written from when this process wrote it under its current KEK,
   * otherwise decoded and verified by {@link RecordJson#fromJson} (which throws for text that does not decode, does
   * not open or fails its MAC).
   */
  public static <T extends Record> T read(String text, Class<T> type) {
    Written w;
    synchronized (LOCK) {
      w = BY_TEXT.get(text);
    }
    if (w != null && w.record().getClass() == type && w.kek() == ProcessKek.current()) {
      return type.cast(w.record());
    }
    return RecordJson.fromJson(new JsonObject(text), type);
  }

  /** Forgets every remembered text (tests). */
  static void forget() {
    synchronized (LOCK) {
      BY_TEXT.clear();
      java.util.Arrays.fill(RING, null);
      next = 0;
    }
  }
}
