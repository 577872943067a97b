package io.ipsecmesh.esp.spd;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.BiConsumer;

/**
 * The SAD's inbound index: SPI (unsigned 32-bit, held in an {@code int}) to SA, as an
 * open-addressing table with linear probing and no boxing. SPI 0 is never on the wire (RFC 4303
 * §2.1) and marks an empty slot.
 *
 * <p>One writer (the control thread, serialised by the caller) changes the table in place with
 * {@link #put}/{@link #remove} in O(1) amortised; any number of packet threads call {@link #get}
 * concurrently without locks or allocation. Rebuilding the whole table on every Child SA install was
 * O(n) per change and dominated an IKE load test with 1000 SAs. Safety for the readers:
 * <ul>
 *   <li>a slot's key goes from 0 to an SPI once and never changes while its array is live, so a
 *       reader that matched the key reads that SPI's value and no other SA's;</li>
 *   <li>the value is written (release) before the key (release) and read (acquire) after it, so a
 *       reader never matches a key whose value is not yet visible;</li>
 *   <li>removing nulls the value and leaves the key as a tombstone that probes walk past; tombstones
 *       are dropped only when the writer rehashes into a fresh array, fully built before it is
 *       published through one volatile write.</li>
 * </ul>
 * {@link #with}/{@link #without} still return independent copies for callers that want snapshots.
 */
public final class SpiTable<V> {

  private static final VarHandle KEY = MethodHandles.arrayElementVarHandle(int[].class);
  private static final VarHandle VALUE = MethodHandles.arrayElementVarHandle(Object[].class);
  private static final int MIN_CAPACITY = 16;

  /** One generation of the arrays; replaced only on rehash. */
  private static final class Slots {
    final int[] keys;
    final Object[] values;
    final int mask;

    Slots(int capacity) {
      keys = new int[capacity];
      values = new Object[capacity];
      mask = capacity - 1;
    }
  }

  private volatile Slots slots;
  /** Live entries; written by the writer only. */
  private volatile int size;
  /** Slots with a key (live or tombstone) in the current arrays; the writer's bookkeeping. */
  private int used;

  private SpiTable(int capacity) {
    slots = new Slots(capacity);
  }

  public static <V> SpiTable<V> empty() {
    return new SpiTable<>(MIN_CAPACITY);
  }

  /** The SA for {@code spi}, or null. Lock-free and allocation-free; safe on any thread. */
  @SuppressWarnings("unchecked")
  public V get(int spi) {
    if (spi == 0) {
      return null;
    }
    Slots s = slots;
    int[] keys = s.keys;
    int mask = s.mask;
    int i = mix(spi) & mask;
    while (true) {
      int k = (int) KEY.getAcquire(keys, i);
      if (k == spi) {
        return (V) VALUE.getAcquire(s.values, i);
      }
      if (k == 0) {
        return null;
      }
      i = (i + 1) & mask;
    }
  }

  public int size() {
    return size;
  }

  /**
   * Adds or replaces {@code spi → value} in place; the single writer only. A reader sees the old
   * value or the new one, never neither for an SPI that was live before the call.
   */
  public void put(int spi, V value) {
    if (spi == 0 || value == null) {
      throw new IllegalArgumentException("SPI 0 or null SA");
    }
    Slots s = slots;
    int i = find(s, spi);
    if (s.keys[i] == spi) {
      boolean revived = s.values[i] == null;
      VALUE.setRelease(s.values, i, value);
      if (revived) {
        size = size + 1;
      }
      return;
    }
    if ((used + 1) * 2 > s.keys.length) {
      s = rehash(size + 1);
      i = find(s, spi);
    }
    VALUE.setRelease(s.values, i, value);
    KEY.setRelease(s.keys, i, spi);
    used++;
    size = size + 1;
  }

  /** Removes {@code spi} in place (its slot becomes a tombstone); the single writer only. */
  public void remove(int spi) {
    if (spi == 0) {
      return;
    }
    Slots s = slots;
    int i = find(s, spi);
    if (s.keys[i] == spi && s.values[i] != null) {
      VALUE.setRelease(s.values, i, null);
      size = size - 1;
    }
  }

  /** A copy with {@code spi → value} added or replaced; this table is unchanged. */
  public SpiTable<V> with(int spi, V value) {
    SpiTable<V> t = copy(size + 1);
    t.put(spi, value);
    return t;
  }

  /** A copy without {@code spi}; this table is unchanged. */
  public SpiTable<V> without(int spi) {
    if (get(spi) == null) {
      return this;
    }
    SpiTable<V> t = copy(size);
    t.remove(spi);
    return t;
  }

  @SuppressWarnings("unchecked")
  public void forEach(BiConsumer<Integer, V> action) {
    Slots s = slots;
    for (int i = 0; i < s.keys.length; i++) {
      int k = (int) KEY.getAcquire(s.keys, i);
      Object v = k == 0 ? null : VALUE.getAcquire(s.values, i);
      if (v != null) {
        action.accept(k, (V) v);
      }
    }
  }

  /** The slot holding {@code spi}, else the empty slot ending its probe sequence (the writer's view). */
  private static int find(Slots s, int spi) {
    int i = mix(spi) & s.mask;
    while (s.keys[i] != 0 && s.keys[i] != spi) {
      i = (i + 1) & s.mask;
    }
    return i;
  }

  /**
   * Moves the live entries into fresh arrays sized so at least as many inserts as there are live
   * entries fit before the next rehash (amortised O(1)), and publishes them; tombstones are dropped.
   */
  private Slots rehash(int live) {
    Slots s = slots;
    Slots n = new Slots(capacityFor(live));
    int count = 0;
    for (int i = 0; i < s.keys.length; i++) {
      Object v = s.values[i];
      if (s.keys[i] != 0 && v != null) {
        int j = find(n, s.keys[i]);
        n.keys[j] = s.keys[i];
        n.values[j] = v;
        count++;
      }
    }
    used = count;
    slots = n; // the volatile write publishes the fully built arrays
    return n;
  }

  private SpiTable<V> copy(int live) {
    SpiTable<V> t = new SpiTable<>(capacityFor(live));
    forEach(t::put);
    return t;
  }

  /** Load at most a quarter right after a rehash; {@link #put} rehashes at a half. */
  private static int capacityFor(int live) {
    int capacity = MIN_CAPACITY;
    while (live * 4 > capacity) {
      capacity <<= 1;
    }
    return capacity;
  }

  /** SPIs are often sequential or random; a multiplicative mix spreads both. */
  private static int mix(int spi) {
    int h = spi * 0x9E3779B9;
    return h ^ (h >>> 16);
  }
}
