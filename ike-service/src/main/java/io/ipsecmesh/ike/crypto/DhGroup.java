package io.ipsecmesh.ike.crypto;

import io.ipsecmesh.proto.ikev2.IkeConstants;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.KeyAgreement;
import javax.crypto.interfaces.DHPublicKey;
import javax.crypto.spec.DHParameterSpec;
import javax.crypto.spec.DHPublicKeySpec;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * The Diffie-Hellman groups of IKEv2 that the gateway offers: MODP-2048 (RFC 3526 group 14) and ECP-256/384
 * (RFC 5903, public value x|y, shared secret x) on the JDK's JCE, Curve25519 (RFC 8031, 32-byte little-endian u)
 * on Bouncy Castle's {@code rfc7748.X25519}. Peer public values are validated before use (§2.12 of RFC 7296 via
 * RFC 6989).
 *
 * <p>Each group runs on the fastest constant-time implementation measured (bench {@code IkeResponderStepsBenchmark},
 * docs/performance.md): for X25519 Bouncy Castle's Montgomery ladder with constant-time field arithmetic and a
 * fixed-base comb for the key pair, less than half the JDK's cost per IKE_SA_INIT; for the ECP groups the JDK
 * (constant-time field arithmetic; Bouncy Castle's variable-base multiplication is not constant time, so it is not
 * used whatever it measures); for MODP the JDK.
 */
public enum DhGroup {
  MODP_2048(IkeConstants.DH_MODP_2048, 256),
  /*
   * The legacy MODP groups 1, 2 (RFC 2409 §6.1, §6.2) and 5 (RFC 3526 §2): too weak for RFC 8247, used
   * only when the configuration says crypto engine compliance shield disable (config-service refuses
   * them otherwise); offered after every modern group.
   */
  MODP_768(1, 96),
  MODP_1024(2, 128),
  MODP_1536(5, 192),
  ECP_256(IkeConstants.DH_ECP_256, 64),
  ECP_384(IkeConstants.DH_ECP_384, 96),
  CURVE25519(IkeConstants.DH_CURVE25519, 32);

  /** RFC 3526 §3, 2048-bit MODP group, generator 2. */
  private static final BigInteger MODP_2048_P = new BigInteger(1, HexFormat.of().parseHex(
      "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
          + "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
          + "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
          + "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
          + "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
          + "15728E5A8AACAA68FFFFFFFFFFFFFFFF"));
  private static final BigInteger MODP_768_P = new BigInteger(1, HexFormat.of().parseHex(
      "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
          + "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A63A3620FFFFFFFFFFFFFFFF"));
  private static final BigInteger MODP_1024_P = new BigInteger(1, HexFormat.of().parseHex(
      "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
          + "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
          + "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF"));
  private static final BigInteger MODP_1536_P = new BigInteger(1, HexFormat.of().parseHex(
      "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
          + "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
          + "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
          + "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA237327FFFFFFFFFFFFFFFF"));
  private static final SecureRandom RANDOM = new SecureRandom();

  public final int groupId;
  /** Length of the KE payload's key exchange data. */
  public final int publicValueBytes;

  DhGroup(int groupId, int publicValueBytes) {
    this.groupId = groupId;
    this.publicValueBytes = publicValueBytes;
  }

  public static DhGroup byId(int id) {
    for (DhGroup g : values()) {
      if (g.groupId == id) {
        return g;
      }
    }
    return null;
  }

  /** One side's ephemeral key pair; {@link #publicValue()} is the KE payload data. */
  public final class Exchange {
    private final KeyPair pair;
    /** The X25519 private scalar (RFC 7748 §5), with {@link #CURVE25519} instead of a JCE key pair. */
    private final byte[] scalar;
    private final byte[] publicValue;

    private Exchange(KeyPair pair, byte[] publicValue) {
      this.pair = pair;
      this.scalar = null;
      this.publicValue = publicValue;
    }

    private Exchange(byte[] scalar, byte[] publicValue) {
      this.pair = null;
      this.scalar = scalar;
      this.publicValue = publicValue;
    }

    public DhGroup group() {
      return DhGroup.this;
    }

    public byte[] publicValue() {
      return publicValue.clone();
    }

    /** g^ir, in the §2.14 representation; throws GeneralSecurityException for an invalid peer value. */
    public byte[] sharedSecret(byte[] peerPublic) throws GeneralSecurityException {
      if (peerPublic.length != publicValueBytes) {
        throw new GeneralSecurityException("KE data of " + peerPublic.length + " bytes for group " + groupId);
      }
      if (scalar != null) {
        byte[] s = new byte[X25519.POINT_SIZE];
        // RFC 8031 §2.1 / RFC 7748 §6.1: an all-zero result (a small-order peer value) is refused
        if (!X25519.calculateAgreement(scalar, 0, peerPublic, 0, s, 0)) {
          throw new GeneralSecurityException("X25519 shared secret is all zero (small-order public value)");
        }
        return s;
      }
      KeyAgreement ka = KeyAgreement.getInstance(agreementAlgorithm());
      ka.init(pair.getPrivate());
      ka.doPhase(peerKey(peerPublic), true);
      byte[] s = ka.generateSecret();
      if (modp() && s.length < publicValueBytes) {
        // §2.14: g^ir is zero-padded on the left to the modulus length
        byte[] padded = new byte[publicValueBytes];
        System.arraycopy(s, 0, padded, publicValueBytes - s.length, s.length);
        Arrays.fill(s, (byte) 0);
        s = padded;
      }
      return s;
    }
  }

