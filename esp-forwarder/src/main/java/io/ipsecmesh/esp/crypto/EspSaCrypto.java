package io.ipsecmesh.esp.crypto;

import io.ipsecmesh.proto.esp.EspHeader;
import io.ipsecmesh.proto.esp.EspPadding;
import io.ipsecmesh.proto.sa.EspTransform;
import java.util.Arrays;

/**
 * The ESP transform of one SA direction (RFC 4303): seals plaintext into an ESP packet and opens
 * ESP packets, in place in a heap {@code byte[]}, without exceptions on the packet path. The
 * ciphers are JCE objects created once here and reused for every packet.
 *
 * <h2>Buffer layout</h2>
 *
 * <pre>
 * espOff                                payloadOff = espOff + headroom()
 * |SPI(4)|Seq(4)|IV(ivBytes)|payload ... |pad(0..)|padLen(1)|nextHdr(1)|ICV(icvBytes)|
 * |<------- headroom() ----->|           |<------------- at most maxTailroom() ------>|
 * </pre>
 *
 * <ul>
 *   <li>{@link #seal}: the caller puts the payload (a whole inner IP packet in tunnel mode, the
 *       upper-layer segment in transport mode) at {@code payloadOff} with {@link #headroom()}
 *       bytes free before it and {@link #tailroom(int)} ≤ {@link #maxTailroom()} free after it.
 *       The ESP packet is written at {@code espOff = payloadOff - headroom()} and its length, equal
 *       to {@link #sealedLength(int)}, is returned.
 *   <li>{@link #open}: the ESP packet at {@code espOff} is verified and decrypted in place; the
 *       returned length of plaintext starts at {@link #plaintextOffset(int) espOff + headroom()},
 *       its next header is {@link #lastNextHeader()}. No decrypted byte reaches the buffer before
 *       the ICV has verified (CBC: HMAC first; AEAD: decrypted into a per-thread scratch array and
 *       copied back after the tag check); after any failure the buffer holds no plaintext.
 * </ul>
 *
 * <p>Errors are negative return values (the constants below), never exceptions. Not thread-safe:
 * one instance per SA direction per thread. The caller owns sequence numbers: {@link #seal} takes
 * the next one from the SA's counter and refuses any that is not strictly greater than the last it
 * sealed, so a nonce can never repeat under one key; {@link #open} takes the 64-bit number that
 * {@code ReplayWindow.checkAndInferSeq} inferred.
 */
public abstract sealed class EspSaCrypto permits AeadEspCrypto, CbcHmacEspCrypto {
  /** The packet is shorter than header + IV + minimal ciphertext + ICV, or the range is out of the buffer. */
  public static final int TOO_SHORT = -1;
  /** The ciphertext is not a whole number of cipher blocks / 4-byte words (RFC 4303 §2.4). */
  public static final int BAD_LENGTH = -2;
  /** The packet's SPI is not this SA's. */
  public static final int SPI_MISMATCH = -3;
  /** The 64-bit sequence number given does not end in the packet's 32-bit one, or is out of range. */
  public static final int SEQ_MISMATCH = -4;
  /** Integrity check failed: forged, corrupted, or wrong key or sequence-number high half. */
  public static final int ICV_FAIL = -5;
  /** Authentic but malformed trailer: pad length beyond the data or padding not 1, 2, 3, … (§2.4). */
  public static final int BAD_PAD = -6;
  /** {@link #destroy()} was called. */
  public static final int DESTROYED = -7;
  /** seal: not enough headroom or tailroom, or a negative length, or a next header outside 0..255. */
  public static final int NO_ROOM = -8;
  /**
   * seal: the sequence number is 0, beyond the SA's space (2^32 - 1 without ESN), or not greater
   * than the previous one: the SA must be rekeyed, never wrap (RFC 4303 §3.3.3).
   */
  public static final int SEQ_EXHAUSTED = -9;
  /** The JCE provider failed in a way valid input cannot cause. */
  public static final int CRYPTO_ERROR = -10;

  private static final long LOW32 = 0xFFFF_FFFFL;

  protected final EspTransform transform;
  protected final int spi;
  protected final boolean esn;
  protected final int headroom;
  protected final int align;
  protected final int icvBytes;
  private long lastSealedSeq;
  private int lastNextHeader = -1;
  protected boolean destroyed;

