package io.ipsecmesh.esp.fwd;

import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.SharedMaps;
import java.io.IOException;
import java.util.concurrent.ConcurrentMap;

/**
 * Reserves blocks of outbound ESP sequence numbers before they are used, so no number is ever sent twice
 * under one key (a repeated number is a repeated nonce for the AEADs, RFC 4106 §2): not after a crash, not by a
 * forwarder that takes the SA over. Negotiated SAs reserve in {@link SharedMaps#SEQUENCE_RESERVATIONS}
 * (keyed by {@link ChildSa#saId()}, never by the peer-chosen SPI alone), with a compare-and-set loop so
 * concurrent forwarders get disjoint blocks. Manual SAs, which nothing can rekey and which come back with the
 * same keys after a restart, also write each block to their {@link ManualSequenceFile} before use: the
 * block starts above both high-water marks. Blocking when the map is Hazelcast's or the file is written:
 * call from a worker.
 */
public final class SequenceReservations {

  /** Numbers per reservation: about 15 s of a 10 Gbit/s SA of 1400-byte packets. */
  public static final long BLOCK = 1L << 20;
  static final long MAX_32 = 0xFFFF_FFFFL;

  private final ConcurrentMap<String, String> map;
  /** Null when the forwarder has no state directory: manual SAs then cannot prove a high-water mark. */
  private final ManualSequenceFile manualFile;

  public SequenceReservations(ConcurrentMap<String, String> map, ManualSequenceFile manualFile) {
    this.map = map;
    this.manualFile = manualFile;
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
    while (true) {
      String current = map.get(key);
      long top = Math.max(durable, current == null ? 0 : Long.parseLong(current));
      if (top >= max) {
        return new Block(max, max - 1); // exhausted: first > last
      }
      long first = top + 1;
      long last = first > max - BLOCK + 1 ? max : first + BLOCK - 1;
      String next = Long.toString(last);
      boolean won = current == null ? map.putIfAbsent(key, next) == null : map.replace(key, current, next);
      if (won) {
        if (manual) {
          manualFile.record(key, last); // on disk before any number of the block is sent
        }
        return new Block(first, last);
      }
    }
  }

  /**
   * Forgets a negotiated SA's reservations once it is deleted everywhere (its keys are gone, nothing can send
   * on it again). A manual SA's are kept: the same keys come back with the configuration.
   */
  public void release(ChildSa sa) {
    map.remove(sa.saId());
  }
}
