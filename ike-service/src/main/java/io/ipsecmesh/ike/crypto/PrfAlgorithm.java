package io.ipsecmesh.ike.crypto;

import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.runtime.ThreadJce;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** The IKEv2 pseudo-random functions (RFC 4868 §2.1.2 HMAC-SHA2 PRFs) and prf+ (RFC 7296 §2.13). */
public enum PrfAlgorithm {
  HMAC_SHA2_256(IkeConstants.PRF_HMAC_SHA2_256, "HmacSHA256", 32, "sha256"),
  HMAC_SHA2_384(IkeConstants.PRF_HMAC_SHA2_384, "HmacSHA384", 48, "sha384"),
  HMAC_SHA2_512(IkeConstants.PRF_HMAC_SHA2_512, "HmacSHA512", 64, "sha512");

  public final int transformId;
  public final String jceName;
  /** Output length, and the preferred key length (RFC 7296 §2.13: SK_d, SK_pi, SK_pr have this size). */
  public final int outputBytes;
  public final String iosName;

  PrfAlgorithm(int transformId, String jceName, int outputBytes, String iosName) {
    this.transformId = transformId;
    this.jceName = jceName;
    this.outputBytes = outputBytes;
    this.iosName = iosName;
  }

  public static PrfAlgorithm byTransformId(int id) {
    for (PrfAlgorithm p : values()) {
      if (p.transformId == id) {
        return p;
      }
    }
    return null;
  }

  public static PrfAlgorithm byIosName(String name) {
    for (PrfAlgorithm p : values()) {
      if (p.iosName.equalsIgnoreCase(name)) {
        return p;
      }
    }
    return null;
  }

  public byte[] prf(byte[] key, byte[]... data) {
    try {
      Mac mac = ThreadJce.mac(jceName);
      mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, jceName));
      for (byte[] d : data) {
        mac.update(d);
      }
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(jceName + " unavailable", e);
    }
  }

  /**
   * prf+ (K,S) = T1 | T2 | … with T1 = prf(K, S | 0x01), Tn = prf(K, Tn-1 | S | n); at most 255
   * blocks (RFC 7296 §2.13).
   */
  public byte[] prfPlus(byte[] key, byte[] seed, int length) {
    int blocks = (length + outputBytes - 1) / outputBytes;
    if (blocks > 255) {
      throw new IllegalArgumentException("prf+ limited to 255 blocks");
    }
    try {
      Mac mac = ThreadJce.mac(jceName);
      mac.init(new SecretKeySpec(key, jceName));
      byte[] out = new byte[blocks * outputBytes];
      byte[] t = new byte[0];
      for (int i = 1; i <= blocks; i++) {
        mac.update(t);
        mac.update(seed);
        mac.update((byte) i);
        t = mac.doFinal();
        System.arraycopy(t, 0, out, (i - 1) * outputBytes, outputBytes);
      }
      Arrays.fill(t, (byte) 0);
      byte[] result = Arrays.copyOf(out, length);
      Arrays.fill(out, (byte) 0);
      return result;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(jceName + " unavailable", e);
    }
  }
}