  EspSaCrypto(EspTransform transform, int spi, boolean esn, int cipherBlockBytes) {
    this.transform = transform;
    this.spi = spi;
    this.esn = esn;
    this.headroom = EspHeader.BYTES + transform.ivBytes;
    this.align = EspPadding.alignment(cipherBlockBytes);
    this.icvBytes = transform.icvBytes;
  }

  /**
   * Builds the transform of one SA direction. Allocates the JCE objects; call at SA installation,
   * never per packet.
   *
   * @param keyMaterial encryption key (with the 4-byte salt at its end for the AEADs) followed by
   *     the integrity key, as drawn from KEYMAT (RFC 7296 §2.17); exactly {@link
   *     EspTransform#keyMaterialBytes()} bytes; copied, so the caller may wipe it
   * @param spi the SPI in the ESP header (the receiver's choice)
   * @param esn whether extended sequence numbers were negotiated
   * @throws IllegalArgumentException if the key material has the wrong length
   * @throws IllegalStateException if the JDK lacks the algorithm
   */
  public static EspSaCrypto create(EspTransform transform, byte[] keyMaterial, int spi, boolean esn) {
    if (keyMaterial.length != transform.keyMaterialBytes()) {
      throw new IllegalArgumentException(transform + " needs " + transform.keyMaterialBytes()
          + " bytes of key material, got " + keyMaterial.length);
    }
    return transform.aead
        ? new AeadEspCrypto(transform, keyMaterial, spi, esn)
        : new CbcHmacEspCrypto(transform, keyMaterial, spi, esn);
  }

  public final EspTransform transform() {
    return transform;
  }

  public final int spi() {
    return spi;
  }

  public final boolean esn() {
    return esn;
  }

  /** Bytes before the payload: ESP header + IV. */
  public final int headroom() {
    return headroom;
  }

  /** The most bytes after the payload that any payload length needs: padding + trailer + ICV. */
  public final int maxTailroom() {
    return align - 1 + EspHeader.TRAILER_BYTES + icvBytes;
  }

  /** The bytes after a payload of {@code payloadLen} that {@link #seal} writes. */
  public final int tailroom(int payloadLen) {
    return EspPadding.padLength(payloadLen, align) + EspHeader.TRAILER_BYTES + icvBytes;
  }

  /** The length of the ESP packet that sealing {@code payloadLen} bytes produces. */
  public final int sealedLength(int payloadLen) {
    return headroom + payloadLen + tailroom(payloadLen);
  }

  /**
   * The largest payload whose ESP packet fits in {@code espBytes} (for MTU and fragmentation
   * decisions), or -1 if not even an empty one does.
   */
  public final int maxPayload(int espBytes) {
    int encrypted = (espBytes - headroom - icvBytes) & -align;
    return encrypted < align ? -1 : encrypted - EspHeader.TRAILER_BYTES;
  }

  /** Where {@link #open} leaves the plaintext of the packet at {@code espOff}. */
  public final int plaintextOffset(int espOff) {
    return espOff + headroom;
  }

  /** The Next Header of the last packet {@link #open} accepted (4 = IPv4, 41 = IPv6, 59 = dummy), -1 before. */
  public final int lastNextHeader() {
    return lastNextHeader;
  }

  /**
   * Encrypts and authenticates in place.
   *
   * @param seq64 this packet's sequence number: 1.. (2^32 - 1 without ESN), strictly increasing
   * @param payloadOff where the payload starts; the ESP packet starts {@link #headroom()} before
   * @param nextHeader 4 (IPv4) or 41 (IPv6) in tunnel mode, the upper-layer protocol in transport mode
   * @return the ESP packet's length (at {@code payloadOff - headroom()}), or a negative error
   */
  public final int seal(long seq64, byte[] buf, int payloadOff, int payloadLen, int nextHeader) {
    if (destroyed) {
      return DESTROYED;
    }
    if (seq64 <= lastSealedSeq || !inSeqSpace(seq64)) {
      return SEQ_EXHAUSTED;
    }
    int espOff = payloadOff - headroom;
    if (buf == null || payloadLen < 0 || payloadLen > buf.length || espOff < 0 || (nextHeader & ~0xFF) != 0) {
      return NO_ROOM;
    }
    int padLen = EspPadding.padLength(payloadLen, align);
    int encLen = payloadLen + padLen + EspHeader.TRAILER_BYTES;
    if (payloadOff > buf.length - encLen - icvBytes) {
      return NO_ROOM;
    }
    EspHeader.write(buf, espOff, spi, seq64);
    int trailerOff = payloadOff + payloadLen;
    EspPadding.writePad(buf, trailerOff, padLen);
    buf[trailerOff + padLen] = (byte) padLen;
    buf[trailerOff + padLen + 1] = (byte) nextHeader;
    int rc = encrypt(seq64, buf, espOff, encLen);
    if (rc < 0) {
      return rc;
    }
    lastSealedSeq = seq64;
    return headroom + encLen + icvBytes;
  }

