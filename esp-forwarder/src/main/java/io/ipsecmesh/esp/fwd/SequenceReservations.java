package io.ipsecmesh.esp.fwd;

import io.ipsecmesh.proto.sa.SharedMaps;
import java.util.concurrent.ConcurrentMap;

/**
 * Reserves blocks of outbound ESP sequence numbers in {@link SharedMaps#SEQUENCE_RESERVATIONS}
 * (outbound SPI → highest reserved number) before they are used, so no number is ever sent twice
 * under one key: not after a crash, not by a forwarder that takes the SA over (it starts above the
 * last reservation). A compare-and-set loop on the shared map makes concurrent reservations safe.
 * Blocking when the map is Hazelcast's: call from a worker.
 */
public final class SequenceReservations {

  /** Numbers per reservation: about 15 s of a 10 Gbit/s SA of 1400-byte packets. */
  public static final long BLOCK = 1L << 20;
  private static final long MAX_32 = 0xFFFF_FFFFL;

  private final ConcurrentMap<String, String> map;

  public SequenceReservations(ConcurrentMap<String, String> map) {
    this.map = map;
  }

  /** A reserved block {@code [first, last]}; {@code first > last} when the sequence space is exhausted. */
  public record Block(long first, long last) {}

  public Block reserve(long outboundSpi, boolean esn) {
    String key = SharedMaps.spiKey(outboundSpi);
    long max = esn ? Long.MAX_VALUE : MAX_32;
    while (true) {
      String current = map.get(key);
      long top = current == null ? 0 : Long.parseLong(current);
      long first = top + 1;
      long last = Math.min(max, first + BLOCK - 1);
      if (first > max) {
        return new Block(first, max);
      }
      String next = Long.toString(last);
      boolean won = current == null ? map.putIfAbsent(key, next) == null : map.replace(key, current, next);
      if (won) {
        return new Block(first, last);
      }
    }
  }

  /** Forgets an SA's reservations once it is deleted. */
  public void release(long outboundSpi) {
    map.remove(SharedMaps.spiKey(outboundSpi));
  }
}
