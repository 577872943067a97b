package io.ipsecmesh.ike.engine;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The "built-in mechanism" against the DoS risk the seed names for {@code crypto isakmp
 * invalid-spi-recovery}: an attacker who sprays ESP with made-up SPIs must not make us send a notify
 * per packet, nor set up IKE SAs at will. Per peer at most one INVALID_SPI notify a second and one IKE
 * SA set up for recovery every ten seconds; over all peers at most {@link #GLOBAL_PER_SECOND} of either
 * a second. Only peers we have a policy for ({@code set peer}) ever get a new IKE SA, so a spoofed
 * source address never makes us initiate to an address of the attacker's choosing. The forwarder
 * already limits its {@code fwd.invalid-spi} signals (one per source a second, ten a second in all);
 * these limits also hold when several forwarders report to one ike-service.
 */
final class InvalidSpiLimiter {

  static final long NOTIFY_INTERVAL_MILLIS = 1_000;
  static final long INITIATE_INTERVAL_MILLIS = 10_000;
  static final int GLOBAL_PER_SECOND = 20;
  /** Peers remembered; the oldest entry goes first, so a flood of sources cannot grow the table. */
  static final int MAX_PEERS = 4096;

  private final LongSupplier clock;
  private final Map<String, long[]> peers = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
      return size() > MAX_PEERS;
    }
  };
  private long windowStart = Long.MIN_VALUE;
  private int inWindow;
  private long refused;

  InvalidSpiLimiter(LongSupplier clock) {
    this.clock = clock;
  }

  /** Whether a notify to {@code peer} may go now (and counts it if so). */
  boolean allowNotify(String peer) {
    return allow(peer, 0, NOTIFY_INTERVAL_MILLIS);
  }

  /** Whether an IKE SA may be set up with {@code peer} for recovery now (and counts it if so). */
  boolean allowInitiate(String peer) {
    return allow(peer, 1, INITIATE_INTERVAL_MILLIS);
  }

  /** Invalid-SPI reports that were refused by a limit. */
  long refused() {
    return refused;
  }

  private boolean allow(String peer, int slot, long interval) {
    long now = clock.getAsLong();
    long[] last = peers.computeIfAbsent(peer, p -> new long[] {Long.MIN_VALUE, Long.MIN_VALUE});
    if (last[slot] != Long.MIN_VALUE && now - last[slot] < interval) {
      refused++;
      return false;
    }
    if (windowStart == Long.MIN_VALUE || now - windowStart >= 1000) {
      windowStart = now;
      inWindow = 0;
    }
    if (inWindow >= GLOBAL_PER_SECOND) {
      refused++;
      return false;
    }
    inWindow++;
    last[slot] = now;
    return true;
  }
}
