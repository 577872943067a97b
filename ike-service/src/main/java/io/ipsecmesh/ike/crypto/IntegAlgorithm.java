package io.ipsecmesh.ike.crypto;

import io.ipsecmesh.proto.ikev2.IkeConstants;

/** IKE SA integrity transforms: truncated HMAC-SHA2 (RFC 4868 §2.1.1). */
public enum IntegAlgorithm {
  HMAC_SHA2_256_128(IkeConstants.AUTH_HMAC_SHA2_256_128, "HmacSHA256", 32, 16, "sha256"),
  HMAC_SHA2_384_192(IkeConstants.AUTH_HMAC_SHA2_384_192, "HmacSHA384", 48, 24, "sha384"),
  HMAC_SHA2_512_256(IkeConstants.AUTH_HMAC_SHA2_512_256, "HmacSHA512", 64, 32, "sha512");

  public final int transformId;
  public final String jceName;
  public final int keyBytes;
  public final int icvBytes;
  public final String iosName;

  IntegAlgorithm(int transformId, String jceName, int keyBytes, int icvBytes, String iosName) {
    this.transformId = transformId;
    this.jceName = jceName;
    this.keyBytes = keyBytes;
    this.icvBytes = icvBytes;
    this.iosName = iosName;
  }

  public static IntegAlgorithm byTransformId(int id) {
    for (IntegAlgorithm a : values()) {
      if (a.transformId == id) {
        return a;
      }
    }
    return null;
  }

  public static IntegAlgorithm byIosName(String name) {
    for (IntegAlgorithm a : values()) {
      if (a.iosName.equalsIgnoreCase(name)) {
        return a;
      }
    }
    return null;
  }
}
