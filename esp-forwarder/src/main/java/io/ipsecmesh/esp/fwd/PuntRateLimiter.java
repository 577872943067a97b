package io.ipsecmesh.esp.fwd;

import java.net.InetAddress;

/**
 * Rate limits for IKE messages that arrive on the UDP-encapsulation port and are punted to ike-service
 * ({@code ike.punt}, published on the event bus, so every punt costs a bus message and IKE work): a token
 * bucket per source address and one over all sources. A flood from one address takes only its own share, so
 * a peer that rekeys or answers a DPD probe meanwhile is still heard; a flood from many (spoofed) addresses
 * meets the global cap. Both buckets hold one second's worth of datagrams (the burst) and refill at their rate.
 *
 * <p>Runs on the outer socket's thread, allocation-free: the per-source buckets are direct-mapped by the
 * address's hash into a fixed table; a source that lands on a slot held by another takes it over with a full
 * bucket (so colliding addresses can only get more than their share, never starve each other; the global
 * bucket still caps them). Drops are counted here and exported as {@code ipsecmesh_esp_ike_punt_dropped}.
 */
public final class PuntRateLimiter {

  /** Default IKE datagrams a second from one source address (deployment option {@code ikePuntPerSource}). */
  public static final int DEFAULT_PER_SOURCE = 100;
  /** Default IKE datagrams a second from all sources (deployment option {@code ikePuntGlobal}). */
  public static final int DEFAULT_GLOBAL = 10_000;
  private static final long SECOND = 1_000_000_000L;
  private static final int SLOTS = 1024;

  private final long perSourceCost;
  private final long globalCost;
  private final int[] slotHash = new int[SLOTS];
  private final long[] slotCredit = new long[SLOTS];
  private final long[] slotLast = new long[SLOTS];
  private final boolean[] slotUsed = new boolean[SLOTS];
  private long globalCredit = SECOND;
  private long globalLast = Long.MIN_VALUE;
  private long droppedPerSource;
  private long droppedGlobal;

  /**
   * @param perSource datagrams a second one source may punt (1–1 000 000)
   * @param global    datagrams a second all sources together may punt (1–10 000 000)
   */
  public PuntRateLimiter(int perSource, int global) {
    checkRates(perSource, global);
    // credit is kept in nanoseconds of refill: one datagram costs a second / rate, a bucket holds a second
    this.perSourceCost = SECOND / perSource;
    this.globalCost = SECOND / global;
  }

  /** The rates a limiter takes: per source 1–1 000 000, global 1–10 000 000 datagrams a second. */
  public static void checkRates(int perSource, int global) {
    if (perSource < 1 || perSource > 1_000_000 || global < 1 || global > 10_000_000) {
      throw new IllegalArgumentException("IKE punt rates: per source 1-1000000, global 1-10000000 a second, got "
          + perSource + " and " + global);
    }
  }

  /** Whether an IKE datagram from {@code source} may be punted at {@code nowNanos}; counts it if not. */
  public boolean allow(InetAddress source, long nowNanos) {
    int h = source.hashCode();
    int slot = (h ^ (h >>> 10) ^ (h >>> 20)) & (SLOTS - 1);
    if (!slotUsed[slot] || slotHash[slot] != h) {
      slotUsed[slot] = true;
      slotHash[slot] = h;
      slotCredit[slot] = SECOND;
      slotLast[slot] = nowNanos;
    }
    long credit = Math.min(SECOND, slotCredit[slot] + Math.max(0, nowNanos - slotLast[slot]));
    slotLast[slot] = nowNanos;
    if (credit < perSourceCost) {
      slotCredit[slot] = credit;
      droppedPerSource++;
      return false;
    }
    long g = globalLast == Long.MIN_VALUE ? SECOND
        : Math.min(SECOND, globalCredit + Math.max(0, nowNanos - globalLast));
    globalLast = nowNanos;
    if (g < globalCost) {
      globalCredit = g;
      slotCredit[slot] = credit;
      droppedGlobal++;
      return false;
    }
    globalCredit = g - globalCost;
    slotCredit[slot] = credit - perSourceCost;
    return true;
  }

  /** Datagrams dropped because their source was over its rate. */
  public long droppedPerSource() {
    return droppedPerSource;
  }

  /** Datagrams dropped because all sources together were over the global rate. */
  public long droppedGlobal() {
    return droppedGlobal;
  }
}
