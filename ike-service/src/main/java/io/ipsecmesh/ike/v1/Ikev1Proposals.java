package io.ipsecmesh.ike.v1;

import static io.ipsecmesh.proto.ikev1.IsakmpConstants.*;

import io.ipsecmesh.ike.crypto.DhGroup;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.Attribute;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.Proposal;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.SecurityAssociation;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.Transform;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import java.util.ArrayList;
import java.util.List;

/**
 * SA payloads of both phases: what we offer, and which of the peer's offers we accept. Phase 1 (RFC
 * 2409 Appendix A) offers one KEY_IKE transform per {@code crypto isakmp policy}; phase 2 (RFC 2407
 * §4.4.4, §4.5) one ESP transform per transform set. A responder returns the accepted transform exactly
 * as it was offered (RFC 2409 §5: the SA payload of the reply holds the chosen proposal).
 */
public final class Ikev1Proposals {

  private Ikev1Proposals() {}

  // ------------------------------------------------------------------------------------- phase 1

  public static SecurityAssociation phase1Offer(List<Ikev1Suite> suites) {
    return phase1Offer(suites, P1_AUTH_PRE_SHARED_KEY);
  }

  /**
   * @param authMethod {@code P1_AUTH_PRE_SHARED_KEY}, or {@code P1_AUTH_XAUTH_INIT_PSK} for an XAUTH client
   *                   (draft-ietf-ipsec-isakmp-xauth §5.1: the pre-shared key, then XAUTH of the initiator)
   */
  public static SecurityAssociation phase1Offer(List<Ikev1Suite> suites, int authMethod) {
    List<Transform> transforms = new ArrayList<>();
    for (int i = 0; i < suites.size(); i++) {
      Ikev1Suite s = suites.get(i);
      List<Attribute> attrs = new ArrayList<>();
      if (s.tripleDes()) {
        // 3DES has one key length: no Key Length attribute (RFC 2409 Appendix A)
        attrs.add(Attribute.basic(P1_ENCRYPTION_ALGORITHM, P1_ENCR_3DES_CBC));
      } else {
        attrs.add(Attribute.basic(P1_ENCRYPTION_ALGORITHM, P1_ENCR_AES_CBC));
        attrs.add(Attribute.basic(P1_KEY_LENGTH, s.aesKeyBits()));
      }
      attrs.addAll(List.of(
          Attribute.basic(P1_HASH_ALGORITHM, s.hash().attributeValue),
          Attribute.basic(P1_AUTHENTICATION_METHOD, authMethod),
          Attribute.basic(P1_GROUP_DESCRIPTION, s.group().groupId),
          Attribute.basic(P1_LIFE_TYPE, LIFE_TYPE_SECONDS),
          Attribute.ofLong(P1_LIFE_DURATION, s.lifetimeSeconds())));
      transforms.add(new Transform(i + 1, KEY_IKE, attrs));
    }
    return new SecurityAssociation(DOI_IPSEC, SIT_IDENTITY_ONLY,
        List.of(new Proposal(1, PROTO_ISAKMP, new byte[0], transforms)));
  }

  /** A phase-1 transform read back: the suite it describes, or null if it is not one we can do. */
  public static Ikev1Suite phase1Suite(Transform t) {
    return phase1Suite(t, P1_AUTH_PRE_SHARED_KEY);
  }

