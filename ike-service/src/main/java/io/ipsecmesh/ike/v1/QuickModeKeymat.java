package io.ipsecmesh.ike.v1;

import io.ipsecmesh.proto.ikev1.IsakmpCodec;
import io.ipsecmesh.proto.ikev1.IsakmpConstants;
import java.util.Arrays;

/**
 * Quick Mode KEYMAT (RFC 2409 §5.5): KEYMAT = K1 | K2 | … with
 * K1 = prf(SKEYID_d, [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b) and
 * Kn = prf(SKEYID_d, Kn-1 | [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b) until enough bits; the Quick Mode
 * DH secret only with PFS. Each direction has its own KEYMAT, keyed by the SPI its receiver chose; the
 * encryption key is taken first, then the integrity key (RFC 2407 §4.5 / strongSwan and IOS agree).
 */
public final class QuickModeKeymat {

  private QuickModeKeymat() {}

  /** {@code gqmxy} is empty without PFS. */
  public static byte[] keymat(Ikev1Hash hash, byte[] skeyidD, byte[] gqmxy, long spi, byte[] ni, byte[] nr,
      int bytes) {
    byte[] proto = {(byte) IsakmpConstants.PROTO_IPSEC_ESP};
    byte[] spiB = IsakmpCodec.uint32(spi);
    byte[] out = new byte[bytes];
    byte[] k = hash.prf(skeyidD, gqmxy, proto, spiB, ni, nr);
    int filled = 0;
    while (true) {
      int n = Math.min(k.length, bytes - filled);
      System.arraycopy(k, 0, out, filled, n);
      filled += n;
      if (filled == bytes) {
        break;
      }
      byte[] next = hash.prf(skeyidD, k, gqmxy, proto, spiB, ni, nr);
      Arrays.fill(k, (byte) 0);
      k = next;
    }
    Arrays.fill(k, (byte) 0);
    return out;
  }
}
