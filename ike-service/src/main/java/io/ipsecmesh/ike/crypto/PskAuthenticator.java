package io.ipsecmesh.ike.crypto;

import io.ipsecmesh.proto.ikev2.Payload;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Shared-key message integrity code (RFC 7296 §2.15):
 * AUTH = prf(prf(Shared Secret, "Key Pad for IKEv2"), RealMessage | NonceData | prf(SK_p, RestOfIDPayload)),
 * where RestOfIDPayload is the ID payload body (ID Type, 3 reserved octets, identification data).
 */
public final class PskAuthenticator {

  private static final byte[] KEY_PAD = "Key Pad for IKEv2".getBytes(StandardCharsets.US_ASCII);

  private PskAuthenticator() {}

  /**
   * @param realMessage the signer's own IKE_SA_INIT message as sent
   * @param peerNonce   the other side's nonce data
   * @param skP         SK_pi when the initiator signs, SK_pr for the responder
   */
  public static byte[] authData(PrfAlgorithm prf, byte[] psk, byte[] realMessage, byte[] peerNonce, byte[] skP,
      Payload.Identification id) {
    byte[] padKey = prf.prf(psk, KEY_PAD);
    try {
      return prf.prf(padKey, signedOctets(prf, realMessage, peerNonce, skP, id));
    } finally {
      Arrays.fill(padKey, (byte) 0);
    }
  }

  /** InitiatorSignedOctets / ResponderSignedOctets of §2.15: RealMessage | NonceData | prf(SK_p, RestOfIDPayload). */
  public static byte[] signedOctets(PrfAlgorithm prf, byte[] realMessage, byte[] peerNonce, byte[] skP,
      Payload.Identification id) {
    byte[] rest = new byte[4 + id.data().length];
    rest[0] = (byte) id.idType();
    System.arraycopy(id.data(), 0, rest, 4, id.data().length);
    return IkeSaKeys.concat(realMessage, peerNonce, prf.prf(skP, rest));
  }

  /** Constant-time comparison of a received AUTH value with the expected one. */
  public static boolean verify(byte[] expected, byte[] received) {
    return MessageDigest.isEqual(expected, received);
  }
}
