package io.ipsecmesh.proto.sa;

import io.ipsecmesh.proto.kek.ProcessKek;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * Wraps SA keys under the cluster key-encryption key (AES key wrap with padding, RFC 5649) so keys
 * never sit in clear in Hazelcast or on the clustered event bus. The KEK is the process's
 * ({@link ProcessKek}): the file the launcher loaded ({@code --kek-file}), the same in every process
 * of a cluster and proven so at join ({@code KekProof}); a unit test without one gets
 * {@code IPSECMESH_KEK} or a random per-process KEK.
 */
public final class KeyWrap {

  private final SecretKeySpec kek;

  public KeyWrap(byte[] kek) {
    if (kek.length != 32) {
      throw new IllegalArgumentException("KEK must be 32 bytes");
    }
    this.kek = new SecretKeySpec(kek.clone(), "AES");
  }

  /** Under the process's KEK ({@link ProcessKek#current()}). */
  public static KeyWrap fromEnvironment() {
    byte[] k = ProcessKek.current().rawKey();
    try {
      return new KeyWrap(k);
    } finally {
      Arrays.fill(k, (byte) 0);
    }
  }

  public byte[] wrap(byte[] keyMaterial) {
    try {
      Cipher c = Cipher.getInstance("AES/KWP/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, kek);
      return c.doFinal(keyMaterial);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("key wrap failed", e);
    }
  }

  /** The caller owns the returned array and must zero it when the SA dies. */
  public byte[] unwrap(byte[] wrapped) {
    try {
      Cipher c = Cipher.getInstance("AES/KWP/NoPadding");
      c.init(Cipher.DECRYPT_MODE, kek);
      return c.doFinal(wrapped);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("key unwrap failed (another KEK?)", e);
    }
  }
}
