package io.ipsecmesh.ike.engine;

import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.ikev2.Payload;
import java.util.List;

/** Payload lists as strongSwan and IOS debug output print them, for {@code debug crypto isakmp}. */
final class PayloadNames {

  private PayloadNames() {}

  static String exchange(int type) {
    return switch (type) {
      case IkeConstants.IKE_SA_INIT -> "IKE_SA_INIT";
      case IkeConstants.IKE_AUTH -> "IKE_AUTH";
      case IkeConstants.CREATE_CHILD_SA -> "CREATE_CHILD_SA";
      case IkeConstants.INFORMATIONAL -> "INFORMATIONAL";
      default -> "EXCHANGE_" + type;
    };
  }

  static String list(List<Payload> payloads) {
    StringBuilder b = new StringBuilder("[");
    for (Payload p : payloads) {
      b.append(' ').append(switch (p) {
        case Payload.SecurityAssociation s -> "SA";
        case Payload.KeyExchange k -> "KE";
        case Payload.Nonce n -> "No";
        case Payload.Identification i -> i.initiator() ? "IDi" : "IDr";
        case Payload.Authentication a -> "AUTH";
        case Payload.Certificate c -> "CERT";
        case Payload.CertificateRequest c -> "CERTREQ";
        case Payload.Notify n -> "N(" + notify(n.notifyType()) + ")";
        case Payload.Delete d -> "D";
        case Payload.VendorId v -> "V";
        case Payload.TrafficSelectors t -> t.initiator() ? "TSi" : "TSr";
        case Payload.Encrypted e -> "SK";
        case Payload.EncryptedFragment f -> "SKF(" + f.fragmentNumber() + "/" + f.totalFragments() + ")";
        case Payload.Unknown u -> "UNKNOWN(" + u.payloadType() + ")";
      });
    }
    return b.append(" ]").toString();
  }

  static String notify(int type) {
    return switch (type) {
      case IkeConstants.INVALID_KE_PAYLOAD -> "INVALID_KE_PAYLOAD";
      case IkeConstants.NO_PROPOSAL_CHOSEN -> "NO_PROPOSAL_CHOSEN";
      case IkeConstants.AUTHENTICATION_FAILED -> "AUTHENTICATION_FAILED";
      case IkeConstants.TS_UNACCEPTABLE -> "TS_UNACCEPTABLE";
      case IkeConstants.INVALID_SYNTAX -> "INVALID_SYNTAX";
      case IkeConstants.NO_ADDITIONAL_SAS -> "NO_ADDITIONAL_SAS";
      case IkeConstants.INITIAL_CONTACT -> "INITIAL_CONTACT";
      case IkeConstants.NAT_DETECTION_SOURCE_IP -> "NATD_S_IP";
      case IkeConstants.NAT_DETECTION_DESTINATION_IP -> "NATD_D_IP";
      case IkeConstants.COOKIE -> "COOKIE";
      case IkeConstants.USE_TRANSPORT_MODE -> "USE_TRANSP";
      case IkeConstants.REKEY_SA -> "REKEY_SA";
      case IkeConstants.CHILD_SA_NOT_FOUND -> "CHILD_SA_NOT_FOUND";
      case IkeConstants.TEMPORARY_FAILURE -> "TEMPORARY_FAILURE";
      case IkeConstants.IKEV2_FRAGMENTATION_SUPPORTED -> "FRAG_SUP";
      default -> String.valueOf(type);
    };
  }
}
