package io.ipsecmesh.ike.v1;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-CBC (or, with crypto engine compliance shield disable, 3DES-CBC: 8-byte blocks) of ISAKMP message
 * bodies (RFC 2409 Appendix B). There is no IV on the wire: each exchange
 * carries its IV forward as the last ciphertext block of the previous message, which is why
 * {@link #lastBlock} is what callers keep. Padding (RFC 2408 §3.1, racoon-compatible) fills to the block
 * size with zeros and puts the pad count into the last byte; receivers ignore bytes after the last
 * payload anyway.
 */
public final class CbcCipher {

  private CbcCipher() {}

  public static byte[] encrypt(byte[] key, byte[] iv, byte[] plaintext) {
    return encrypt("AES", Phase1Keys.BLOCK, key, iv, plaintext);
  }

  /** @param cipher JCE name, AES or DESede; {@code block} its block size */
  public static byte[] encrypt(String cipher, int block, byte[] key, byte[] iv, byte[] plaintext) {
    int pad = (block - plaintext.length % block) % block;
    byte[] padded = Arrays.copyOf(plaintext, plaintext.length + pad);
    if (pad > 0) {
      padded[padded.length - 1] = (byte) pad;
    }
    try {
      return cipher(cipher, Cipher.ENCRYPT_MODE, key, iv).doFinal(padded);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(cipher + "-CBC unavailable", e);
    } finally {
      Arrays.fill(padded, (byte) 0);
    }
  }

  /** Null when the body is not a whole number of blocks. */
  public static byte[] decrypt(byte[] key, byte[] iv, byte[] body, int off, int len) {
    return decrypt("AES", Phase1Keys.BLOCK, key, iv, body, off, len);
  }

  public static byte[] decrypt(String cipher, int block, byte[] key, byte[] iv, byte[] body, int off, int len) {
    if (len == 0 || len % block != 0) {
      return null;
    }
    try {
      return cipher(cipher, Cipher.DECRYPT_MODE, key, iv).doFinal(body, off, len);
    } catch (GeneralSecurityException e) {
      return null;
    }
  }

  /** The last ciphertext block, which is the next IV of the exchange. */
  public static byte[] lastBlock(byte[] message) {
    return lastBlock(message, Phase1Keys.BLOCK);
  }

  public static byte[] lastBlock(byte[] message, int block) {
    return Arrays.copyOfRange(message, message.length - block, message.length);
  }

  private static Cipher cipher(String name, int mode, byte[] key, byte[] iv) throws GeneralSecurityException {
    Cipher c = Cipher.getInstance(name + "/CBC/NoPadding");
    c.init(mode, new SecretKeySpec(key, name), new IvParameterSpec(iv));
    return c;
  }
}