  public Exchange newExchange() {
    try {
      return switch (this) {
        case MODP_2048, MODP_768, MODP_1024, MODP_1536 -> {
          KeyPairGenerator g = KeyPairGenerator.getInstance("DH");
          // private exponent: 512 bits, or the legacy group's whole size when smaller than that
          g.initialize(new DHParameterSpec(modulus(), BigInteger.TWO, Math.min(512, modulus().bitLength() - 1)));
          KeyPair kp = g.generateKeyPair();
          yield new Exchange(kp, unsigned(((DHPublicKey) kp.getPublic()).getY(), publicValueBytes));
        }
        case ECP_256, ECP_384 -> {
          KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
          g.initialize(new ECGenParameterSpec(curveName()));
          KeyPair kp = g.generateKeyPair();
          ECPoint w = ((ECPublicKey) kp.getPublic()).getW();
          int n = publicValueBytes / 2;
          byte[] xy = new byte[publicValueBytes];
          System.arraycopy(unsigned(w.getAffineX(), n), 0, xy, 0, n);
          System.arraycopy(unsigned(w.getAffineY(), n), 0, xy, n, n);
          yield new Exchange(kp, xy);
        }
        case CURVE25519 -> {
          byte[] k = new byte[X25519.SCALAR_SIZE];
          X25519.generatePrivateKey(RANDOM, k);
          byte[] u = new byte[X25519.POINT_SIZE];
          X25519.generatePublicKey(k, 0, u, 0);
          yield new Exchange(k, u);
        }
      };
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("DH group " + groupId + " unavailable", e);
    }
  }

  private String agreementAlgorithm() {
    return switch (this) {
      case MODP_2048, MODP_768, MODP_1024, MODP_1536 -> "DH";
      case ECP_256, ECP_384 -> "ECDH";
      case CURVE25519 -> "X25519";
    };
  }

  /** A MODP group (RFC 2409, RFC 3526). */
  public boolean modp() {
    return this == MODP_2048 || this == MODP_768 || this == MODP_1024 || this == MODP_1536;
  }

  /** Group 1, 2 or 5: allowed only with crypto engine compliance shield disable. */
  public boolean legacy() {
    return this == MODP_768 || this == MODP_1024 || this == MODP_1536;
  }

  private BigInteger modulus() {
    return switch (this) {
      case MODP_768 -> MODP_768_P;
      case MODP_1024 -> MODP_1024_P;
      case MODP_1536 -> MODP_1536_P;
      default -> MODP_2048_P;
    };
  }

  private String curveName() {
    return this == ECP_256 ? "secp256r1" : "secp384r1";
  }

  private PublicKey peerKey(byte[] v) throws GeneralSecurityException {
    switch (this) {
      case MODP_2048, MODP_768, MODP_1024, MODP_1536 -> {
        BigInteger y = new BigInteger(1, v);
        BigInteger p = modulus();
        // RFC 6989 §2.1: 1 < y < p-1
        if (y.compareTo(BigInteger.ONE) <= 0 || y.compareTo(p.subtract(BigInteger.ONE)) >= 0) {
          throw new GeneralSecurityException("MODP public value out of range");
        }
        return KeyFactory.getInstance("DH").generatePublic(new DHPublicKeySpec(y, p, BigInteger.TWO));
      }
      case ECP_256, ECP_384 -> {
        int n = publicValueBytes / 2;
        ECPoint w = new ECPoint(new BigInteger(1, Arrays.copyOfRange(v, 0, n)),
            new BigInteger(1, Arrays.copyOfRange(v, n, 2 * n)));
        AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
        params.init(new ECGenParameterSpec(curveName()));
        ECParameterSpec spec = params.getParameterSpec(ECParameterSpec.class);
        // the JDK's KeyFactory/ECDH check the point is on the curve (RFC 6989 §2.3)
        return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, spec));
      }
    }
    throw new GeneralSecurityException("unsupported group " + groupId);
  }

  private static byte[] unsigned(BigInteger v, int len) {
    byte[] b = v.toByteArray();
    if (b.length == len) {
      return b;
    }
    byte[] out = new byte[len];
    if (b.length > len) {
      System.arraycopy(b, b.length - len, out, 0, len);
    } else {
      System.arraycopy(b, 0, out, len - b.length, b.length);
    }
    return out;
  }
}
