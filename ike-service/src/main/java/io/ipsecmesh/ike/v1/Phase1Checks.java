package io.ipsecmesh.ike.v1;

import io.ipsecmesh.proto.ikev1.IsakmpPayload.Hash;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.Identification;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.KeyExchange;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

/**
 * The checks a phase-1 exchange makes of the peer before it trusts the ISAKMP SA, written once for Main Mode (both
 * roles) and Aggressive Mode: the Diffie-Hellman shared secret with the peer's KE payload, the peer's HASH_I or
 * HASH_R (RFC 2409 §5: with pre-shared keys the hash is what authenticates the peer) compared in constant time with
 * the one we compute, and the identity it sent held against the crypto map's remote identity. A check that fails
 * fails the ISAKMP SA with its reason ({@code invalid-ke}, {@code auth-failed}, {@code peer-id-mismatch}) and
 * answers null or false, so the exchange only returns.
 */
final class Phase1Checks {

  private Phase1Checks() {}

  /** g^xy of {@code sa.dh} and the peer's public value, or null once the SA has failed ("invalid-ke"). */
  static byte[] sharedSecret(Ikev1Engine e, IsakmpSa sa, KeyExchange ke) {
    try {
      return sa.dh.sharedSecret(ke.data());
    } catch (GeneralSecurityException ex) {
      e.life.fail(sa, "invalid-ke");
      return null;
    }
  }

  /**
   * Whether the peer's hash is {@code expected}; a mismatch is a wrong pre-shared key or an attacker, and fails the SA
   * ("auth-failed").
   */
  static boolean hashMatches(Ikev1Engine e, IsakmpSa sa, byte[] expected, Hash received) {
    if (MessageDigest.isEqual(expected, received.data())) {
      return true;
    }
    e.life.fail(sa, "auth-failed");
    return false;
  }

  /**
   * {@link #hashMatches}, then whether the authenticated identity {@code id} is one the crypto map accepts
   * ({@link PeerIdCheck}, else the SA fails with "peer-id-mismatch"); on success it is the SA's peer identity.
   */
  static boolean peerAuthenticated(Ikev1Engine e, IsakmpSa sa, byte[] expected, Hash received, Identification id) {
    if (!hashMatches(e, sa, expected, received)) {
      return false;
    }
    if (!PeerIdCheck.accepted(sa.policy, sa.peerAddress, id, "")) {
      e.life.fail(sa, "peer-id-mismatch");
      return false;
    }
    sa.peerId = Identities.text(id);
    return true;
  }
}
