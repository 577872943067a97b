package io.ipsecmesh.ike.crypto;

import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.ikev2.Payload.Proposal;
import io.ipsecmesh.proto.ikev2.Payload.Transform;
import java.util.ArrayList;
import java.util.List;

/**
 * One complete IKE SA transform set: encryption (+ key length), PRF, integrity (null with AEAD) and DH
 * group, i.e. one proposal as offered or as selected (RFC 7296 §3.3).
 */
public record IkeSuite(EncrAlgorithm encr, int keyBits, PrfAlgorithm prf, IntegAlgorithm integ, DhGroup dh) {

  public IkeSuite {
    if (encr.aead != (integ == null)) {
      throw new IllegalArgumentException("AEAD needs no integrity transform, others need one");
    }
  }

  public int encKeyBytes() {
    return encr.keyMaterialBytes(keyBits);
  }

  public int integKeyBytes() {
    return integ == null ? 0 : integ.keyBytes;
  }

  public int icvBytes() {
    return encr.aead ? encr.aeadIcvBytes : integ.icvBytes;
  }

  /** The IKE proposal that offers exactly this suite. */
  public Proposal toProposal(int number, byte[] spi) {
    List<Transform> t = new ArrayList<>();
    t.add(Transform.withKeyLength(IkeConstants.TRANSFORM_ENCR, encr.transformId, keyBits));
    t.add(Transform.of(IkeConstants.TRANSFORM_PRF, prf.transformId));
    if (integ != null) {
      t.add(Transform.of(IkeConstants.TRANSFORM_INTEG, integ.transformId));
    }
    t.add(Transform.of(IkeConstants.TRANSFORM_DH, dh.groupId));
    return new Proposal(number, IkeConstants.PROTO_IKE, spi, t);
  }

  /** strongSwan-style name, e.g. aes128gcm16-prfsha256-x25519, for logs. */
  public String name() {
    String e = encr == EncrAlgorithm.AES_GCM_16 ? "aes" + keyBits + "gcm16" : "aes" + keyBits;
    String i = integ == null ? "" : "-" + integ.iosName;
    String g = switch (dh) {
      case MODP_2048 -> "modp2048";
      case MODP_768 -> "modp768";
      case MODP_1024 -> "modp1024";
      case MODP_1536 -> "modp1536";
      case ECP_256 -> "ecp256";
      case ECP_384 -> "ecp384";
      case CURVE25519 -> "x25519";
    };
    return e + i + "-prf" + prf.iosName + "-" + g;
  }
}
