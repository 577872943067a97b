package io.ipsecmesh.esp.crypto;

import io.ipsecmesh.proto.esp.EspHeader;
import io.ipsecmesh.proto.sa.EspTransform;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;

/**
 * AES-CBC (RFC 3602) with HMAC-SHA1-96 (RFC 2404) or HMAC-SHA-256-128 / -384-192 / -512-256 (RFC
 * 4868), encrypt-then-MAC as RFC 4303 §3.3.2 orders it.
 *
 * <p><b>IV without per-packet re-initialisation.</b> CBC IVs must be unpredictable (RFC 3602 §3;
 * a counter is not enough). Each packet's IV is {@code E_K(seq64 | r)} with {@code r} 8 random
 * bytes drawn at SA creation: the "encrypt a nonce under the same key" method of NIST SP 800-38A
 * Appendix C. That block is computed for free by running the CBC encryption, initialised once
 * with an all-zero IV, over {@code nonce | plaintext}: the first output block is {@code E_K(nonce)}
 * and every later block is chained to it exactly as if it had been the IV. Decryption mirrors
 * this with a zero-IV decryptor over {@code IV | ciphertext}, whose first output block is
 * discarded. So neither direction builds an {@code IvParameterSpec} or re-inits a Cipher per packet.
 * Both passes run from the packet into a {@link ThreadScratch} array and copy back: in place, the
 * JDK's CipherCore would allocate a copy of the packet each time.
 *
 * <p>ICV = the leading {@code icvBytes} of HMAC(SPI | Seq | IV | ciphertext [| Seq-high with
 * ESN]), the high half authenticated but never sent (RFC 4303 §2.2.1, §3.3.2.1), compared in
 * constant time before anything is decrypted.
 */
final class CbcHmacEspCrypto extends EspSaCrypto {
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * The cipher's block (= IV) size: 16 for AES; 8 for the legacy 3DES-CBC (RFC 2451) and DES-CBC (RFC
   * 2405), whose nonce block is the sequence number alone, encrypted into the IV the same way.
   */
  private final int block;
  private final String cipherName;

  private Cipher encryptor;
  private Cipher decryptor;
  private Mac mac;
  private ZeroizableKey encKey;
  private ZeroizableKey integKey;
  private final byte[] nonceSecret = new byte[8];
  private final byte[] macOut;
  private final byte[] seqHighBytes = new byte[4];

  CbcHmacEspCrypto(EspTransform transform, byte[] keyMaterial, int spi, boolean esn) {
    super(transform, spi, esn, transform.ivBytes);
    this.block = transform.ivBytes;
    this.cipherName = transform.cbcCipher();
    this.encKey = new ZeroizableKey(cipherName, keyMaterial, 0, transform.encKeyBytes);
    String macName = macAlgorithm(transform);
    this.integKey = new ZeroizableKey(macName, keyMaterial, transform.encKeyBytes, transform.integKeyBytes);
    RANDOM.nextBytes(nonceSecret);
    try {
      IvParameterSpec zeroIv = new IvParameterSpec(new byte[block]);
      this.encryptor = Cipher.getInstance(cipherName + "/CBC/NoPadding");
      this.encryptor.init(Cipher.ENCRYPT_MODE, encKey, zeroIv);
      this.decryptor = Cipher.getInstance(cipherName + "/CBC/NoPadding");
      this.decryptor.init(Cipher.DECRYPT_MODE, encKey, zeroIv);
      this.mac = Mac.getInstance(macName);
      this.mac.init(integKey);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("JCE lacks " + transform, e);
    }
    this.macOut = new byte[mac.getMacLength()];
  }

  private static String macAlgorithm(EspTransform transform) {
    return switch (transform.integKeyBytes) {
      case 16 -> "HmacMD5";
      case 20 -> "HmacSHA1";
      case 32 -> "HmacSHA256";
      case 48 -> "HmacSHA384";
      case 64 -> "HmacSHA512";
      default -> throw new IllegalArgumentException("no HMAC for " + transform);
    };
  }

  @Override
  int encrypt(long seq64, byte[] buf, int espOff, int encLen) {
    int ivOff = espOff + EspHeader.BYTES;
    EspHeader.writeLong(buf, ivOff, seq64);
    if (block == 16) {
      System.arraycopy(nonceSecret, 0, buf, ivOff + 8, 8);
    } else {
      // one 8-byte block: the 64-bit sequence number, unique per key, mixed with the secret
      for (int i = 0; i < 8; i++) {
        buf[ivOff + i] ^= nonceSecret[i];
      }
    }
    try {
      // A zero-IV CBC pass over nonce|plaintext turns the nonce into the IV E_K(nonce) (class doc).
      byte[] scratch = ThreadScratch.get(block + encLen);
      encryptor.doFinal(buf, ivOff, block + encLen, scratch, 0);
      System.arraycopy(scratch, 0, buf, ivOff, block + encLen);
      int authLen = headroom + encLen;
      computeMac(seq64, buf, espOff, authLen);
      System.arraycopy(macOut, 0, buf, espOff + authLen, icvBytes);
      return 0;
    } catch (GeneralSecurityException | RuntimeException e) {
      return CRYPTO_ERROR;
    }
  }

  @Override
  int decrypt(long seq64, byte[] buf, int espOff, int encLen) {
    int authLen = headroom + encLen;
    try {
      computeMac(seq64, buf, espOff, authLen);
      if (!equalsConstantTime(macOut, buf, espOff + authLen, icvBytes)) {
        return ICV_FAIL;
      }
      int ivOff = espOff + EspHeader.BYTES;
      byte[] scratch = ThreadScratch.get(block + encLen);
      decryptor.doFinal(buf, ivOff, block + encLen, scratch, 0);
      // The first block decrypted the IV itself (D_K(IV), no plaintext): not copied back.
      System.arraycopy(scratch, block, buf, ivOff + block, encLen);
      return 0;
    } catch (GeneralSecurityException | RuntimeException e) {
      return CRYPTO_ERROR;
    }
  }

  private void computeMac(long seq64, byte[] buf, int off, int len) throws GeneralSecurityException {
    mac.update(buf, off, len);
    if (esn) {
      EspHeader.writeInt(seqHighBytes, 0, seqHigh(seq64));
      mac.update(seqHighBytes, 0, 4);
    }
    mac.doFinal(macOut, 0);
  }

  /** Compares every byte whatever the first difference, so timing tells nothing about the ICV. */
  static boolean equalsConstantTime(byte[] expected, byte[] buf, int off, int len) {
    int diff = 0;
    for (int i = 0; i < len; i++) {
      diff |= expected[i] ^ buf[off + i];
    }
    return diff == 0;
  }

  @Override
  void wipeKeys() {
    try {
      byte[] zero = new byte[64];
      IvParameterSpec zeroIv = new IvParameterSpec(new byte[block]);
      ZeroizableKey zeroAes = new ZeroizableKey(cipherName, zero, 0, transform.encKeyBytes);
      encryptor.init(Cipher.ENCRYPT_MODE, zeroAes, zeroIv);
      decryptor.init(Cipher.DECRYPT_MODE, zeroAes, zeroIv);
      mac.init(new ZeroizableKey(mac.getAlgorithm(), zero, 0, transform.integKeyBytes));
    } catch (GeneralSecurityException | RuntimeException e) {
      // The references are dropped below either way.
    }
    encKey.destroy();
    integKey.destroy();
    encKey = null;
    integKey = null;
    encryptor = null;
    decryptor = null;
    mac = null;
    Arrays.fill(nonceSecret, (byte) 0);
    Arrays.fill(macOut, (byte) 0);
  }
}
