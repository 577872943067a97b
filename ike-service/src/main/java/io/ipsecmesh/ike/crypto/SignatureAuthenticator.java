package io.ipsecmesh.ike.crypto;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECKey;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * "Digital Signature" authentication (RFC 7427 §3): AUTH data = 1-byte length | DER AlgorithmIdentifier
 * | signature over the same signed octets as PSK authentication (RFC 7296 §2.15). The AlgorithmIdentifier
 * blobs are those of RFC 7427 Appendix A, compared as bytes; ECDSA signatures are DER (as JCE makes them).
 */
public final class SignatureAuthenticator {

  private record Scheme(String jceName, byte[] algorithmIdentifier) {}

  private static final HexFormat HEX = HexFormat.of();
  private static final Scheme ECDSA_SHA256 = new Scheme("SHA256withECDSA", HEX.parseHex("300a06082a8648ce3d040302"));
  private static final Scheme ECDSA_SHA384 = new Scheme("SHA384withECDSA", HEX.parseHex("300a06082a8648ce3d040303"));
  private static final Scheme ECDSA_SHA512 = new Scheme("SHA512withECDSA", HEX.parseHex("300a06082a8648ce3d040304"));
  private static final Scheme RSA_SHA256 = new Scheme("SHA256withRSA",
      HEX.parseHex("300d06092a864886f70d01010b0500"));
  private static final Scheme RSA_SHA384 = new Scheme("SHA384withRSA",
      HEX.parseHex("300d06092a864886f70d01010c0500"));
  private static final Scheme RSA_SHA512 = new Scheme("SHA512withRSA",
      HEX.parseHex("300d06092a864886f70d01010d0500"));
  private static final List<Scheme> KNOWN = List.of(ECDSA_SHA256, ECDSA_SHA384, ECDSA_SHA512, RSA_SHA256, RSA_SHA384,
      RSA_SHA512);

  /** RFC 7427 §4 hash algorithm numbers we accept (SHA2-256, SHA2-384, SHA2-512). */
  public static final byte[] HASH_ALGORITHMS = {0, 2, 0, 3, 0, 4};

  private SignatureAuthenticator() {}

  public static byte[] sign(PrivateKey key, byte[] signedOctets) throws GeneralSecurityException {
    Scheme scheme;
    if (key instanceof ECKey ec) {
      int bits = ec.getParams().getCurve().getField().getFieldSize();
      scheme = bits > 384 ? ECDSA_SHA512 : bits > 256 ? ECDSA_SHA384 : ECDSA_SHA256;
    } else if ("RSA".equals(key.getAlgorithm())) {
      scheme = RSA_SHA256;
    } else {
      throw new GeneralSecurityException("unsupported signing key " + key.getAlgorithm());
    }
    Signature s = Signature.getInstance(scheme.jceName());
    s.initSign(key);
    s.update(signedOctets);
    byte[] sig = s.sign();
    byte[] id = scheme.algorithmIdentifier();
    byte[] out = new byte[1 + id.length + sig.length];
    out[0] = (byte) id.length;
    System.arraycopy(id, 0, out, 1, id.length);
    System.arraycopy(sig, 0, out, 1 + id.length, sig.length);
    return out;
  }

  /** False for a wrong signature, an unknown algorithm or malformed AUTH data; never throws. */
  public static boolean verify(PublicKey key, byte[] authData, byte[] signedOctets) {
    if (authData.length < 2) {
      return false;
    }
    int len = authData[0] & 0xff;
    if (1 + len >= authData.length) {
      return false;
    }
    byte[] id = Arrays.copyOfRange(authData, 1, 1 + len);
    for (Scheme scheme : KNOWN) {
      if (Arrays.equals(scheme.algorithmIdentifier(), id)) {
        try {
          Signature s = Signature.getInstance(scheme.jceName());
          s.initVerify(key);
          s.update(signedOctets);
          return s.verify(authData, 1 + len, authData.length - 1 - len);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
          return false;
        }
      }
    }
    return false;
  }
}