  /** @param authMethod the only authentication method accepted */
  public static Ikev1Suite phase1Suite(Transform t, int authMethod) {
    if (t.transformId() != KEY_IKE) {
      return null;
    }
    long lifetime = 28_800; // RFC 2407 §4.5 default (8 hours) when no life duration is given
    int encr = -1;
    int bits = -1;
    Ikev1Hash hash = null;
    DhGroup group = null;
    boolean psk = false;
    int lifeType = LIFE_TYPE_SECONDS;
    for (Attribute a : t.attributes()) {
      long v = a.longValue();
      switch (a.attributeType()) {
        case P1_ENCRYPTION_ALGORITHM -> encr = (int) v;
        case P1_KEY_LENGTH -> bits = (int) v;
        case P1_HASH_ALGORITHM -> hash = Ikev1Hash.byAttribute((int) v);
        case P1_AUTHENTICATION_METHOD -> psk = v == authMethod;
        case P1_GROUP_DESCRIPTION -> group = v == 31 ? null : DhGroup.byId((int) v);
        case P1_LIFE_TYPE -> lifeType = (int) v;
        case P1_LIFE_DURATION -> {
          if (lifeType == LIFE_TYPE_SECONDS && v > 0) {
            lifetime = v;
          }
        }
        default -> {
          // other attributes (group type, PRF …) are not offered by the peers we talk to; an unknown
          // one makes the transform unacceptable
          return null;
        }
      }
    }
    if (hash == null || group == null || !psk) {
      return null;
    }
    if (encr == P1_ENCR_3DES_CBC && bits < 0) {
      return new Ikev1Suite(192, hash, group, lifetime, true);
    }
    if (encr != P1_ENCR_AES_CBC || (bits != 128 && bits != 192 && bits != 256)) {
      return null;
    }
    return new Ikev1Suite(bits, hash, group, lifetime);
  }

  /** Responder's choice: the first offered transform that one of our suites allows; null = NO-PROPOSAL-CHOSEN. */
  public static Choice<Ikev1Suite> choosePhase1(SecurityAssociation offer, List<Ikev1Suite> ours) {
    if (offer.doi() != DOI_IPSEC || offer.situation() != SIT_IDENTITY_ONLY) {
      return null;
    }
    for (Proposal p : offer.proposals()) {
      if (p.protocolId() != PROTO_ISAKMP) {
        continue;
      }
      for (Transform t : p.transforms()) {
        Ikev1Suite s = phase1Suite(t);
        if (s == null) {
          continue;
        }
        for (Ikev1Suite mine : ours) {
          Ikev1Suite agreed = agreed(mine, s);
          if (agreed != null) {
            return new Choice<>(agreed, new SecurityAssociation(offer.doi(), offer.situation(),
                List.of(new Proposal(p.number(), p.protocolId(), p.spi(), List.of(t)))), p.spi());
          }
        }
      }
    }
    return null;
  }

  /**
   * The initiator's check of the responder's choice (RFC 2409 §5: the responder picks one of the offered transforms):
   * the suite agreed with the first of {@code ours} that {@code chosen} is; null when it is none of them.
   */
  public static Ikev1Suite agreedWithChoice(List<Ikev1Suite> ours, Ikev1Suite chosen) {
    for (Ikev1Suite mine : ours) {
      Ikev1Suite agreed = agreed(mine, chosen);
      if (agreed != null) {
        return agreed;
      }
    }
    return null;
  }

  /**
   * The suite of an ISAKMP SA when {@code theirs} (a transform the peer offered, or chose of ours) is {@code mine}:
   * the same cipher, key size, hash and group, and the shorter lifetime (IOS and strongSwan both accept a shorter
   * one); null when they differ in anything but the lifetime.
   */
  static Ikev1Suite agreed(Ikev1Suite mine, Ikev1Suite theirs) {
    if (mine.aesKeyBits() != theirs.aesKeyBits() || mine.tripleDes() != theirs.tripleDes()
        || mine.hash() != theirs.hash() || mine.group() != theirs.group()) {
      return null;
    }
    return new Ikev1Suite(theirs.aesKeyBits(), theirs.hash(), theirs.group(),
        Math.min(theirs.lifetimeSeconds(), mine.lifetimeSeconds()), theirs.tripleDes());
  }

  /** What a responder selected, the SA payload that says so, and the SPI the peer offered with it. */
  public record Choice<T>(T selected, SecurityAssociation reply, byte[] offeredSpi) {}

  // ------------------------------------------------------------------------------------- phase 2

