package io.ipsecmesh.ike.crypto;

import io.ipsecmesh.proto.ikev2.IkeCodec;
import java.util.Arrays;

/**
 * The seven secrets of an IKE SA (RFC 7296 §2.14):
 * SKEYSEED = prf(Ni | Nr, g^ir);
 * {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr).
 * Owned by one IKE SA; {@link #destroy()} zeroes them when it dies.
 */
public final class IkeSaKeys {

  public final IkeSuite suite;
  public final byte[] skD;
  public final byte[] skAi;
  public final byte[] skAr;
  public final byte[] skEi;
  public final byte[] skEr;
  public final byte[] skPi;
  public final byte[] skPr;

  private IkeSaKeys(IkeSuite suite, byte[] all) {
    this.suite = suite;
    int p = suite.prf().outputBytes;
    int a = suite.integKeyBytes();
    int e = suite.encKeyBytes();
    int o = 0;
    skD = Arrays.copyOfRange(all, o, o += p);
    skAi = Arrays.copyOfRange(all, o, o += a);
    skAr = Arrays.copyOfRange(all, o, o += a);
    skEi = Arrays.copyOfRange(all, o, o += e);
    skEr = Arrays.copyOfRange(all, o, o += e);
    skPi = Arrays.copyOfRange(all, o, o += p);
    skPr = Arrays.copyOfRange(all, o, o + p);
  }

  public static IkeSaKeys derive(IkeSuite suite, byte[] sharedSecret, byte[] ni, byte[] nr, long spiI, long spiR) {
    PrfAlgorithm prf = suite.prf();
    byte[] skeyseed = prf.prf(concat(ni, nr), sharedSecret);
    byte[] seed = concat(ni, nr, spi(spiI), spi(spiR));
    int total = 3 * prf.outputBytes + 2 * suite.integKeyBytes() + 2 * suite.encKeyBytes();
    byte[] all = prf.prfPlus(skeyseed, seed, total);
    try {
      return new IkeSaKeys(suite, all);
    } finally {
      Arrays.fill(skeyseed, (byte) 0);
      Arrays.fill(all, (byte) 0);
    }
  }

  /**
   * Keys of an IKE SA created by rekeying (RFC 7296 §2.18): SKEYSEED = prf(SK_d (old), g^ir (new) | Ni |
   * Nr) with the old SA's PRF (the exchange belongs to it), then prf+ of the new SA's PRF over
   * Ni | Nr | SPIi | SPIr, where SPIi is the new SA's initiator (the rekey exchange's initiator).
   */
  public static IkeSaKeys deriveRekey(PrfAlgorithm oldPrf, byte[] oldSkD, IkeSuite suite, byte[] sharedSecret,
      byte[] ni, byte[] nr, long spiI, long spiR) {
    byte[] skeyseed = oldPrf.prf(oldSkD, sharedSecret, ni, nr);
    byte[] seed = concat(ni, nr, spi(spiI), spi(spiR));
    PrfAlgorithm prf = suite.prf();
    int total = 3 * prf.outputBytes + 2 * suite.integKeyBytes() + 2 * suite.encKeyBytes();
    byte[] all = prf.prfPlus(skeyseed, seed, total);
    try {
      return new IkeSaKeys(suite, all);
    } finally {
      java.util.Arrays.fill(skeyseed, (byte) 0);
      java.util.Arrays.fill(all, (byte) 0);
    }
  }

  /**
   * The keys as {@link #keymat()} wrote them, for an IKE SA adopted from its checkpoint; the length must be the
   * suite's. The caller zeroes {@code keymat}.
   */
  public static IkeSaKeys fromKeymat(IkeSuite suite, byte[] keymat) {
    int total = 3 * suite.prf().outputBytes + 2 * suite.integKeyBytes() + 2 * suite.encKeyBytes();
    if (keymat.length != total) {
      throw new IllegalArgumentException("key material of " + keymat.length + " bytes, " + suite.name() + " has "
          + total);
    }
    return new IkeSaKeys(suite, keymat);
  }

  /** {@code SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} (RFC 7296 §2.14): the caller zeroes it. */
  public byte[] keymat() {
    return concat(skD, skAi, skAr, skEi, skEr, skPi, skPr);
  }

  /** The SK cipher for messages the original initiator sends (SK_ei/SK_ai) or receives. */
  public SkCipher initiatorCipher() {
    return new SkCipher(suite, skEi, skAi);
  }

  public SkCipher responderCipher() {
    return new SkCipher(suite, skEr, skAr);
  }

  public void destroy() {
    for (byte[] k : new byte[][] {skD, skAi, skAr, skEi, skEr, skPi, skPr}) {
      Arrays.fill(k, (byte) 0);
    }
  }

  static byte[] spi(long v) {
    byte[] b = new byte[8];
    IkeCodec.putLong(b, 0, v);
    return b;
  }

  static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int o = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, o, p.length);
      o += p.length;
    }
    return out;
  }
}
