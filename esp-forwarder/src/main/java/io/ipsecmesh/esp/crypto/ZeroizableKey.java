package io.ipsecmesh.esp.crypto;

import java.util.Arrays;
import javax.crypto.SecretKey;

/**
 * A raw secret key whose bytes this class owns and {@link #destroy() zeroes}. {@code
 * SecretKeySpec} cannot be wiped by its holder, so the SA's keys never live in one; the JCE
 * providers take {@link #getEncoded()} copies, which they wipe after expanding their key schedule.
 */
final class ZeroizableKey implements SecretKey {
  private final String algorithm;
  private final byte[] key;
  private boolean destroyed;

  /** Copies {@code len} bytes of {@code material} from {@code off}. */
  ZeroizableKey(String algorithm, byte[] material, int off, int len) {
    this.algorithm = algorithm;
    this.key = Arrays.copyOfRange(material, off, off + len);
  }

  @Override
  public String getAlgorithm() {
    return algorithm;
  }

  @Override
  public String getFormat() {
    return "RAW";
  }

  @Override
  public byte[] getEncoded() {
    if (destroyed) {
      throw new IllegalStateException("key destroyed");
    }
    return key.clone();
  }

  @Override
  public void destroy() {
    Arrays.fill(key, (byte) 0);
    destroyed = true;
  }

  @Override
  public boolean isDestroyed() {
    return destroyed;
  }

  /** Never the key bytes: keys must not reach a log even by accident. */
  @Override
  public String toString() {
    return algorithm + " key (" + key.length + " bytes)";
  }
}