  public static SecurityAssociation phase2Offer(List<EspTransform> transforms, DhGroup pfs, long spi,
      ChildSa.Mode mode, boolean udpEncap, long lifetimeSeconds, long lifetimeKilobytes) {
    List<Transform> out = new ArrayList<>();
    for (EspTransform e : transforms) {
      int id = espTransformId(e);
      if (id < 0) {
        continue;
      }
      List<Attribute> attrs = new ArrayList<>();
      attrs.add(Attribute.basic(P2_SA_LIFE_TYPE, LIFE_TYPE_SECONDS));
      attrs.add(Attribute.ofLong(P2_SA_LIFE_DURATION, lifetimeSeconds));
      attrs.add(Attribute.basic(P2_SA_LIFE_TYPE, LIFE_TYPE_KILOBYTES));
      attrs.add(Attribute.ofLong(P2_SA_LIFE_DURATION, lifetimeKilobytes));
      attrs.add(Attribute.basic(P2_ENCAPSULATION_MODE, encapsulation(mode, udpEncap)));
      int auth = authAlgorithm(e);
      if (auth > 0) {
        attrs.add(Attribute.basic(P2_AUTHENTICATION_ALGORITHM, auth));
      }
      if (keyBits(e) > 0) {
        attrs.add(Attribute.basic(P2_KEY_LENGTH, keyBits(e)));
      }
      if (pfs != null) {
        attrs.add(Attribute.basic(P2_GROUP_DESCRIPTION, pfs.groupId));
      }
      out.add(new Transform(out.size() + 1, id, attrs));
    }
    return new SecurityAssociation(DOI_IPSEC, SIT_IDENTITY_ONLY,
        List.of(new Proposal(1, PROTO_IPSEC_ESP, io.ipsecmesh.proto.ikev1.IsakmpCodec.uint32(spi), out)));
  }

  /** An ESP transform read back, with the lifetime and mode it asks for. */
  public record EspChoice(EspTransform transform, ChildSa.Mode mode, boolean udpEncap, long lifetimeSeconds,
      long lifetimeKilobytes, DhGroup pfsGroup) {}

  public static EspChoice espChoice(Transform t) {
    int bits = -1;
    int auth = 0;
    int encap = ENCAP_TUNNEL;
    long seconds = 28_800;
    long kilobytes = 0;
    int lifeType = LIFE_TYPE_SECONDS;
    DhGroup pfs = null;
    for (Attribute a : t.attributes()) {
      long v = a.longValue();
      switch (a.attributeType()) {
        case P2_SA_LIFE_TYPE -> lifeType = (int) v;
        case P2_SA_LIFE_DURATION -> {
          if (lifeType == LIFE_TYPE_SECONDS) {
            seconds = v;
          } else {
            kilobytes = v;
          }
        }
        case P2_ENCAPSULATION_MODE -> encap = (int) v;
        case P2_AUTHENTICATION_ALGORITHM -> auth = (int) v;
        case P2_KEY_LENGTH -> bits = (int) v;
        case P2_GROUP_DESCRIPTION -> {
          pfs = v == 31 ? null : DhGroup.byId((int) v);
          if (pfs == null) {
            return null;
          }
        }
        default -> {
          return null;
        }
      }
    }
    EspTransform e = espTransform(t.transformId(), bits, auth);
    if (e == null || seconds <= 0) {
      return null;
    }
    ChildSa.Mode mode = switch (encap) {
      case ENCAP_TUNNEL, ENCAP_UDP_TUNNEL, ENCAP_UDP_TUNNEL_DRAFT -> ChildSa.Mode.TUNNEL;
      case ENCAP_TRANSPORT, ENCAP_UDP_TRANSPORT -> ChildSa.Mode.TRANSPORT;
      default -> null;
    };
    if (mode == null) {
      return null;
    }
    boolean udp = encap == ENCAP_UDP_TUNNEL || encap == ENCAP_UDP_TRANSPORT || encap == ENCAP_UDP_TUNNEL_DRAFT;
    return new EspChoice(e, mode, udp, seconds, kilobytes, pfs);
  }

