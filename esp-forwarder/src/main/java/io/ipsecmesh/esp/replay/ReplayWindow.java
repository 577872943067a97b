package io.ipsecmesh.esp.replay;

/**
 * The receiver's anti-replay window of one inbound SA: RFC 4303 §3.4.3 semantics with the
 * shift-free ring bitmap of RFC 6479 and the extended-sequence-number inference of RFC 4303
 * Appendix A.
 *
 * <p>Use per packet, in this order: {@link #checkAndInferSeq(int)} before decryption (cheap
 * rejection of duplicates and stale packets, and the 64-bit sequence number the ICV covers), then
 * {@link #update(long)} only once the ICV verified, so forged packets never move the window.
 * O(1), allocation-free. Not thread-safe: one window per inbound SA, used by one thread.
 *
 * <p>The bitmap is a power-of-two ring of 64-bit words, one word more than the window needs
 * (rounded up), so advancing the window clears whole words instead of shifting bits (RFC 6479 §2).
 */
public final class ReplayWindow {
  public static final int MIN_SIZE = 64;
  public static final int MAX_SIZE = 65536;
  /** The value returned by {@link #checkAndInferSeq(int)} for a packet that must be dropped. */
  public static final long REJECT = -1L;

  private static final int WORD_SHIFT = 6; // 64 bits per word
  private static final long LOW32 = 0xFFFF_FFFFL;
  private static final long SUBSPACE = 1L << 32;
  /**
   * With anti-replay disabled an ESN receiver still has to guess the high half of the sequence
   * number (RFC 4303 §2.2.1); without a window it takes the candidate closest to the highest
   * authenticated number, i.e. Appendix A with a notional window of half the 32-bit space.
   */
  private static final long DISABLED_INFERENCE_WINDOW = 1L << 31;

  private final int size;
  private final boolean esn;
  private final long[] ring;
  private final int ringMask;
  /** The highest authenticated sequence number (0: none yet). */
  private long top;

  /**
   * @param size window size in packets: 0 disables anti-replay ({@code crypto ipsec
   *     security-association replay disable}), otherwise a power of two in 64..65536
   * @param esn whether the SA negotiated extended (64-bit) sequence numbers
   */
  public ReplayWindow(int size, boolean esn) {
    if (size != 0 && (size < MIN_SIZE || size > MAX_SIZE || Integer.bitCount(size) != 1)) {
      throw new IllegalArgumentException("replay window size must be 0 (disabled) or a power of two in "
          + MIN_SIZE + ".." + MAX_SIZE + ": " + size);
    }
    this.size = size;
    this.esn = esn;
    // size/64 words hold the window; +1 so the word being refilled never holds live bits; the
    // power of two makes the ring index a mask instead of a division.
    int words = size == 0 ? 1 : Integer.highestOneBit((size >>> WORD_SHIFT) + 1) << 1;
    this.ring = new long[words];
    this.ringMask = words - 1;
  }

  public int size() {
    return size;
  }

  public boolean enabled() {
    return size != 0;
  }

  /** The highest sequence number authenticated so far (0 before the first packet). */
  public long top() {
    return top;
  }

  /**
   * Checks the on-wire sequence number before any cryptographic work.
   *
   * @param seqLow32 the ESP header's sequence number field (the low 32 bits)
   * @return the full 64-bit sequence number the packet claims (equal to the unsigned field value
   *     without ESN), which its ICV must cover; or {@link #REJECT} for a duplicate, a number left
   *     behind the window, or the never-valid number 0
   */
  public long checkAndInferSeq(int seqLow32) {
    long seq = esn ? infer(seqLow32 & LOW32, size == 0 ? DISABLED_INFERENCE_WINDOW : size) : seqLow32 & LOW32;
    if (size == 0) {
      return seq < 0 ? REJECT : seq;
    }
    if (seq <= 0) {
      return REJECT;
    }
    if (seq > top) {
      return seq;
    }
    if (top - seq >= size) {
      return REJECT;
    }
    return (ring[(int) (seq >>> WORD_SHIFT) & ringMask] & 1L << seq) != 0 ? REJECT : seq;
  }

  /**
   * Records an authenticated packet. Call only after its ICV verified. A number that fell behind
   * the window meanwhile is ignored (it was checked, but the window moved on while it was being
   * decrypted).
   */
  public void update(long seq64) {
    if (seq64 <= 0) {
      return;
    }
    if (size == 0) {
      top = Math.max(top, seq64);
      return;
    }
    if (seq64 > top) {
      long newWord = seq64 >>> WORD_SHIFT;
      long topWord = top >>> WORD_SHIFT;
      // Clear the words that enter the window; after a jump of a whole ring, all of them.
      long clear = Math.min(newWord - topWord, ring.length);
      for (long w = newWord - clear + 1; w <= newWord; w++) {
        ring[(int) w & ringMask] = 0L;
      }
      top = seq64;
    } else if (top - seq64 >= size) {
      return;
    }
    ring[(int) (seq64 >>> WORD_SHIFT) & ringMask] |= 1L << seq64;
  }

  /**
   * RFC 4303 Appendix A.2.2: picks the high 32 bits so that the number lands in the window, or
   * just above it. Returns a negative number when the only candidate lies below 0.
   */
  private long infer(long seqLow, long window) {
    long th = top >>> 32;
    long tl = top & LOW32;
    long bottom = tl - window + 1; // may be negative: the window spans two subspaces
    long seqHigh;
    if (bottom >= 0) {
      // Case A: the window lies within one subspace; a number below it has wrapped ahead.
      seqHigh = seqLow >= bottom ? th : th + 1;
    } else {
      // Case B: the window's bottom is in the previous subspace.
      seqHigh = seqLow >= bottom + SUBSPACE ? th - 1 : th;
    }
    return seqHigh < 0 ? -1L : seqHigh << 32 | seqLow;
  }
}
