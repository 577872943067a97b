package io.ipsecmesh.ike.crypto;

import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.ikev2.Payload;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.security.auth.x500.X500Principal;

/**
 * The peer's certificate (RFC 7296 §3.6 CERT payloads, end entity first): a PKIX path to one of our
 * trust anchors (JDK validator; revocation is not checked: no CRL/OCSP source is configured), and an
 * identity (IDi/IDr) the end-entity certificate actually names (§3.5, RFC 4945 §3.1).
 */
public final class CertificateValidator {

  private CertificateValidator() {}

  /** The validated end-entity certificate, or empty (no revocation check). */
  public static Optional<X509Certificate> validate(List<Payload.Certificate> certs, Set<TrustAnchor> anchors,
      Payload.Identification id) {
    return validate(certs, anchors, id, false);
  }

  /**
   * The validated end-entity certificate, or empty: a PKIX path to one of {@code anchors}, an end entity that
   * names {@code id} (RFC 4945 §3.1: "the ID MUST be checked against the certificate") and whose keyUsage,
   * when present, allows digitalSignature or nonRepudiation (RFC 4945 §5.1.3.2); with {@code crlCheck}, not
   * revoked by its CA's CRL.
   */
  public static Optional<X509Certificate> validate(List<Payload.Certificate> certs, Set<TrustAnchor> anchors,
      Payload.Identification id, boolean crlCheck) {
    if (anchors.isEmpty()) {
      return Optional.empty();
    }
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      List<X509Certificate> chain = new ArrayList<>();
      for (Payload.Certificate c : certs) {
        if (c.encoding() == IkeConstants.CERT_X509_SIGNATURE) {
          chain.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(c.data())));
        }
      }
      if (chain.isEmpty()) {
        return Optional.empty();
      }
      CertPath path = cf.generateCertPath(chain);
      PKIXParameters params = new PKIXParameters(anchors);
      params.setRevocationEnabled(false);
      CertPathValidator.getInstance("PKIX").validate(path, params);
      X509Certificate ee = chain.get(0);
      return names(ee, id) && signingAllowed(ee) ? Optional.of(ee) : Optional.empty();
    } catch (GeneralSecurityException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** CERTREQ data (§3.7): SHA-1 of each trusted CA's SubjectPublicKeyInfo, concatenated. */
  public static byte[] certificateRequest(Set<TrustAnchor> anchors) {
    try {
      byte[] out = new byte[0];
      for (TrustAnchor a : anchors) {
        byte[] h = MessageDigest.getInstance("SHA-1").digest(a.getTrustedCert().getPublicKey().getEncoded());
        out = IkeSaKeys.concat(out, h);
      }
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** keyUsage absent, or digitalSignature (bit 0) or nonRepudiation (bit 1) set (RFC 4945 §5.1.3.2). */
  static boolean signingAllowed(X509Certificate cert) {
    boolean[] ku = cert.getKeyUsage();
    return ku == null || ku.length > 0 && ku[0] || ku.length > 1 && ku[1];
  }

  static boolean names(X509Certificate cert, Payload.Identification id) throws GeneralSecurityException {
    switch (id.idType()) {
      case IkeConstants.ID_DER_ASN1_DN:
        return cert.getSubjectX500Principal().equals(new X500Principal(id.data()));
      case IkeConstants.ID_FQDN:
        return hasAltName(cert, 2, new String(id.data(), StandardCharsets.US_ASCII));
      case IkeConstants.ID_RFC822_ADDR:
        return hasAltName(cert, 1, new String(id.data(), StandardCharsets.US_ASCII));
      case IkeConstants.ID_IPV4_ADDR:
      case IkeConstants.ID_IPV6_ADDR:
        try {
          return hasAltName(cert, 7, InetAddress.getByAddress(id.data()).getHostAddress());
        } catch (java.net.UnknownHostException e) {
          return false;
        }
      default:
        return false;
    }
  }

  private static boolean hasAltName(X509Certificate cert, int type, String value) throws GeneralSecurityException {
    if (cert.getSubjectAlternativeNames() == null) {
      return false;
    }
    for (List<?> san : cert.getSubjectAlternativeNames()) {
      if (((Integer) san.get(0)) == type && value.equalsIgnoreCase(String.valueOf(san.get(1)))) {
        return true;
      }
    }
    return false;
  }
}
