package io.ipsecmesh.ike.v1;

import io.ipsecmesh.ike.crypto.DhGroup;
import io.ipsecmesh.proto.config.IsakmpPolicy;

/**
 * One ISAKMP SA proposal: AES-CBC with its key length (or 3DES-CBC under crypto engine compliance shield
 * disable), the hash (and its HMAC as prf), the DH group
 * and the phase-1 lifetime, as one {@code crypto isakmp policy} with {@code authentication pre-share}
 * describes it.
 */
public record Ikev1Suite(int aesKeyBits, Ikev1Hash hash, DhGroup group, long lifetimeSeconds, boolean tripleDes) {

  /** An AES-CBC suite. */
  public Ikev1Suite(int aesKeyBits, Ikev1Hash hash, DhGroup group, long lifetimeSeconds) {
    this(aesKeyBits, hash, group, lifetimeSeconds, false);
  }

  /** The suite of a pre-share policy, or null when it names something this gateway does not do. */
  public static Ikev1Suite of(IsakmpPolicy p) {
    if (!"pre-share".equals(p.authentication())) {
      return null;
    }
    Ikev1Hash h = Ikev1Hash.byIosName(p.hash());
    DhGroup g = DhGroup.byId(p.group());
    int bits;
    try {
      bits = p.aesKeyBits();
    } catch (RuntimeException e) {
      return null;
    }
    if (h == null || g == null || g == DhGroup.CURVE25519 || (bits != 128 && bits != 192 && bits != 256)) {
      return null;
    }
    return new Ikev1Suite(bits, h, g, p.lifetimeSeconds(), p.tripleDes());
  }

  /** The cipher key: 16/24/32 bytes of AES, or 24 for 3DES (three DES keys, RFC 2451). */
  public int keyBytes() {
    return tripleDes ? 24 : aesKeyBits / 8;
  }

  @Override
  public String toString() {
    return (tripleDes ? "3des" : "aes" + aesKeyBits) + "-" + hash.iosName + "-group" + group.groupId;
  }
}
