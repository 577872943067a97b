package io.ipsecmesh.ike.v1;

import io.ipsecmesh.proto.ikev1.IsakmpCodec;
import java.util.Arrays;

/**
 * The keying material of an ISAKMP SA authenticated with a pre-shared key (RFC 2409 §5):
 * SKEYID = prf(pre-shared-key, Ni_b | Nr_b), SKEYID_d/a/e chained from it with g^xy and the cookies,
 * the encryption key from SKEYID_e (Appendix B: extended with prf(SKEYID_e, 0), prf(SKEYID_e, K1) … when
 * SKEYID_e is shorter than the cipher key) and the first IV = hash(g^xi | g^xr). HASH_I/HASH_R are the
 * §5 authentication hashes. {@link #destroy()} zeroes everything.
 */
public final class Phase1Keys {

  static final int BLOCK = 16;
  /** The 3DES-CBC block (RFC 2451), for ISAKMP SAs negotiated under crypto engine compliance shield disable. */
  static final int TDES_BLOCK = 8;

  private final Ikev1Hash hash;
  private final boolean tripleDes;
  private final byte[] skeyid;
  private final byte[] skeyidD;
  private final byte[] skeyidA;
  private final byte[] skeyidE;
  private final byte[] encryptionKey;
  private final byte[] initialIv;

  private Phase1Keys(Ikev1Hash hash, boolean tripleDes, byte[] skeyid, byte[] d, byte[] a, byte[] e, byte[] encKey,
      byte[] iv) {
    this.hash = hash;
    this.tripleDes = tripleDes;
    this.skeyid = skeyid;
    this.skeyidD = d;
    this.skeyidA = a;
    this.skeyidE = e;
    this.encryptionKey = encKey;
    this.initialIv = iv;
  }

  /** SKEYID for pre-shared keys (RFC 2409 §5). */
  public static byte[] skeyid(Ikev1Hash hash, byte[] psk, byte[] ni, byte[] nr) {
    return hash.prf(psk, ni, nr);
  }

  public static Phase1Keys derive(Ikev1Hash hash, int keyBytes, byte[] psk, byte[] ni, byte[] nr, byte[] gxy,
      byte[] gxi, byte[] gxr, long cookieI, long cookieR) {
    return derive(hash, false, keyBytes, psk, ni, nr, gxy, gxi, gxr, cookieI, cookieR);
  }

  /** @param tripleDes 3DES-CBC (24-byte key, 8-byte blocks and IVs) instead of AES-CBC */
  public static Phase1Keys derive(Ikev1Hash hash, boolean tripleDes, int keyBytes, byte[] psk, byte[] ni, byte[] nr,
      byte[] gxy, byte[] gxi, byte[] gxr, long cookieI, long cookieR) {
    byte[] ckyI = IsakmpCodec.cookie(cookieI);
    byte[] ckyR = IsakmpCodec.cookie(cookieR);
    byte[] skeyid = skeyid(hash, psk, ni, nr);
    byte[] d = hash.prf(skeyid, gxy, ckyI, ckyR, new byte[] {0});
    byte[] a = hash.prf(skeyid, d, gxy, ckyI, ckyR, new byte[] {1});
    byte[] e = hash.prf(skeyid, a, gxy, ckyI, ckyR, new byte[] {2});
    int block = tripleDes ? TDES_BLOCK : BLOCK;
    return new Phase1Keys(hash, tripleDes, skeyid, d, a, e, encryptionKey(hash, e, keyBytes),
        Arrays.copyOf(hash.hash(gxi, gxr), block));
  }

  /** RFC 2409 Appendix B: the first {@code keyBytes} of SKEYID_e, extended with Kn = prf(SKEYID_e, Kn-1). */
  public static byte[] encryptionKey(Ikev1Hash hash, byte[] skeyidE, int keyBytes) {
    if (skeyidE.length >= keyBytes) {
      return Arrays.copyOf(skeyidE, keyBytes);
    }
    byte[] out = new byte[keyBytes];
    byte[] k = hash.prf(skeyidE, new byte[] {0});
    int filled = 0;
    while (true) {
      int n = Math.min(k.length, keyBytes - filled);
      System.arraycopy(k, 0, out, filled, n);
      filled += n;
      if (filled == keyBytes) {
        break;
      }
      byte[] next = hash.prf(skeyidE, k);
      Arrays.fill(k, (byte) 0);
      k = next;
    }
    Arrays.fill(k, (byte) 0);
    return out;
  }

  /** RFC 2409 Appendix B: IV of the first encrypted phase-1 message = hash(g^xi | g^xr), one block. */
  public static byte[] initialIv(Ikev1Hash hash, byte[] gxi, byte[] gxr) {
    return Arrays.copyOf(hash.hash(gxi, gxr), BLOCK);
  }