  /**
   * Responder: the first offered ESP transform among ours, in the mode of our policy; with {@code set pfs}
   * only one with that group (IOS refuses a Quick Mode without the PFS it requires, and accepts PFS it
   * does not require).
   */
  public static Choice<EspChoice> choosePhase2(SecurityAssociation offer, List<EspTransform> ours, ChildSa.Mode mode,
      DhGroup pfs, long ourSpi) {
    if (offer.doi() != DOI_IPSEC) {
      return null;
    }
    for (Proposal p : offer.proposals()) {
      if (p.protocolId() != PROTO_IPSEC_ESP || p.spi().length != 4) {
        continue;
      }
      for (Transform t : p.transforms()) {
        EspChoice c = espChoice(t);
        // a legacy PFS group we do not require is accepted only where our own transforms are legacy
        // (crypto engine compliance shield disable), never as a downgrade of a modern policy
        boolean pfsOk = pfs == null
            ? c == null || c.pfsGroup() == null || !c.pfsGroup().legacy() || ours.stream().anyMatch(EspTransform::legacy)
            : c != null && c.pfsGroup() == pfs;
        if (c != null && ours.contains(c.transform()) && c.mode() == mode && pfsOk) {
          return new Choice<>(c, new SecurityAssociation(offer.doi(), offer.situation(), List.of(new Proposal(
              p.number(), p.protocolId(), io.ipsecmesh.proto.ikev1.IsakmpCodec.uint32(ourSpi), List.of(t)))), p.spi());
        }
      }
    }
    return null;
  }

  static int encapsulation(ChildSa.Mode mode, boolean udpEncap) {
    if (mode == ChildSa.Mode.TRANSPORT) {
      return udpEncap ? ENCAP_UDP_TRANSPORT : ENCAP_TRANSPORT;
    }
    return udpEncap ? ENCAP_UDP_TUNNEL : ENCAP_TUNNEL;
  }

  /** ESP_AES (12) or ESP_AES-GCM-16 (20, RFC 4106 §8.1); -1 where IKEv1 has no number we use. */
  static int espTransformId(EspTransform e) {
    return switch (e) {
      case AES_GCM_128, AES_GCM_256 -> 20;
      case CHACHA20_POLY1305 -> -1;
      case TDES_CBC_HMAC_SHA1_96, TDES_CBC_HMAC_MD5_96 -> ESP_3DES;
      case DES_CBC_HMAC_SHA1_96, DES_CBC_HMAC_MD5_96 -> ESP_DES;
      default -> ESP_AES;
    };
  }

  /** The Key Length attribute; -1 for DES and 3DES, which have a fixed key and carry none. */
  static int keyBits(EspTransform e) {
    return switch (e) {
      case AES_GCM_128, AES_CBC_128_HMAC_SHA1_96, AES_CBC_128_HMAC_SHA256_128, AES_CBC_128_HMAC_MD5_96 -> 128;
      case TDES_CBC_HMAC_SHA1_96, TDES_CBC_HMAC_MD5_96, DES_CBC_HMAC_SHA1_96, DES_CBC_HMAC_MD5_96 -> -1;
      default -> 256;
    };
  }

  /** RFC 2407 §4.5 / RFC 4868 §2.4 authentication algorithm, 0 for the AEADs. */
  static int authAlgorithm(EspTransform e) {
    return switch (e) {
      case AES_CBC_128_HMAC_SHA1_96, AES_CBC_256_HMAC_SHA1_96, TDES_CBC_HMAC_SHA1_96, DES_CBC_HMAC_SHA1_96 ->
          AUTH_HMAC_SHA;
      case AES_CBC_128_HMAC_MD5_96, AES_CBC_256_HMAC_MD5_96, TDES_CBC_HMAC_MD5_96, DES_CBC_HMAC_MD5_96 ->
          AUTH_HMAC_MD5;
      case AES_CBC_128_HMAC_SHA256_128, AES_CBC_256_HMAC_SHA256_128 -> AUTH_HMAC_SHA2_256;
      case AES_CBC_256_HMAC_SHA384_192 -> AUTH_HMAC_SHA2_384;
      case AES_CBC_256_HMAC_SHA512_256 -> AUTH_HMAC_SHA2_512;
      default -> 0;
    };
  }

  static EspTransform espTransform(int transformId, int bits, int auth) {
    for (EspTransform e : EspTransform.values()) {
      if (espTransformId(e) == transformId && keyBits(e) == bits && authAlgorithm(e) == auth) {
        return e;
      }
    }
    return null;
  }
}
