package io.ipsecmesh.esp.io;

import java.lang.foreign.MemorySegment;

/**
 * One reusable packet buffer: a heap {@code byte[]} (the JCE is fastest on heap arrays: docs/performance.md)
 * together with cached heap segments of it for the FFM read/write/sendto calls, so handing a packet
 * at some offset to the kernel allocates nothing. A buffer belongs to one thread at a time.
 */
public final class PacketBuffer {

  /** Room in front of an inner packet for the ESP header and the longest IV. */
  public static final int HEADROOM = 64;
  /** Room behind an inner packet for padding, pad length, next header and the longest ICV. */
  public static final int TAILROOM = 320;
  /** Largest inner or outer packet we handle (jumbo frames of the {@code ip mtu} range included). */
  public static final int MAX_PACKET = 9216 + 64;

  private static final int CACHED_OFFSETS = 256;

  private final byte[] array;
  private final MemorySegment whole;
  private final MemorySegment[] slices = new MemorySegment[CACHED_OFFSETS];

  public PacketBuffer() {
    this(HEADROOM + MAX_PACKET + TAILROOM);
  }

  public PacketBuffer(int capacity) {
    this.array = new byte[capacity];
    this.whole = MemorySegment.ofArray(array);
  }

  public byte[] array() {
    return array;
  }

  public int capacity() {
    return array.length;
  }

  /** The buffer from {@code offset} on, as a segment for a native call. Cached for small offsets. */
  public MemorySegment at(int offset) {
    if (offset < CACHED_OFFSETS) {
      MemorySegment s = slices[offset];
      if (s == null) {
        s = whole.asSlice(offset);
        slices[offset] = s;
      }
      return s;
    }
    return whole.asSlice(offset);
  }
}
