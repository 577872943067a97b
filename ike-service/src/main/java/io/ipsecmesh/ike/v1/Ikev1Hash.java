package io.ipsecmesh.ike.v1;

import io.ipsecmesh.proto.ikev1.IsakmpConstants;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The phase-1 hash algorithms (RFC 2409 Appendix A; SHA-2 from RFC 4868 §2.1 usage in IKEv1): the
 * negotiated hash gives both the plain hash (IV derivation, NAT-D) and, as HMAC, the prf of RFC 2409 §4.
 * IKEv2's {@code PrfAlgorithm} has no SHA-1, which IKEv1 peers still negotiate, hence this small enum.
 */
public enum Ikev1Hash {
  /** Legacy: only with crypto engine compliance shield disable (config-service refuses it otherwise). */
  MD5(IsakmpConstants.P1_HASH_MD5, "md5", "MD5", "HmacMD5", 16),
  SHA1(IsakmpConstants.P1_HASH_SHA, "sha", "SHA-1", "HmacSHA1", 20),
  SHA2_256(IsakmpConstants.P1_HASH_SHA2_256, "sha256", "SHA-256", "HmacSHA256", 32),
  SHA2_384(IsakmpConstants.P1_HASH_SHA2_384, "sha384", "SHA-384", "HmacSHA384", 48),
  SHA2_512(IsakmpConstants.P1_HASH_SHA2_512, "sha512", "SHA-512", "HmacSHA512", 64);

  public final int attributeValue;
  /** The {@code crypto isakmp policy} keyword. */
  public final String iosName;
  private final String digestName;
  private final String macName;
  public final int outputBytes;

  Ikev1Hash(int attributeValue, String iosName, String digestName, String macName, int outputBytes) {
    this.attributeValue = attributeValue;
    this.iosName = iosName;
    this.digestName = digestName;
    this.macName = macName;
    this.outputBytes = outputBytes;
  }

  public static Ikev1Hash byAttribute(int value) {
    for (Ikev1Hash h : values()) {
      if (h.attributeValue == value) {
        return h;
      }
    }
    return null;
  }

  public static Ikev1Hash byIosName(String name) {
    for (Ikev1Hash h : values()) {
      if (h.iosName.equalsIgnoreCase(name)) {
        return h;
      }
    }
    return null;
  }

  /** prf(key, data…) = HMAC (RFC 2409 §4: the HMAC version of the negotiated hash). */
  public byte[] prf(byte[] key, byte[]... data) {
    try {
      Mac mac = Mac.getInstance(macName);
      mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, macName));
      for (byte[] d : data) {
        mac.update(d);
      }
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(macName + " unavailable", e);
    }
  }

  public byte[] hash(byte[]... data) {
    try {
      MessageDigest md = MessageDigest.getInstance(digestName);
      for (byte[] d : data) {
        md.update(d);
      }
      return md.digest();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(digestName + " unavailable", e);
    }
  }
}
