package io.ipsecmesh.esp.crypto;

import io.ipsecmesh.proto.esp.EspHeader;
import io.ipsecmesh.proto.sa.EspTransform;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.spec.AlgorithmParameterSpec;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;

/**
 * AES-GCM with a 16-byte ICV (RFC 4106) and ChaCha20-Poly1305 (RFC 7634) for ESP.
 *
 * <ul>
 *   <li>Nonce = salt (last 4 bytes of the encryption key material) | IV (8 bytes on the wire).
 *       The IV is the 64-bit sequence number: unique per packet under one key as RFC 4106 §3.1
 *       and RFC 7634 §2 require, and the caller's counter is already strictly increasing.
 *   <li>AAD = SPI | Seq, or SPI | Seq-high | Seq-low with ESN (RFC 4106 §5, RFC 7634 §2.1).
 *   <li>One {@link Cipher} per SA, initialised per packet with a fresh parameter spec: JCE refuses
 *       to encrypt twice with one (key, nonce), and its parameter specs are immutable, so that
 *       small allocation is the price of not reusing a nonce (measured in docs/performance.md).
 *   <li>Decryption runs from the packet into a {@link ThreadScratch} array, and the plaintext is
 *       copied back over the ciphertext only once the tag verified. In place, the JDK 25 AES-GCM
 *       avoids its AVX-512 intrinsic (GaloisCounterMode.overlapDetection) and, on a bad tag,
 *       leaves the unauthenticated plaintext in the buffer (seen in this project's tests). Through
 *       the scratch array a forged packet leaves the caller's buffer untouched, and the scratch
 *       region is wiped.
 * </ul>
 */
final class AeadEspCrypto extends EspSaCrypto {
  private static final int SALT_BYTES = 4;
  private static final int TAG_BITS = 128;
  private static final ConcurrentMap<String, Provider> PROVIDERS = new ConcurrentHashMap<>();

  private final boolean gcm;
  private Cipher cipher;
  private ZeroizableKey key;
  private final byte[] nonce = new byte[SALT_BYTES + 8];
  private final byte[] aad = new byte[12];
  private final int aadLen;

  AeadEspCrypto(EspTransform transform, byte[] keyMaterial, int spi, boolean esn) {
    super(transform, spi, esn, 1);
    this.gcm = transform != EspTransform.CHACHA20_POLY1305;
    int keyLen = transform.encKeyBytes - SALT_BYTES;
    this.key = new ZeroizableKey(gcm ? "AES" : "ChaCha20", keyMaterial, 0, keyLen);
    System.arraycopy(keyMaterial, keyLen, nonce, 0, SALT_BYTES);
    this.aadLen = esn ? 12 : 8;
    // SPI never changes: written into the AAD once.
    EspHeader.writeInt(aad, 0, spi);
    try {
      this.cipher = newCipher(gcm ? "AES/GCM/NoPadding" : "ChaCha20-Poly1305");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("JCE lacks " + transform, e);
    }
  }

  /**
   * A Cipher of the provider the JCA picks for {@code transformation}, asked once per transformation. A Cipher from
   * {@code getInstance(transformation)} keeps the JCA's candidates (four transforms with their service ids) until its
   * first {@code init}, which for an SA that carries no traffic never comes: 100 000 idle SAs held 800 000 of them,
   * with their lists and the strings parsed for them about 1.7 KB per SA (docs/performance.md, "The third AMD
   * session"). Named, the provider makes it directly.
   */
  private static Cipher newCipher(String transformation) throws GeneralSecurityException {
    Provider provider = PROVIDERS.get(transformation);
    if (provider == null) {
      provider = Cipher.getInstance(transformation).getProvider();
      PROVIDERS.putIfAbsent(transformation, provider);
    }
    return Cipher.getInstance(transformation, provider);
  }

  @Override
  int encrypt(long seq64, byte[] buf, int espOff, int encLen) {
    int ivOff = espOff + EspHeader.BYTES;
    EspHeader.writeLong(buf, ivOff, seq64);
    EspHeader.writeLong(nonce, SALT_BYTES, seq64);
    setAad(seq64);
    try {
      cipher.init(Cipher.ENCRYPT_MODE, key, params());
      cipher.updateAAD(aad, 0, aadLen);
      int ctOff = espOff + headroom;
      cipher.doFinal(buf, ctOff, encLen, buf, ctOff);
      return 0;
    } catch (GeneralSecurityException | RuntimeException e) {
      return CRYPTO_ERROR;
    }
  }

  @Override
  int decrypt(long seq64, byte[] buf, int espOff, int encLen) {
    System.arraycopy(buf, espOff + EspHeader.BYTES, nonce, SALT_BYTES, 8);
    setAad(seq64);
    int ctOff = espOff + headroom;
    byte[] scratch = ThreadScratch.get(encLen + icvBytes);
    try {
      cipher.init(Cipher.DECRYPT_MODE, key, params());
      cipher.updateAAD(aad, 0, aadLen);
      cipher.doFinal(buf, ctOff, encLen + icvBytes, scratch, 0);
      System.arraycopy(scratch, 0, buf, ctOff, encLen);
      return 0;
    } catch (AEADBadTagException e) {
      Arrays.fill(scratch, 0, encLen, (byte) 0);
      return ICV_FAIL;
    } catch (GeneralSecurityException | RuntimeException e) {
      Arrays.fill(scratch, 0, encLen, (byte) 0);
      return CRYPTO_ERROR;
    }
  }

  private void setAad(long seq64) {
    if (esn) {
      EspHeader.writeInt(aad, 4, seqHigh(seq64));
      EspHeader.writeInt(aad, 8, (int) seq64);
    } else {
      EspHeader.writeInt(aad, 4, (int) seq64);
    }
  }

  private AlgorithmParameterSpec params() {
    return gcm ? new GCMParameterSpec(TAG_BITS, nonce) : new IvParameterSpec(nonce);
  }

  @Override
  void wipeKeys() {
    // Re-keying the Cipher with zeros overwrites the expanded key it holds; the provider's own
    // copies are then unreachable.
    try {
      byte[] zero = new byte[transform.encKeyBytes - SALT_BYTES];
      Arrays.fill(nonce, (byte) 0xA5);
      cipher.init(Cipher.DECRYPT_MODE, new ZeroizableKey(key.getAlgorithm(), zero, 0, zero.length), params());
    } catch (GeneralSecurityException | RuntimeException e) {
      // The reference is dropped below either way.
    }
    key.destroy();
    key = null;
    cipher = null;
    Arrays.fill(nonce, (byte) 0);
  }
}
