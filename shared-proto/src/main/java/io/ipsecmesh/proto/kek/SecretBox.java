package io.ipsecmesh.proto.kek;

import io.ipsecmesh.proto.runtime.ThreadJce;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals secrets under a key derived from the KEK for one purpose ({@link Kek#derive}): AES-256-GCM
 * with a random 96-bit nonce (NIST SP 800-38D §8.2.2: random nonces stay safe below 2^32 seals per key)
 * and the record the secret belongs to as associated data, so a sealed secret moved to another record
 * or field, or altered, does not open. Text form: {@code "6$"} + base64url(version 1 | nonce | ciphertext
 * | tag), the {@code 6} after IOS's type 6 (encrypted) keys.
 */
public final class SecretBox {

  public static final String PREFIX = "6$";
  private static final byte VERSION = 1;
  private static final int NONCE = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec key;
  private final String purpose;

  public SecretBox(Kek kek, String purpose) {
    byte[] k = kek.derive(purpose);
    try {
      this.key = new SecretKeySpec(k, "AES");
    } finally {
      Arrays.fill(k, (byte) 0);
    }
    this.purpose = purpose;
  }

  /** Sealed under the process's KEK ({@link ProcessKek#current()}). */
  public static SecretBox of(String purpose) {
    return new SecretBox(ProcessKek.current(), purpose);
  }

  public String seal(byte[] plaintext, String associatedData) {
    byte[] nonce = new byte[NONCE];
    RANDOM.nextBytes(nonce);
    try {
      Cipher c = ThreadJce.cipher("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
      byte[] ct = c.doFinal(plaintext);
      byte[] out = new byte[1 + NONCE + ct.length];
      out[0] = VERSION;
      System.arraycopy(nonce, 0, out, 1, NONCE);
      System.arraycopy(ct, 0, out, 1 + NONCE, ct.length);
      return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }

  public String seal(String plaintext, String associatedData) {
    byte[] p = plaintext.getBytes(StandardCharsets.UTF_8);
    try {
      return seal(p, associatedData);
    } finally {
      Arrays.fill(p, (byte) 0);
    }
  }

  public static boolean isSealed(String text) {
    return text != null && text.startsWith(PREFIX);
  }

  /**
   * @throws SealedSecretException when the text is not a sealed secret, was altered, belongs to another
   *     record or was sealed under another KEK (the GCM tag does not verify; the message never echoes it)
   */
  public byte[] open(String sealed, String associatedData) {
    if (!isSealed(sealed)) {
      throw new SealedSecretException("not a sealed secret");
    }
    byte[] in;
    try {
      in = Base64.getUrlDecoder().decode(sealed.substring(PREFIX.length()));
    } catch (IllegalArgumentException e) {
      throw new SealedSecretException("sealed secret is not base64url");
    }
    if (in.length < 1 + NONCE + TAG_BITS / 8 || in[0] != VERSION) {
      throw new SealedSecretException("sealed secret has a bad length or version");
    }
    try {
      Cipher c = ThreadJce.cipher("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 1, NONCE));
      c.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
      return c.doFinal(in, 1 + NONCE, in.length - 1 - NONCE);
    } catch (javax.crypto.AEADBadTagException e) {
      throw new SealedSecretException("sealed secret does not open (altered, moved from another record, or sealed "
          + "under another KEK)");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }

  public String openString(String sealed, String associatedData) {
    byte[] p = open(sealed, associatedData);
    try {
      return new String(p, StandardCharsets.UTF_8);
    } finally {
      Arrays.fill(p, (byte) 0);
    }
  }

  @Override
  public String toString() {
    return "SecretBox(" + purpose + ")";
  }

  /** A sealed secret that does not open. */
  public static final class SealedSecretException extends IllegalArgumentException {
    public SealedSecretException(String message) {
      super(message);
    }
  }
}
