package io.ipsecmesh.proto.sa;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * Wraps SA keys under the cluster key-encryption key (AES key wrap with padding, RFC 5649) so keys
 * never sit in clear in Hazelcast or on the clustered event bus. The KEK comes from
 * {@code IPSECMESH_KEK} (64 hex digits), the same in every process of a cluster; a single JVM
 * without it uses a random per-process KEK, which is all it needs.
 */
public final class KeyWrap {

  private final SecretKeySpec kek;

  public KeyWrap(byte[] kek) {
    if (kek.length != 32) {
      throw new IllegalArgumentException("KEK must be 32 bytes");
    }
    this.kek = new SecretKeySpec(kek.clone(), "AES");
  }

  public static KeyWrap fromEnvironment() {
    String hex = System.getenv("IPSECMESH_KEK");
    if (hex != null && !hex.isBlank()) {
      return new KeyWrap(HexFormat.of().parseHex(hex.trim()));
    }
    return Holder.PROCESS_LOCAL;
  }

  private static final class Holder {
    static final KeyWrap PROCESS_LOCAL = random();

    private static KeyWrap random() {
      byte[] k = new byte[32];
      new SecureRandom().nextBytes(k);
      KeyWrap w = new KeyWrap(k);
      Arrays.fill(k, (byte) 0);
      return w;
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
      throw new IllegalArgumentException("key unwrap failed (different IPSECMESH_KEK?)", e);
    }
  }
}
