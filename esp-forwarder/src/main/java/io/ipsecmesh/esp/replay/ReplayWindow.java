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
  /**
   * The highest authenticated sequence number (0: none yet). Written by the packet thread only; published with a
   * release store so the control context can sample it ({@link #checkpointTop()}) without a lock, a fence on the
   * packet path or a torn 64-bit read (scale-out checkpoints, {@code fwd.ReplayCheckpointer}).
   */
  private long top;
  private static final java.lang.invoke.VarHandle TOP;

  static {
    try {
      TOP = java.lang.invoke.MethodHandles.lookup().findVarHandle(ReplayWindow.class, "top", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

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

  /** The highest sequence number authenticated so far (0 before the first packet). Packet thread. */
  public long top() {
    return top;
  }

  /**
   * {@link #top()} as another thread sees it: the control context samples it for the checkpoint an adopting
   * forwarder starts from. Never torn, at most slightly stale.
   */
  public long checkpointTop() {
    return (long) TOP.getAcquire(this);
  }

  /**
   * Starts this window as a forwarder that takes the SA over must (scale-out, after the owner died): the right edge
   * moves to {@code checkpoint} (or stays where it is, if higher), and every number at or below it counts as
   * already received, so only numbers above it are accepted (RFC 4303 §3.4.3: a duplicate must be refused; the
   * old owner may have accepted any of them, and this window never saw which). A legitimate packet below the
   * checkpoint that was still in flight is dropped as a replay: the safe side. With ESN the edge also anchors the
   * inference of the high 32 bits (RFC 4303 Appendix A), which an empty window would guess as 0 or 1.
   *
   * <p>Call only while no packet thread uses this window (the pair is handed off); the volatile write that hands
   * the pair back to this instance publishes it.
   *
   * @param checkpoint the highest authenticated number the previous owner recorded (0: none)
   */
  public void adopt(long checkpoint) {
    long edge = Math.max(top, checkpoint);
    if (edge <= 0) {
      return;
    }
    if (size != 0) {
      java.util.Arrays.fill(ring, -1L);
      // the edge's own word holds live bits only up to the edge: numbers above it in that word have not been seen
      int bit = (int) (edge & 63);
      ring[(int) (edge >>> WORD_SHIFT) & ringMask] = bit == 63 ? -1L : (1L << (bit + 1)) - 1;
    }
    TOP.setRelease(this, edge);
  }

  /**
   * Refuses every packet from now on, as replays: for an SA taken over without any checkpoint, whose old owner may
   * have accepted any number (the forwarder asks for the SA to be replaced). Same threading rule as
   * {@link #adopt}.
   */
  public void close() {
    // the edge at the end of the space: every 32-bit number is at or below it, and with ESN every inferred number
    // either is too or overflows to a negative one, which is refused
    adopt(esn ? Long.MAX_VALUE : LOW32);
  }

  /** Whether {@link #close()} closed this window. */
  public boolean closed() {
    return checkpointTop() == (esn ? Long.MAX_VALUE : LOW32);
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
      if (seq64 > top) {
        TOP.setRelease(this, seq64);
      }
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
      TOP.setRelease(this, seq64); // a plain store on x86 and ARMv8 (stlr): no fence on the packet path
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
