package io.ipsecmesh.ike.v1;

import io.ipsecmesh.ike.crypto.DhGroup;
import io.ipsecmesh.proto.config.IsakmpPolicy;

/**
 * One ISAKMP SA proposal: AES-CBC with its key length, the hash (and its HMAC as prf), the DH group
 * and the phase-1 lifetime, as one {@code crypto isakmp policy} with {@code authentication pre-share}
 * describes it.
 */
public record Ikev1Suite(int aesKeyBits, Ikev1Hash hash, DhGroup group, long lifetimeSeconds) {

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
    return new Ikev1Suite(bits, h, g, p.lifetimeSeconds());
  }

  public int keyBytes() {
    return aesKeyBits / 8;
  }

  @Override
  public String toString() {
    return "aes" + aesKeyBits + "-" + hash.iosName + "-group" + group.groupId;
  }
}
