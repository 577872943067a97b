package io.ipsecmesh.ike.exchange;

import io.ipsecmesh.ike.crypto.DhGroup;
import io.ipsecmesh.ike.crypto.EncrAlgorithm;
import io.ipsecmesh.ike.crypto.IkeSuite;
import io.ipsecmesh.ike.crypto.IntegAlgorithm;
import io.ipsecmesh.ike.crypto.PrfAlgorithm;
import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.ikev2.Payload.Proposal;
import io.ipsecmesh.proto.ikev2.Payload.SecurityAssociation;
import io.ipsecmesh.proto.ikev2.Payload.Transform;
import io.ipsecmesh.proto.sa.EspTransform;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Building offers and selecting from a peer's offer (RFC 7296 §2.7, §3.3.6): a proposal is acceptable
 * when, for every transform type we need, one of its transforms of that type is one we support;
 * the selection is answered with exactly one transform of each type.
 *
 * <p>Extended Sequence Numbers (RFC 7296 §3.3.2 transform type 5, RFC 4303 §2.2.1): we offer both, ESN first, and
 * as responder choose ESN whenever the peer offers it (strongSwan: an ESP proposal with {@code -esn}), because a
 * 64-bit counter cannot run out under one SA's keys; a peer offering only "no ESN" gets 32-bit numbers.
 */
public final class Proposals {

  private static final int ENCR_CHACHA20_POLY1305 = 28;
  /** RFC 7296 §3.3.2 legacy transform IDs (IANA IKEv2 registry): ENCR_DES, ENCR_3DES, AUTH_HMAC_MD5_96. */
  private static final int ENCR_DES = 2;
  private static final int ENCR_3DES = 3;
  private static final int AUTH_HMAC_MD5_96 = 1;

  private Proposals() {}

  public record IkeChoice(IkeSuite suite, int proposalNumber) {}

  /** @param esn whether the Child SA uses 64-bit Extended Sequence Numbers */
  public record EspChoice(EspTransform transform, int proposalNumber, byte[] peerSpi, boolean esn) {}

  public static SecurityAssociation ikeOffer(List<IkeSuite> suites, byte[] spi) {
    List<Proposal> ps = new ArrayList<>();
    for (int i = 0; i < suites.size(); i++) {
      ps.add(suites.get(i).toProposal(i + 1, spi));
    }
    return new SecurityAssociation(ps);
  }

  /** Responder: the first of the peer's proposals (peer's order) for which one of our suites fits. */
  public static Optional<IkeChoice> selectIke(SecurityAssociation offered, List<IkeSuite> ours) {
    for (Proposal p : offered.proposals()) {
      if (p.protocolId() != IkeConstants.PROTO_IKE) {
        continue;
      }
      for (IkeSuite s : ours) {
        if (offers(p, IkeConstants.TRANSFORM_ENCR, s.encr().transformId, s.keyBits())
            && offers(p, IkeConstants.TRANSFORM_PRF, s.prf().transformId, -1)
            && (s.integ() == null ? !hasType(p, IkeConstants.TRANSFORM_INTEG)
                || offers(p, IkeConstants.TRANSFORM_INTEG, IkeConstants.AUTH_NONE, -1)
                : offers(p, IkeConstants.TRANSFORM_INTEG, s.integ().transformId, -1))
            && offers(p, IkeConstants.TRANSFORM_DH, s.dh().groupId, -1)) {
          return Optional.of(new IkeChoice(s, p.number()));
        }
      }
    }
    return Optional.empty();
  }

