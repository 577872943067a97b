package io.ipsecmesh.esp.spd;

import java.util.function.BiConsumer;

/**
 * The SAD's inbound index: SPI (unsigned 32-bit, held in an {@code int}) to SA, as an
 * open-addressing table with linear probing and no boxing. SPI 0 is never on the wire (RFC 4303
 * §2.1) and marks an empty slot. Readers on the packet threads see an immutable table: changes go
 * through {@link #with}/{@link #without}, which return a new table for an atomic swap (SAs change a
 * few times per second at most, packets arrive millions of times).
 */
public final class SpiTable<V> {

  private final int[] keys;
  private final Object[] values;
  private final int size;
  private final int mask;

  private SpiTable(int capacity) {
    keys = new int[capacity];
    values = new Object[capacity];
    mask = capacity - 1;
    size = 0;
  }

  private SpiTable(int[] keys, Object[] values, int size) {
    this.keys = keys;
    this.values = values;
    this.size = size;
    this.mask = keys.length - 1;
  }

  public static <V> SpiTable<V> empty() {
    return new SpiTable<>(16);
  }

  /** The SA for {@code spi}, or null. */
  @SuppressWarnings("unchecked")
  public V get(int spi) {
    if (spi == 0) {
      return null;
    }
    int i = mix(spi) & mask;
    while (true) {
      int k = keys[i];
      if (k == spi) {
        return (V) values[i];
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

  /** A copy with {@code spi → value} added or replaced. */
  public SpiTable<V> with(int spi, V value) {
    if (spi == 0 || value == null) {
      throw new IllegalArgumentException("SPI 0 or null SA");
    }
    int capacity = keys.length;
    while ((size + 1) * 2 > capacity) {
      capacity <<= 1;
    }
    SpiTable<V> t = rebuilt(capacity, spi);
    int n = t.insert(spi, value) ? t.size + 1 : t.size;
    return new SpiTable<>(t.keys, t.values, n);
  }

  /** A copy without {@code spi}. */
  public SpiTable<V> without(int spi) {
    if (get(spi) == null) {
      return this;
    }
    SpiTable<V> t = rebuilt(keys.length, spi);
    return new SpiTable<>(t.keys, t.values, t.size);
  }

  @SuppressWarnings("unchecked")
  public void forEach(BiConsumer<Integer, V> action) {
    for (int i = 0; i < keys.length; i++) {
      if (keys[i] != 0) {
        action.accept(keys[i], (V) values[i]);
      }
    }
  }

  /** A fresh table of {@code capacity} with every entry except {@code skip}. */
  private SpiTable<V> rebuilt(int capacity, int skip) {
    SpiTable<V> t = new SpiTable<>(capacity);
    int n = 0;
    for (int i = 0; i < keys.length; i++) {
      if (keys[i] != 0 && keys[i] != skip) {
        t.insert(keys[i], values[i]);
        n++;
      }
    }
    return new SpiTable<>(t.keys, t.values, n);
  }

  private boolean insert(int spi, Object value) {
    int i = mix(spi) & mask;
    while (keys[i] != 0 && keys[i] != spi) {
      i = (i + 1) & mask;
    }
    boolean fresh = keys[i] == 0;
    keys[i] = spi;
    values[i] = value;
    return fresh;
  }

  /** SPIs are often sequential or random; a multiplicative mix spreads both. */
  private static int mix(int spi) {
    int h = spi * 0x9E3779B9;
    return h ^ (h >>> 16);
  }
}
