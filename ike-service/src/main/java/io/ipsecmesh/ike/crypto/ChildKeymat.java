package io.ipsecmesh.ike.crypto;

import io.ipsecmesh.proto.sa.EspTransform;
import java.util.Arrays;

/**
 * Child SA keying material (RFC 7296 §2.17): KEYMAT = prf+(SK_d, [g^ir (new) |] Ni | Nr), taken as
 * the initiator-to-responder keys first (encryption then integrity), then the responder-to-initiator
 * keys. Each direction's bytes are in the order {@link EspTransform#keyMaterialBytes()} describes.
 */
public record ChildKeymat(byte[] initiatorToResponder, byte[] responderToInitiator) {

  public static ChildKeymat derive(PrfAlgorithm prf, byte[] skD, EspTransform esp, byte[] pfsSecret, byte[] ni,
      byte[] nr) {
    byte[] seed = pfsSecret == null ? IkeSaKeys.concat(ni, nr) : IkeSaKeys.concat(pfsSecret, ni, nr);
    int n = esp.keyMaterialBytes();
    byte[] all = prf.prfPlus(skD, seed, 2 * n);
    try {
      return new ChildKeymat(Arrays.copyOfRange(all, 0, n), Arrays.copyOfRange(all, n, 2 * n));
    } finally {
      Arrays.fill(all, (byte) 0);
      Arrays.fill(seed, (byte) 0);
    }
  }

  public void destroy() {
    Arrays.fill(initiatorToResponder, (byte) 0);
    Arrays.fill(responderToInitiator, (byte) 0);
  }

  @Override
  public String toString() {
    return "ChildKeymat[<redacted>]";
  }
}