  /** Initiator: the responder's answer must be one proposal naming exactly one of our suites. */
  public static Optional<IkeSuite> acceptedIke(SecurityAssociation answer, List<IkeSuite> ours) {
    if (answer.proposals().size() != 1) {
      return Optional.empty();
    }
    Proposal p = answer.proposals().get(0);
    for (IkeSuite s : ours) {
      if (p.transforms().size() == (s.integ() == null ? 3 : 4) && selectIke(answer, List.of(s)).isPresent()) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  public static SecurityAssociation espOffer(List<EspTransform> transforms, byte[] spi, DhGroup pfs) {
    List<Proposal> ps = new ArrayList<>();
    for (int i = 0; i < transforms.size(); i++) {
      List<Transform> t = new ArrayList<>(espTransforms(transforms.get(i)));
      if (pfs != null) {
        t.add(Transform.of(IkeConstants.TRANSFORM_DH, pfs.groupId));
      }
      t.add(Transform.of(IkeConstants.TRANSFORM_ESN, IkeConstants.ESN_YES));
      t.add(Transform.of(IkeConstants.TRANSFORM_ESN, IkeConstants.ESN_NO));
      ps.add(new Proposal(i + 1, IkeConstants.PROTO_ESP, spi, t));
    }
    return new SecurityAssociation(ps);
  }

  /** The answer to a selected ESP proposal, carrying our SPI and the chosen transforms only. */
  public static SecurityAssociation espAnswer(EspChoice choice, byte[] ourSpi, DhGroup pfs) {
    List<Transform> t = new ArrayList<>(espTransforms(choice.transform()));
    if (pfs != null) {
      t.add(Transform.of(IkeConstants.TRANSFORM_DH, pfs.groupId));
    }
    t.add(Transform.of(IkeConstants.TRANSFORM_ESN, choice.esn() ? IkeConstants.ESN_YES : IkeConstants.ESN_NO));
    return new SecurityAssociation(List.of(new Proposal(choice.proposalNumber(), IkeConstants.PROTO_ESP, ourSpi, t)));
  }

  /** Responder (and initiator reading the answer): first peer proposal that one of our transforms fits. */
  public static Optional<EspChoice> selectEsp(SecurityAssociation offered, List<EspTransform> ours, DhGroup pfs) {
    for (Proposal p : offered.proposals()) {
      if (p.protocolId() != IkeConstants.PROTO_ESP || p.spi().length != 4) {
        continue;
      }
      // no ESN transform at all reads as "no ESN" (lenient: RFC 7296 §3.3.3 says ESP proposals carry one)
      boolean esn = offers(p, IkeConstants.TRANSFORM_ESN, IkeConstants.ESN_YES, -1);
      boolean esnOk = esn || !hasType(p, IkeConstants.TRANSFORM_ESN)
          || offers(p, IkeConstants.TRANSFORM_ESN, IkeConstants.ESN_NO, -1);
      boolean dhOk = pfs == null
          ? !hasType(p, IkeConstants.TRANSFORM_DH) || offers(p, IkeConstants.TRANSFORM_DH, IkeConstants.DH_NONE, -1)
          : offers(p, IkeConstants.TRANSFORM_DH, pfs.groupId, -1);
      if (!esnOk || !dhOk) {
        continue;
      }
      for (EspTransform t : ours) {
        boolean all = true;
        for (Transform need : espTransforms(t)) {
          all &= offers(p, need.transformType(), need.transformId(), need.keyLength());
        }
        if (all && (t.aead ? !hasType(p, IkeConstants.TRANSFORM_INTEG)
            || offers(p, IkeConstants.TRANSFORM_INTEG, IkeConstants.AUTH_NONE, -1) : true)) {
          return Optional.of(new EspChoice(t, p.number(), p.spi().clone(), esn));
        }
      }
    }
    return Optional.empty();
  }

  static List<Transform> espTransforms(EspTransform t) {
    return switch (t) {
      case AES_GCM_128 -> List.of(Transform.withKeyLength(IkeConstants.TRANSFORM_ENCR, IkeConstants.ENCR_AES_GCM_16, 128));
      case AES_GCM_256 -> List.of(Transform.withKeyLength(IkeConstants.TRANSFORM_ENCR, IkeConstants.ENCR_AES_GCM_16, 256));
      case CHACHA20_POLY1305 -> List.of(Transform.of(IkeConstants.TRANSFORM_ENCR, ENCR_CHACHA20_POLY1305));
      case AES_CBC_128_HMAC_SHA1_96 -> cbc(128, IkeConstants.AUTH_HMAC_SHA1_96);
      case AES_CBC_256_HMAC_SHA1_96 -> cbc(256, IkeConstants.AUTH_HMAC_SHA1_96);
      case AES_CBC_128_HMAC_SHA256_128 -> cbc(128, IkeConstants.AUTH_HMAC_SHA2_256_128);
      case AES_CBC_256_HMAC_SHA256_128 -> cbc(256, IkeConstants.AUTH_HMAC_SHA2_256_128);
      case AES_CBC_256_HMAC_SHA384_192 -> cbc(256, IkeConstants.AUTH_HMAC_SHA2_384_192);
      case AES_CBC_256_HMAC_SHA512_256 -> cbc(256, IkeConstants.AUTH_HMAC_SHA2_512_256);
      // legacy suites (crypto engine compliance shield disable); DES and 3DES carry no key length
      case AES_CBC_128_HMAC_MD5_96 -> cbc(128, AUTH_HMAC_MD5_96);
      case AES_CBC_256_HMAC_MD5_96 -> cbc(256, AUTH_HMAC_MD5_96);
      case TDES_CBC_HMAC_SHA1_96 -> fixedKey(ENCR_3DES, IkeConstants.AUTH_HMAC_SHA1_96);
      case TDES_CBC_HMAC_MD5_96 -> fixedKey(ENCR_3DES, AUTH_HMAC_MD5_96);
      case DES_CBC_HMAC_SHA1_96 -> fixedKey(ENCR_DES, IkeConstants.AUTH_HMAC_SHA1_96);
      case DES_CBC_HMAC_MD5_96 -> fixedKey(ENCR_DES, AUTH_HMAC_MD5_96);
    };
  }

  private static List<Transform> fixedKey(int encr, int integ) {
    return List.of(Transform.of(IkeConstants.TRANSFORM_ENCR, encr), Transform.of(IkeConstants.TRANSFORM_INTEG, integ));
  }

  private static List<Transform> cbc(int bits, int integ) {
    return List.of(Transform.withKeyLength(IkeConstants.TRANSFORM_ENCR, IkeConstants.ENCR_AES_CBC, bits),
        Transform.of(IkeConstants.TRANSFORM_INTEG, integ));
  }

  private static boolean hasType(Proposal p, int type) {
    return p.transforms().stream().anyMatch(t -> t.transformType() == type);
  }

  private static boolean offers(Proposal p, int type, int id, int keyBits) {
    for (Transform t : p.transforms()) {
      if (t.transformType() == type && t.transformId() == id && (keyBits < 0 || t.keyLength() == keyBits)) {
        return true;
      }
    }
    return false;
  }

  /** Suites named the strongSwan way (aes128gcm16-prfsha256-x25519), for tests and the interop helper. */
  public static IkeSuite parseSuite(String name) {
    String[] parts = name.split("-");
    String enc = parts[0];
    EncrAlgorithm e = enc.endsWith("gcm16") ? EncrAlgorithm.AES_GCM_16 : EncrAlgorithm.AES_CBC;
    int bits = Integer.parseInt(enc.replace("aes", "").replace("gcm16", ""));
    IntegAlgorithm integ = null;
    PrfAlgorithm prf = null;
    DhGroup dh = null;
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i];
      if (p.startsWith("prf")) {
        prf = PrfAlgorithm.byIosName(p.substring(3));
      } else if (IntegAlgorithm.byIosName(p) != null) {
        integ = IntegAlgorithm.byIosName(p);
      } else {
        dh = switch (p) {
          case "modp2048" -> DhGroup.MODP_2048;
          case "modp768" -> DhGroup.MODP_768;
          case "modp1024" -> DhGroup.MODP_1024;
          case "modp1536" -> DhGroup.MODP_1536;
          case "ecp256" -> DhGroup.ECP_256;
          case "ecp384" -> DhGroup.ECP_384;
          case "x25519", "curve25519" -> DhGroup.CURVE25519;
          default -> throw new IllegalArgumentException("unknown transform " + p);
        };
      }
    }
    if (prf == null && integ != null) {
      prf = PrfAlgorithm.byIosName(integ.iosName);
    }
    return new IkeSuite(e, bits, prf, integ, dh);
  }
}
