package io.ipsecmesh.ike.crypto;

import io.ipsecmesh.proto.ikev2.IkeConstants;

/** IKE SA encryption transforms: AES-CBC (RFC 3602) and AES-GCM with a 16-octet ICV (RFC 5282). */
public enum EncrAlgorithm {
  AES_CBC(IkeConstants.ENCR_AES_CBC, false, 16, 0, 16),
  AES_GCM_16(IkeConstants.ENCR_AES_GCM_16, true, 8, 16, 1);

  public final int transformId;
  public final boolean aead;
  /** IV bytes on the wire. */
  public final int ivBytes;
  /** ICV produced by the cipher itself (AEAD), 0 when a separate integrity transform supplies it. */
  public final int aeadIcvBytes;
  /** Plaintext (payloads | padding | pad length) must be a multiple of this. */
  public final int blockBytes;

  EncrAlgorithm(int transformId, boolean aead, int ivBytes, int aeadIcvBytes, int blockBytes) {
    this.transformId = transformId;
    this.aead = aead;
    this.ivBytes = ivBytes;
    this.aeadIcvBytes = aeadIcvBytes;
    this.blockBytes = blockBytes;
  }

  public static EncrAlgorithm byTransformId(int id) {
    for (EncrAlgorithm e : values()) {
      if (e.transformId == id) {
        return e;
      }
    }
    return null;
  }

  /** SK_e length: the AES key plus, for GCM, the 4-byte salt (RFC 5282 §7.1). */
  public int keyMaterialBytes(int keyBits) {
    return keyBits / 8 + (aead ? 4 : 0);
  }
}
