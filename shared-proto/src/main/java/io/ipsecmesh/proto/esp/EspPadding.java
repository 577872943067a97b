package io.ipsecmesh.proto.esp;

/**
 * ESP padding of RFC 4303 §2.4: the encrypted part (payload, padding, Pad Length, Next Header)
 * must fill whole cipher blocks and end on a 4-byte boundary, and the default padding bytes are the
 * monotonic series 1, 2, 3, … that the receiver must check.
 */
public final class EspPadding {
  /** The Pad Length field is one byte. */
  public static final int MAX_PAD = 255;

  private EspPadding() {}

  /**
   * The alignment of the encrypted part: the cipher block, but never less than 4 (§2.4: the
   * ciphertext ends on a 4-byte boundary even for stream-like AEADs whose "block" is 1).
   */
  public static int alignment(int cipherBlockBytes) {
    return Math.max(4, cipherBlockBytes);
  }

  /**
   * The minimal pad length for {@code payloadLen} payload bytes so that payload + pad + 2 trailer
   * bytes is a multiple of {@code align} (a power of two).
   */
  public static int padLength(int payloadLen, int align) {
    return -(payloadLen + EspHeader.TRAILER_BYTES) & (align - 1);
  }

  /** Writes the default padding 1..padLen at {@code off}. */
  public static void writePad(byte[] buf, int off, int padLen) {
    for (int i = 0; i < padLen; i++) {
      buf[off + i] = (byte) (i + 1);
    }
  }

  /**
   * Whether the {@code padLen} bytes at {@code off} are 1, 2, …, padLen. Called only after the ICV
   * verified, so the early exit reveals nothing an attacker could not compute himself.
   */
  public static boolean isMonotonic(byte[] buf, int off, int padLen) {
    for (int i = 0; i < padLen; i++) {
      if (buf[off + i] != (byte) (i + 1)) {
        return false;
      }
    }
    return true;
  }
}
