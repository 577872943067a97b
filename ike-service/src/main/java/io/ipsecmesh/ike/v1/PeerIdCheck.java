package io.ipsecmesh.ike.v1;

import io.ipsecmesh.proto.ikev1.IsakmpPayload.Identification;
import java.util.logging.Logger;

/**
 * Whether the identity a peer sent in phase 1 (IDii or IDir, RFC 2407 §4.6.2) is one its crypto map entry accepts
 * ({@code match identity} of its ISAKMP profile, else the address or host name of {@code crypto isakmp identity});
 * a refusal is logged with the line to look at, since the peer only sees its exchange fail.
 */
final class PeerIdCheck {

  private static final Logger LOG = Logger.getLogger(Ikev1Engine.class.getName());

  private PeerIdCheck() {}

  /** {@code exchange}: how the refusal reads in the log, e.g. "" or " in Aggressive Mode". */
  static boolean accepted(Ikev1Policy policy, String peerAddress, Identification id, String exchange) {
    if (policy.remote().accepts(id.idType(), id.data())) {
      return true;
    }
    LOG.warning("IKEv1: " + peerAddress + " identified itself as " + Identities.text(id) + exchange
        + ", which crypto map " + policy.cryptoMap() + " " + policy.mapSequence()
        + " does not accept (match identity / crypto isakmp identity)");
    return false;
  }
}
