package io.ipsecmesh.esp.fwd;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded single-producer single-consumer ring of fixed-width {@code long} records: how a packet
 * thread tells the control context that something happened (no SA for a flow, an unknown SPI)
 * without allocating, locking or touching the event bus. When full, new signals are dropped and
 * counted; they are rate-limited notifications, the next one will come.
 */
public final class SignalRing {

  private final long[] slots;
  private final int width;
  private final int mask;
  private final AtomicLong head = new AtomicLong();
  private final AtomicLong tail = new AtomicLong();
  private long dropped;

  /** @param capacity a power of two */
  public SignalRing(int capacity, int width) {
    if (Integer.bitCount(capacity) != 1) {
      throw new IllegalArgumentException("capacity must be a power of two");
    }
    this.slots = new long[capacity * width];
    this.width = width;
    this.mask = capacity - 1;
  }

  /** Producer: records {@code values} (exactly {@code width} of them). */
  public boolean offer(long a, long b, long c, long d, long e, long f) {
    long t = tail.get();
    if (t - head.get() > mask) {
      dropped++;
      return false;
    }
    int base = (int) (t & mask) * width;
    slots[base] = a;
    if (width > 1) {
      slots[base + 1] = b;
    }
    if (width > 2) {
      slots[base + 2] = c;
    }
    if (width > 3) {
      slots[base + 3] = d;
    }
    if (width > 4) {
      slots[base + 4] = e;
    }
    if (width > 5) {
      slots[base + 5] = f;
    }
    tail.lazySet(t + 1);
    return true;
  }

  /** Consumer: hands each pending record to {@code sink} (a reused array of {@code width}). */
  public int drain(java.util.function.Consumer<long[]> sink) {
    long h = head.get();
    long t = tail.get();
    long[] record = new long[width];
    int n = 0;
    for (; h < t; h++, n++) {
      System.arraycopy(slots, (int) (h & mask) * width, record, 0, width);
      sink.accept(record);
    }
    head.lazySet(h);
    return n;
  }

  /** Signals lost because the ring was full (producer-side count). */
  public long dropped() {
    return dropped;
  }
}
