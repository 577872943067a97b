package io.ipsecmesh.ike.v1;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-CBC of ISAKMP message bodies (RFC 2409 Appendix B). There is no IV on the wire: each exchange
 * carries its IV forward as the last ciphertext block of the previous message, which is why
 * {@link #lastBlock} is what callers keep. Padding (RFC 2408 §3.1, racoon-compatible) fills to the block
 * size with zeros and puts the pad count into the last byte; receivers ignore bytes after the last
 * payload anyway.
 */
public final class CbcCipher {

  private CbcCipher() {}

  public static byte[] encrypt(byte[] key, byte[] iv, byte[] plaintext) {
    int pad = (Phase1Keys.BLOCK - plaintext.length % Phase1Keys.BLOCK) % Phase1Keys.BLOCK;
    byte[] padded = Arrays.copyOf(plaintext, plaintext.length + pad);
    if (pad > 0) {
      padded[padded.length - 1] = (byte) pad;
    }
    try {
      return cipher(Cipher.ENCRYPT_MODE, key, iv).doFinal(padded);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-CBC unavailable", e);
    } finally {
      Arrays.fill(padded, (byte) 0);
    }
  }

  /** Null when the body is not a whole number of blocks. */
  public static byte[] decrypt(byte[] key, byte[] iv, byte[] body, int off, int len) {
    if (len == 0 || len % Phase1Keys.BLOCK != 0) {
      return null;
    }
    try {
      return cipher(Cipher.DECRYPT_MODE, key, iv).doFinal(body, off, len);
    } catch (GeneralSecurityException e) {
      return null;
    }
  }

  /** The last ciphertext block, which is the next IV of the exchange. */
  public static byte[] lastBlock(byte[] message) {
    return Arrays.copyOfRange(message, message.length - Phase1Keys.BLOCK, message.length);
  }

  private static Cipher cipher(int mode, byte[] key, byte[] iv) throws GeneralSecurityException {
    Cipher c = Cipher.getInstance("AES/CBC/NoPadding");
    c.init(mode, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
    return c;
  }
}