  /** Phase-2 and informational IV = hash(last phase-1 CBC block | M-ID) (RFC 2409 Appendix B). */
  public static byte[] phase2Iv(Ikev1Hash hash, byte[] lastPhase1Block, long messageId) {
    return phase2Iv(hash, lastPhase1Block, messageId, BLOCK);
  }

  public static byte[] phase2Iv(Ikev1Hash hash, byte[] lastPhase1Block, long messageId, int block) {
    return Arrays.copyOf(hash.hash(lastPhase1Block, IsakmpCodec.uint32(messageId)), block);
  }

  /** The cipher's block size, which is also the IV size. */
  int block() {
    return tripleDes ? TDES_BLOCK : BLOCK;
  }

  /** The JCE name of the cipher. */
  String cipher() {
    return tripleDes ? "DESede" : "AES";
  }

  /** HASH_I = prf(SKEYID, g^xi | g^xr | CKY-I | CKY-R | SAi_b | IDii_b) (RFC 2409 §5). */
  public static byte[] hashI(Ikev1Hash hash, byte[] skeyid, byte[] gxi, byte[] gxr, long cookieI, long cookieR,
      byte[] saiB, byte[] idiiB) {
    return hash.prf(skeyid, gxi, gxr, IsakmpCodec.cookie(cookieI), IsakmpCodec.cookie(cookieR), saiB, idiiB);
  }

  /** HASH_R = prf(SKEYID, g^xr | g^xi | CKY-R | CKY-I | SAi_b | IDir_b) (RFC 2409 §5). */
  public static byte[] hashR(Ikev1Hash hash, byte[] skeyid, byte[] gxi, byte[] gxr, long cookieI, long cookieR,
      byte[] saiB, byte[] idirB) {
    return hash.prf(skeyid, gxr, gxi, IsakmpCodec.cookie(cookieR), IsakmpCodec.cookie(cookieI), saiB, idirB);
  }

  public Ikev1Hash hash() {
    return hash;
  }

  /**
   * {@code SKEYID | SKEYID_d | SKEYID_a | SKEYID_e | the encryption key}, a copy, for a scale-out checkpoint
   * ({@code IsakmpCheckpoint}); the caller zeroes it.
   */
  byte[] keymat() {
    byte[] out = new byte[4 * skeyid.length + encryptionKey.length];
    int p = 0;
    for (byte[] b : new byte[][] {skeyid, skeyidD, skeyidA, skeyidE, encryptionKey}) {
      System.arraycopy(b, 0, out, p, b.length);
      p += b.length;
    }
    return out;
  }

  /**
   * The keys of {@link #keymat()} again, at the instance that adopts the ISAKMP SA. Phase 1 is over, so there is
   * no initial IV (the phase-2 IVs come from the last phase-1 block, which the checkpoint carries).
   *
   * @throws IllegalArgumentException when the length does not fit the hash and cipher
   */
  static Phase1Keys fromKeymat(Ikev1Hash hash, boolean tripleDes, int keyBytes, byte[] keymat) {
    int prfBytes = hash.outputBytes;
    if (keymat.length != 4 * prfBytes + keyBytes) {
      throw new IllegalArgumentException("phase-1 keys of the wrong length for " + hash.iosName);
    }
    byte[][] parts = new byte[5][];
    for (int i = 0; i < 4; i++) {
      parts[i] = Arrays.copyOfRange(keymat, i * prfBytes, (i + 1) * prfBytes);
    }
    parts[4] = Arrays.copyOfRange(keymat, 4 * prfBytes, keymat.length);
    return new Phase1Keys(hash, tripleDes, parts[0], parts[1], parts[2], parts[3], parts[4],
        new byte[tripleDes ? TDES_BLOCK : BLOCK]);
  }

  byte[] skeyid() {
    return skeyid;
  }

  byte[] skeyidD() {
    return skeyidD;
  }

  byte[] skeyidA() {
    return skeyidA;
  }

  byte[] encryptionKey() {
    return encryptionKey;
  }

  byte[] initialIv() {
    return initialIv.clone();
  }

  /** prf(SKEYID_a, data…): the Quick Mode and informational HASHes (RFC 2409 §5.5, §5.7). */
  public byte[] prfA(byte[]... data) {
    return hash.prf(skeyidA, data);
  }

  public void destroy() {
    for (byte[] b : new byte[][] {skeyid, skeyidD, skeyidA, skeyidE, encryptionKey}) {
      Arrays.fill(b, (byte) 0);
    }
  }
}
