package io.ipsecmesh.proto.kek;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The cluster's key-encryption key: 32 random bytes every member of one cluster holds (a file the
 * operator provisions, see {@link KekFile}). Nothing uses it directly but {@code KeyWrap}; every other
 * use takes a key derived per purpose with HKDF-SHA256 (RFC 5869), so a key for one purpose (say the
 * HMAC of bus messages) never serves another (sealing configuration secrets).
 */
public final class Kek {

  /** Length of the KEK and of every derived key, in bytes. */
  public static final int LENGTH = 32;

  private static final byte[] SALT = "ipsec-mesh kek v1".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] PROOF_LABEL = "ipsec-mesh member proof v1".getBytes(StandardCharsets.US_ASCII);

  private final byte[] key;
  private final String origin;

  /** @param origin where the key came from, for messages (a file name, never the key) */
  public Kek(byte[] key, String origin) {
    if (key.length != LENGTH) {
      throw new IllegalArgumentException("a KEK is " + LENGTH + " bytes, " + origin + " has " + key.length);
    }
    this.key = key.clone();
    this.origin = origin;
  }

  /** The KEK written as 64 hex digits (the {@code IPSECMESH_KEK} and key file format). */
  public static Kek parseHex(String hex, String origin) {
    String h = hex.strip();
    if (!h.matches("[0-9a-fA-F]{64}")) {
      throw new IllegalArgumentException(origin + ": a KEK is 64 hex digits (32 bytes), got "
          + h.length() + " characters" + (h.matches("[0-9a-fA-F]*") ? "" : " that are not all hex digits"));
    }
    byte[] k = HexFormat.of().parseHex(h);
    try {
      return new Kek(k, origin);
    } finally {
      Arrays.fill(k, (byte) 0);
    }
  }

  public String origin() {
    return origin;
  }

  /** The raw key, a copy the caller zeroes. Only {@code KeyWrap} needs it. */
  public byte[] rawKey() {
    return key.clone();
  }

  /**
   * A 32-byte key for one purpose: HKDF-Expand(HKDF-Extract(salt, KEK), purpose, 32) (RFC 5869 §2.2,
   * §2.3). The caller zeroes the returned array when done.
   */
  public byte[] derive(String purpose) {
    return hkdf32(SALT, key, purpose.getBytes(StandardCharsets.UTF_8));
  }

  /** HKDF-SHA256 with L = 32: one block of HKDF-Expand, T(1) = HMAC(PRK, info | 0x01) (RFC 5869 §2.3). */
  static byte[] hkdf32(byte[] salt, byte[] ikm, byte[] info) {
    byte[] prk = hmac(salt, ikm);
    try {
      byte[] msg = Arrays.copyOf(info, info.length + 1);
      msg[info.length] = 1;
      return hmac(prk, msg);
    } finally {
      Arrays.fill(prk, (byte) 0);
    }
  }

  /**
   * Proof that a member holds this KEK without revealing it: the first 16 bytes of an HMAC of a fixed
   * label under a derived key, as hex. Published as a Hazelcast member attribute ({@link KekProof}),
   * it lets a member joining with another KEK see so at once instead of running a tunnel whose keys no
   * other member can unwrap. It detects a misconfiguration, not an attacker who can read the cluster
   * network: that network must be isolated anyway (docs/security.md).
   */
  public String proof() {
    byte[] k = derive("member-proof");
    try {
      return HexFormat.of().formatHex(Arrays.copyOf(hmac(k, PROOF_LABEL), 16));
    } finally {
      Arrays.fill(k, (byte) 0);
    }
  }

  /** Same key bytes (constant time). */
  public boolean sameKey(Kek other) {
    return MessageDigest.isEqual(key, other.key);
  }

  static byte[] hmac(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  @Override
  public String toString() {
    return "KEK from " + origin;
  }
}
