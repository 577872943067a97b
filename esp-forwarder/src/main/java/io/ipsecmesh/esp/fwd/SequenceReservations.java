package io.ipsecmesh.esp.fwd;

import io.ipsecmesh.proto.bus.RecordJson;
import io.ipsecmesh.proto.runtime.Metrics;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.SequenceReservation;
import io.ipsecmesh.proto.sa.SharedMaps;
import com.hazelcast.map.IMap;
import io.prometheus.metrics.core.metrics.Counter;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * Reserves blocks of outbound ESP sequence numbers before they are used, so no number is ever sent twice
 * under one key (a repeated number is a repeated nonce for the AEADs, RFC 4106 §2): not after a crash, not by a
 * forwarder that takes the SA over. Negotiated SAs reserve in {@link SharedMaps#SEQUENCE_RESERVATIONS}
 * (keyed by {@link ChildSa#saId()}, never by the peer-chosen SPI alone), with a compare-and-set loop so
 * concurrent forwarders get disjoint blocks. Manual SAs, which nothing can rekey and which come back with the
 * same keys after a restart, also write each block to their {@link ManualSequenceFile} before use: the
 * block starts above both high-water marks. Blocking when the map is Hazelcast's or the file is written:
 * call from a worker.
 *
 * <p>Hazelcast has no authentication (docs/security.md): each entry is a {@link SequenceReservation} with a
 * {@code $mac} under the KEK that covers the SA id it belongs to. An entry that is not such a record, whose MAC
 * does not verify (lowered, planted, written under another KEK), that names another SA than its key (copied
 * from another entry), or that is lower than a mark this process saw for the SA (an older genuine record put
 * back, or the entry deleted) is refused: no block, so the SA sends nothing and asks for a rekey
 * ({@link SaInstaller}); counted in {@code ipsecmesh_esp_seq_reservation_refused_total{reason}}. An older
 * genuine record put back before this process saw a newer one cannot be told from the newest: see
 * docs/security.md, "Sequence-number reservations", for how that is bounded.
 */
public final class SequenceReservations {

  /** Numbers per reservation: about 15 s of a 10 Gbit/s SA of 1400-byte packets. */
  public static final long BLOCK = 1L << 20;
  static final long MAX_32 = 0xFFFF_FFFFL;
  /**
   * A deleted SA's high-water mark outlives its hard lifetime by this much: covers clocks of the members that
   * differ (the installer's expiry check and Hazelcast's TTL run on different ones) and a deletion late by a
   * lifetime timer tick.
   */
  public static final long TOMBSTONE_MARGIN_SECONDS = 600;

  /** Lets a key expire after some seconds, its value kept until then. */
  public interface Expiry {
    void expireAfter(String key, long seconds);
  }

  /** Marks remembered per process to detect a rolled-back entry; the oldest are forgotten beyond this. */
  static final int SEEN_REMEMBERED = 65_536;
  private static final Counter REFUSED = Counter.builder()
      .name("ipsecmesh_esp_seq_reservation_refused_total")
      .help("sequence-number reservation entries refused: unauthenticated = not a record or $mac does not verify, "
          + "wrong-key = the record of another SA, rollback = lower than (or gone after) a mark this process saw")
      .labelNames("reason")
      .register(Metrics.registry());

  /** A reservation entry that must not be believed: the SA gets no numbers from it. */
  public static final class RefusedReservation extends RuntimeException {
    private final String reason;

    RefusedReservation(String reason, String message) {
      super(message, null, false, false);
      this.reason = reason;
    }

    /** {@code unauthenticated}, {@code wrong-key} or {@code rollback}: the metric's label. */
    public String reason() {
      return reason;
    }
  }

  private final ConcurrentMap<String, String> map;
  /** SA id → the highest mark this process read or wrote for it (rollback detection); bounded, oldest go first. */
  private final Map<String, Long> seen = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
      return size() > SEEN_REMEMBERED;
    }
  });
  /** Null when the forwarder has no state directory: manual SAs then cannot prove a high-water mark. */
  private final ManualSequenceFile manualFile;
  /** Null when the map is this process's alone (no cluster): nothing else can put an old SA back into it. */
  private final Expiry expiry;

  /** On Hazelcast's map a deleted SA's mark stays as a tombstone with a TTL; on a local map it goes. */
  public SequenceReservations(ConcurrentMap<String, String> map, ManualSequenceFile manualFile) {
    this(map, manualFile, map instanceof IMap<String, String> imap
        ? (key, seconds) -> imap.setTtl(key, seconds, TimeUnit.SECONDS) : null);
  }

  public SequenceReservations(ConcurrentMap<String, String> map, ManualSequenceFile manualFile, Expiry expiry) {
    this.map = map;
    this.manualFile = manualFile;
    this.expiry = expiry;
  }

  /** A reserved block {@code [first, last]}; {@code first > last} when the sequence space is exhausted. */
  public record Block(long first, long last) {
    public boolean exhausted() {
      return first > last;
    }
  }

  /**
   * The next block of {@code sa}'s outbound numbers, durably recorded before it is returned.
   *
   * @throws IOException when a manual SA's high-water mark cannot be read or written (the caller must not
   *     send on the SA then)
   * @throws RuntimeException when the shared map fails (Hazelcast unreachable, …): no numbers either
   */
  public Block reserve(ChildSa sa, boolean manual) throws IOException {
    String key = sa.saId();
    long max = sa.esn() ? Long.MAX_VALUE : MAX_32;
    long durable = 0;
    if (manual) {
      if (manualFile == null) {
        throw new IOException("no state directory for the high-water mark of manual SAs");
      }
      durable = manualFile.highWater(key);
    }
    if (!manual && !seen.containsKey(key)) {
      // a new negotiated SA, the common case (one per Child SA set up): claim the first block in one operation
      // instead of a get and then a putIfAbsent; an entry already there is returned and goes the checked way below
      long last = Math.min(BLOCK, max);
      String existing = map.putIfAbsent(key, encode(key, last));
      if (existing == null) {
        seen.merge(key, last, Math::max);
        return new Block(1, last);
      }
    }
    while (true) {
      String current = map.get(key);
      long top = Math.max(durable, current == null ? absent(key) : verified(key, current));
      if (top >= max) {
        return new Block(max, max - 1); // exhausted: first > last
      }
      long first = top + 1;
      long last = first > max - BLOCK + 1 ? max : first + BLOCK - 1;
      String next = encode(key, last);
      boolean won = current == null ? map.putIfAbsent(key, next) == null : map.replace(key, current, next);
      if (won) {
        if (manual) {
          manualFile.record(key, last); // on disk before any number of the block is sent
        }
        seen.merge(key, last, Math::max);
        return new Block(first, last);
      }
    }
  }

  /** The map's value for {@code saId}'s mark {@code highWater}: the record's JSON with its {@code $mac}. */
  public static String encode(String saId, long highWater) {
    return RecordJson.toJson(new SequenceReservation(saId, highWater)).encode();
  }

  /**
   * The mark of the entry {@code value} read under {@code key}, after checking it is a genuine record of that SA
   * and not below what this process saw.
   *
   * @throws RefusedReservation (counted) otherwise; the message never contains the entry
   */
  long verified(String key, String value) {
    SequenceReservation r;
    try {
      r = RecordJson.fromJson(new JsonObject(value), SequenceReservation.class);
    } catch (DecodeException | IllegalArgumentException | ClassCastException e) {
      throw refuse("unauthenticated", "the reservation of SA " + key + " is not authentic (not a record, or its "
          + "$mac does not verify: altered, planted, or written under another KEK)");
    }
    if (!r.saId().equals(key)) {
      throw refuse("wrong-key", "the reservation stored for SA " + key + " is the record of another SA");
    }
    Long before = seen.get(key);
    if (before != null && r.highWater() < before) {
      throw refuse("rollback", "the reservation of SA " + key + " went back below " + before
          + " (an older record put back)");
    }
    return r.highWater();
  }

  /** No entry for {@code key}: fine for a new SA, a rollback when this process saw a mark of it. */
  private long absent(String key) {
    Long before = seen.get(key);
    if (before != null) {
      throw refuse("rollback", "the reservation of SA " + key + " is gone although " + before
          + " was reserved (deleted from the map)");
    }
    return 0;
  }

  private static RefusedReservation refuse(String reason, String message) {
    REFUSED.labelValues(reason).inc();
    return new RefusedReservation(reason, message);
  }

  /** How many entries reservations of this JVM refused for {@code reason} (tests). */
  static double refused(String reason) {
    return REFUSED.labelValues(reason).get();
  }

  /**
   * A negotiated SA was deleted everywhere: its reservation's high-water mark stays as a tombstone until the SA's
   * hard lifetime (from its creation) is over plus {@link #TOMBSTONE_MARGIN_SECONDS}. Anyone on the Hazelcast
   * port can put the old, validly sealed record back into {@link SharedMaps#CHILD_SAS}; until then a forwarder
   * that installs it resumes above every number it sent, and after then {@link SaInstaller} refuses it as
   * expired: never sequence 1 again under the old key (the same AES-GCM nonce, RFC 4106 §2 and §8.1). An SA
   * without a time lifetime keeps its tombstone. Without a cluster the mark goes at once (nothing else reaches
   * the map). A manual SA's reservations are kept: the same keys come back with the configuration.
   */
  public void retire(ChildSa sa, long nowMillis) {
    if (expiry == null) {
      map.remove(sa.saId());
      seen.remove(sa.saId());
      return;
    }
    long ttl = tombstoneSeconds(sa, nowMillis);
    if (ttl > 0) {
      expiry.expireAfter(sa.saId(), ttl);
    }
  }

  /** The tombstone's TTL in seconds, 0 for none (kept): remaining hard lifetime, at least 0, plus the margin. */
  static long tombstoneSeconds(ChildSa sa, long nowMillis) {
    long hard = sa.lifetime() == null ? 0 : sa.lifetime().hardSeconds();
    if (hard <= 0) {
      return 0;
    }
    long remainingMillis = Math.max(0, sa.createdEpochMillis() + hard * 1000 - nowMillis);
    return (remainingMillis + 999) / 1000 + TOMBSTONE_MARGIN_SECONDS;
  }
}
