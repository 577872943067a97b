package io.ipsecmesh.ike.engine;

import io.ipsecmesh.ike.crypto.CertificateValidator;
import io.ipsecmesh.ike.crypto.PskAuthenticator;
import io.ipsecmesh.ike.crypto.SignatureAuthenticator;
import io.ipsecmesh.ike.exchange.Identities;
import io.ipsecmesh.ike.policy.PeerPolicy;
import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.ikev2.Payload;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The AUTH side of IKE_AUTH for both roles: checking the peer's, producing ours (RFC 7296 §2.15, RFC 7427). */
final class PeerAuthentication {

  private PeerAuthentication() {}

  /**
   * The peer's AUTH (§2.15): with a PSK policy a shared-key MIC compared in constant time; with
   * {@link io.ipsecmesh.ike.policy.Credentials} a Digital Signature (RFC 7427) by a certificate that
   * chains to our CAs and names the peer's ID.
   */
  static boolean peerAuthentic(IkeSa sa, Payload.Identification id, Payload.Authentication auth,
      List<Payload.Certificate> certs, byte[] peerRealMessage, byte[] ourNonce, byte[] skPeer) {
    PeerPolicy p = sa.policy;
    if (!Identities.matches(p.remoteId(), id)) {
      return false;
    }
    if (p.credentials() == null) {
      if (auth.method() != IkeConstants.AUTH_SHARED_KEY_MIC) {
        return false;
      }
      byte[] expected = PskAuthenticator.authData(sa.suite.prf(), p.remotePsk(), peerRealMessage, ourNonce, skPeer,
          id);
      return PskAuthenticator.verify(expected, auth.data());
    }
    if (auth.method() != IkeConstants.AUTH_DIGITAL_SIGNATURE) {
      return false;
    }
    Optional<java.security.cert.X509Certificate> ee = CertificateValidator.validate(certs,
        p.credentials().anchors(), id);
    return ee.isPresent() && SignatureAuthenticator.verify(ee.get().getPublicKey(), auth.data(),
        PskAuthenticator.signedOctets(sa.suite.prf(), peerRealMessage, ourNonce, skPeer, id));
  }

  /** Our CERT payloads (+ CERTREQ for the initiator) and AUTH, for PSK or certificate policies. */
  static List<Payload> ours(IkeSa sa, Payload.Identification ourId, byte[] ourRealMessage, byte[] peerNonce,
      byte[] skOurs, boolean certificateRequest) {
    PeerPolicy p = sa.policy;
    if (p.credentials() == null) {
      return List.of(new Payload.Authentication(IkeConstants.AUTH_SHARED_KEY_MIC,
          PskAuthenticator.authData(sa.suite.prf(), p.psk(), ourRealMessage, peerNonce, skOurs, ourId)));
    }
    List<Payload> out = new ArrayList<>();
    try {
      for (java.security.cert.X509Certificate c : p.credentials().chain()) {
        out.add(new Payload.Certificate(IkeConstants.CERT_X509_SIGNATURE, c.getEncoded()));
      }
      if (certificateRequest) {
        // strongSwan sends its certificate only when asked (send_cert = ifasked)
        out.add(new Payload.CertificateRequest(IkeConstants.CERT_X509_SIGNATURE,
            CertificateValidator.certificateRequest(p.credentials().anchors())));
      }
      out.add(new Payload.Authentication(IkeConstants.AUTH_DIGITAL_SIGNATURE, SignatureAuthenticator.sign(
          p.credentials().key(), PskAuthenticator.signedOctets(sa.suite.prf(), ourRealMessage, peerNonce, skOurs,
              ourId))));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign AUTH with the configured key", e);
    }
    return out;
  }
}
