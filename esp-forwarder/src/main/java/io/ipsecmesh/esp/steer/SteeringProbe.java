package io.ipsecmesh.esp.steer;

import java.util.Arrays;

/**
 * The datagram an esp-forwarder sends to its own UDP 4500 address to learn which index its socket holds in the
 * SO_REUSEPORT group. The reuseport program sends a payload starting with {@code 0xFFFFFF00 | i} to socket
 * {@code i} ({@link ReuseportProgram}); whoever receives a probe carrying its own nonce holds index {@code i}.
 *
 * <pre>
 *   0xFF 0xFF 0xFF i (4) | "IPMSTEER" (8) | nonce (8)          exactly 20 bytes
 * </pre>
 *
 * Its first four bytes are an SPI ike-service never allocates ({@code EspHeader.FIRST_PROBE_SPI}); a datagram
 * is a probe only with that SPI, this length, the magic and our own address and port as its source, so ESP of a
 * manually keyed SA in that range (always longer: RFC 4303 §2 header, IV and ICV) is never taken for one.
 * Stateless; a datagram that is not a probe decodes to {@link #NOT_A_PROBE}.
 */
public final class SteeringProbe {

  public static final int BYTES = 20;
  public static final int NOT_A_PROBE = -1;
  private static final byte[] MAGIC = {'I', 'P', 'M', 'S', 'T', 'E', 'E', 'R'};

  private SteeringProbe() {}

  public static byte[] encode(int index, long nonce) {
    if (index < 0 || index > 0xFF) {
      throw new IllegalArgumentException("probe index 0–255, got " + index);
    }
    byte[] p = new byte[BYTES];
    p[0] = p[1] = p[2] = (byte) 0xFF;
    p[3] = (byte) index;
    System.arraycopy(MAGIC, 0, p, 4, MAGIC.length);
    for (int i = 0; i < 8; i++) {
      p[12 + i] = (byte) (nonce >>> (56 - 8 * i));
    }
    return p;
  }

  /** Cheap test on the receive path: 20 bytes starting with a probe SPI and the magic. */
  public static boolean isProbe(byte[] a, int off, int len) {
    return len == BYTES && a[off] == (byte) 0xFF && a[off + 1] == (byte) 0xFF && a[off + 2] == (byte) 0xFF
        && Arrays.equals(a, off + 4, off + 12, MAGIC, 0, MAGIC.length);
  }

  /** @return the probe's index, or {@link #NOT_A_PROBE} */
  public static int index(byte[] a, int off, int len) {
    return isProbe(a, off, len) ? a[off + 3] & 0xFF : NOT_A_PROBE;
  }

  /** The probe's nonce (only meaningful when {@link #isProbe}). */
  public static long nonce(byte[] a, int off) {
    long n = 0;
    for (int i = 0; i < 8; i++) {
      n = n << 8 | (a[off + 12 + i] & 0xFF);
    }
    return n;
  }
}