  /**
   * Verifies and decrypts in place.
   *
   * @param seq64 the full sequence number inferred for this packet (ReplayWindow); its low 32 bits
   *     must equal the header's
   * @return the payload length (at {@link #plaintextOffset(int)}, next header in {@link
   *     #lastNextHeader()}), or a negative error
   */
  public final int open(byte[] buf, int espOff, int espLen, long seq64) {
    if (destroyed) {
      return DESTROYED;
    }
    if (buf == null || espOff < 0 || espLen < 0 || espOff > buf.length - espLen) {
      return TOO_SHORT;
    }
    int encLen = espLen - headroom - icvBytes;
    if (encLen < align) {
      return TOO_SHORT;
    }
    if ((encLen & (align - 1)) != 0) {
      return BAD_LENGTH;
    }
    if (EspHeader.readSpi(buf, espOff) != spi) {
      return SPI_MISMATCH;
    }
    if (!inSeqSpace(seq64) || (seq64 & LOW32) != EspHeader.readSeqLow(buf, espOff)) {
      return SEQ_MISMATCH;
    }
    int rc = decrypt(seq64, buf, espOff, encLen);
    if (rc < 0) {
      return rc;
    }
    int ptOff = espOff + headroom;
    int trailerOff = ptOff + encLen - EspHeader.TRAILER_BYTES;
    int padLen = buf[trailerOff] & 0xFF;
    int payloadLen = encLen - EspHeader.TRAILER_BYTES - padLen;
    if (payloadLen < 0 || !EspPadding.isMonotonic(buf, trailerOff - padLen, padLen)) {
      Arrays.fill(buf, ptOff, ptOff + encLen, (byte) 0);
      return BAD_PAD;
    }
    lastNextHeader = buf[trailerOff + 1] & 0xFF;
    return payloadLen;
  }

  /**
   * Zeroes the keys this object holds and overwrites the key schedules inside the JCE objects;
   * every later call returns {@link #DESTROYED}. Idempotent.
   */
  /** Whether {@link #destroy()} has zeroed the keys. */
  public final boolean destroyed() {
    return destroyed;
  }

  public final void destroy() {
    if (!destroyed) {
      destroyed = true;
      wipeKeys();
    }
  }

  public final boolean isDestroyed() {
    return destroyed;
  }

  /** A name for an error code, for counters and logs. */
  public static String errorName(int code) {
    return switch (code) {
      case TOO_SHORT -> "TOO_SHORT";
      case BAD_LENGTH -> "BAD_LENGTH";
      case SPI_MISMATCH -> "SPI_MISMATCH";
      case SEQ_MISMATCH -> "SEQ_MISMATCH";
      case ICV_FAIL -> "ICV_FAIL";
      case BAD_PAD -> "BAD_PAD";
      case DESTROYED -> "DESTROYED";
      case NO_ROOM -> "NO_ROOM";
      case SEQ_EXHAUSTED -> "SEQ_EXHAUSTED";
      case CRYPTO_ERROR -> "CRYPTO_ERROR";
      default -> code >= 0 ? "OK" : "UNKNOWN(" + code + ")";
    };
  }

  private boolean inSeqSpace(long seq64) {
    return seq64 > 0 && (esn || seq64 <= LOW32);
  }

  /** The high 32 bits that ESN authenticates but never sends (RFC 4303 §2.2.1). */
  protected static int seqHigh(long seq64) {
    return (int) (seq64 >>> 32);
  }

  /**
   * Writes the IV at {@code espOff + 8}, encrypts the {@code encLen} bytes at {@code espOff +
   * headroom} (payload, padding, trailer, already in place) and appends the ICV.
   */
  abstract int encrypt(long seq64, byte[] buf, int espOff, int encLen);

  /**
   * Verifies the ICV of the packet whose encrypted part is {@code encLen} bytes and, only if it
   * verifies, decrypts that part in place to {@code espOff + headroom}.
   */
  abstract int decrypt(long seq64, byte[] buf, int espOff, int encLen);

  abstract void wipeKeys();
}
