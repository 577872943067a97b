package io.ipsecmesh.ike.engine;

import io.ipsecmesh.ike.crypto.CertificateValidator;
import io.ipsecmesh.ike.crypto.CrlSource;
import io.ipsecmesh.ike.crypto.PskAuthenticator;
import io.ipsecmesh.ike.crypto.SignatureAuthenticator;
import io.ipsecmesh.ike.policy.PeerAuthorization;
import io.ipsecmesh.ike.policy.PeerPolicy;
import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.ikev2.Payload;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The AUTH side of IKE_AUTH for both roles: checking the peer's, producing ours (RFC 7296 §2.15, RFC 7427). */
final class PeerAuthentication {

  private PeerAuthentication() {}

  /** Why a peer was refused, for the log (never a key). */
  enum Refusal {
    NONE("authenticated"),
    IDENTITY("its identity matches no match identity remote of the profile"),
    METHOD("its AUTH method is not the profile's authentication remote"),
    NO_KEY("no pre-shared key for its address or identity"),
    PSK("its pre-shared-key AUTH does not verify"),
    CERTIFICATE("its certificate is refused"),
    SIGNATURE("its signature does not verify"),
    /** Not a refusal yet: the certificate's CRL must be fetched first, then the AUTH is checked again. */
    CRL_PENDING("its CRL is being fetched");

    final String reason;

    Refusal(String reason) {
      this.reason = reason;
    }
  }

  /**
   * The peer's AUTH under {@code sa.policy}: its ID must be one the profile accepts (IOS profile match, RFC
   * 7296 §2.15), its AUTH method the profile's {@code authentication remote}; a PSK MIC (the key of the keyring
   * peer its ID selects, else the one found by address) is compared in constant time; a Digital Signature (RFC
   * 7427) must come from a certificate that chains to the profile's trust anchors, names the ID, allows
   * signing and carries the key type of the method (RFC 4945 §3.1, §5.1.3.2).
   */
  static Refusal check(IkeSa sa, Payload.Identification id, Payload.Authentication auth,
      List<Payload.Certificate> certs, byte[] peerRealMessage, byte[] ourNonce, byte[] skPeer) {
    return check(sa, id, auth, certs, peerRealMessage, ourNonce, skPeer, CrlSource.NONE, 0L);
  }

  /**
   * The same with revocation: a CRL not cached yet is left in {@code sa.crlToFetch} (with {@link Refusal#CRL_PENDING})
   * the first time; once fetched ({@code sa.crlFetched}), a CRL that still cannot be had counts as unavailable.
   */
  static Refusal check(IkeSa sa, Payload.Identification id, Payload.Authentication auth,
      List<Payload.Certificate> certs, byte[] peerRealMessage, byte[] ourNonce, byte[] skPeer, CrlSource crls,
      long nowMillis) {
    PeerPolicy p = sa.policy;
    PeerAuthorization remote = p.remote();
    if (!remote.accepts(id.idType(), id.data())) {
      return Refusal.IDENTITY;
    }
    if (remote.method() == PeerAuthorization.Method.PRE_SHARE) {
      if (auth.method() != IkeConstants.AUTH_SHARED_KEY_MIC) {
        return Refusal.METHOD;
      }
      byte[] key = remoteKey(p, id);
      if (key == null) {
        return Refusal.NO_KEY;
      }
      byte[] expected = PskAuthenticator.authData(sa.suite.prf(), key, peerRealMessage, ourNonce, skPeer, id);
      return PskAuthenticator.verify(expected, auth.data()) ? Refusal.NONE : Refusal.PSK;
    }
    if (auth.method() != IkeConstants.AUTH_DIGITAL_SIGNATURE) {
      return Refusal.METHOD;
    }
    CertificateValidator.Verdict v = CertificateValidator.check(certs, remote.anchors(), id, remote.revocation(), crls,
        !sa.crlFetched, nowMillis);
    if (v.crlToFetch() != null) {
      sa.crlToFetch = v.crlToFetch();
      return Refusal.CRL_PENDING;
    }
    Optional<X509Certificate> ee = Optional.ofNullable(v.endEntity());
    if (ee.isEmpty() || !keyTypeFits(remote.method(), ee.get())) {
      sa.refusalDetail = v.reason() != null ? v.reason() : "the wrong key type for " + remote.method().keyword;
      return Refusal.CERTIFICATE;
    }
    return SignatureAuthenticator.verify(ee.get().getPublicKey(), auth.data(),
        PskAuthenticator.signedOctets(sa.suite.prf(), peerRealMessage, ourNonce, skPeer, id))
        ? Refusal.NONE : Refusal.SIGNATURE;
  }

  /** {@code rsa-sig} takes an RSA key, {@code ecdsa-sig} an EC key, as IOS's methods are named. */
  private static boolean keyTypeFits(PeerAuthorization.Method method, X509Certificate cert) {
    String alg = cert.getPublicKey().getAlgorithm();
    return method == PeerAuthorization.Method.RSA_SIG ? "RSA".equals(alg) : "EC".equals(alg);
  }

  /** The key that verifies the peer: its keyring peer by identity (§2.15, IOS's responder lookup), else by address. */
  private static byte[] remoteKey(PeerPolicy p, Payload.Identification id) {
    PeerAuthorization.IdentityKey k = p.remote().keyFor(id.idType(), id.data());
    return k != null ? k.remoteKey() : p.remotePsk();
  }

  /** The key that signs our AUTH: the keyring peer the peer's identity selected, else the one found by address. */
  private static byte[] localKey(PeerPolicy p, Payload.Identification peerId) {
    PeerAuthorization.IdentityKey k = peerId == null ? null : p.remote().keyFor(peerId.idType(), peerId.data());
    return k != null ? k.localKey() : p.psk();
  }

  /**
   * Our CERT payloads (+ CERTREQ for the initiator) and AUTH, for PSK or certificate policies; {@code peerId} is
   * the peer's authenticated ID (responder) or null (initiator). Empty when a PSK policy has no key to sign with.
   */
  static List<Payload> ours(IkeSa sa, Payload.Identification ourId, byte[] ourRealMessage, byte[] peerNonce,
      byte[] skOurs, boolean certificateRequest, Payload.Identification peerId) {
    PeerPolicy p = sa.policy;
    List<Payload> out = new ArrayList<>();
    if (certificateRequest && p.remote().method().signature()) {
      // strongSwan sends its certificate only when asked (send_cert = ifasked)
      out.add(new Payload.CertificateRequest(IkeConstants.CERT_X509_SIGNATURE,
          CertificateValidator.certificateRequest(p.remote().anchors())));
    }
    if (p.credentials() == null) {
      byte[] key = localKey(p, peerId);
      if (key == null) {
        return List.of();
      }
      out.add(new Payload.Authentication(IkeConstants.AUTH_SHARED_KEY_MIC,
          PskAuthenticator.authData(sa.suite.prf(), key, ourRealMessage, peerNonce, skOurs, ourId)));
      return out;
    }
    try {
      List<Payload> certsFirst = new ArrayList<>();
      for (X509Certificate c : p.credentials().chain()) {
        certsFirst.add(new Payload.Certificate(IkeConstants.CERT_X509_SIGNATURE, c.getEncoded()));
      }
      certsFirst.addAll(out);
      certsFirst.add(new Payload.Authentication(IkeConstants.AUTH_DIGITAL_SIGNATURE, SignatureAuthenticator.sign(
          p.credentials().key(), PskAuthenticator.signedOctets(sa.suite.prf(), ourRealMessage, peerNonce, skOurs,
              ourId))));
      return certsFirst;
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign AUTH with the configured key", e);
    }
  }
}
