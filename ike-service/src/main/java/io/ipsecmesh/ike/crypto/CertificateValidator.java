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
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.security.auth.x500.X500Principal;

/**
 * The peer's certificate (RFC 7296 §3.6 CERT payloads, end entity first): a PKIX path to one of the profile's
 * trust anchors (JDK validator), an identity (IDi/IDr) the end-entity certificate actually names (§3.5, RFC 4945
 * §3.1), a keyUsage that allows signing, and with {@code revocation-check crl} a current CRL that does not list it.
 */
public final class CertificateValidator {

  private CertificateValidator() {}

  /** The validated end-entity certificate, or empty (no revocation check). */
  public static Optional<X509Certificate> validate(List<Payload.Certificate> certs, Set<TrustAnchor> anchors,
      Payload.Identification id) {
    Verdict v = check(certs, anchors, id, RevocationPolicy.NONE, CrlSource.NONE, false, System.currentTimeMillis());
    return Optional.ofNullable(v.endEntity());
  }

  /**
   * The outcome of {@link #check}: the accepted end entity, or a CRL to fetch first (then check again), or neither
   * (refused, {@code reason} says why, for the log).
   */
  public record Verdict(X509Certificate endEntity, String crlToFetch, String reason) {
    static Verdict refused(String reason) {
      return new Verdict(null, null, reason);
    }
  }

  /**
   * The peer's certificate: a PKIX path to one of {@code anchors}, an end entity that names {@code id} (RFC 4945
   * §3.1: "the ID MUST be checked against the certificate") and whose keyUsage, when present, allows
   * digitalSignature or nonRepudiation (RFC 4945 §5.1.3.2); with a revocation check, not on its CA's current CRL
   * (RFC 5280 §6.3), read from {@code crl query} or the certificate's CRL distribution point. A CRL that is not
   * cached yet is asked for ({@code crlToFetch}) when {@code mayFetch}; otherwise it counts as unavailable.
   */
  public static Verdict check(List<Payload.Certificate> certs, Set<TrustAnchor> anchors, Payload.Identification id,
      RevocationPolicy revocation, CrlSource crls, boolean mayFetch, long nowMillis) {
    if (anchors.isEmpty()) {
      return Verdict.refused("no trust anchor");
    }
    List<X509Certificate> chain = new ArrayList<>();
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      for (Payload.Certificate c : certs) {
        if (c.encoding() == IkeConstants.CERT_X509_SIGNATURE) {
          chain.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(c.data())));
        }
      }
      if (chain.isEmpty()) {
        return Verdict.refused("no certificate");
      }
      CertPath path = cf.generateCertPath(chain);
      PKIXParameters params = new PKIXParameters(anchors);
      params.setRevocationEnabled(false);
      params.setDate(new java.util.Date(nowMillis));
      CertPathValidator.getInstance("PKIX").validate(path, params);
      X509Certificate ee = chain.get(0);
      if (!names(ee, id)) {
        return Verdict.refused("the certificate does not carry the ID");
      }
      if (!signingAllowed(ee)) {
        return Verdict.refused("its keyUsage does not allow signing");
      }
      if (!revocation.check()) {
        return new Verdict(ee, null, null);
      }
      return revocation(ee, chain, anchors, revocation, crls, mayFetch, nowMillis);
    } catch (GeneralSecurityException | RuntimeException e) {
      return Verdict.refused("no valid path to the trustpoint's CA");
    }
  }

  private static Verdict revocation(X509Certificate ee, List<X509Certificate> chain, Set<TrustAnchor> anchors,
      RevocationPolicy revocation, CrlSource crls, boolean mayFetch, long nowMillis) {
    String url = revocation.crlQuery() != null ? revocation.crlQuery() : distributionPoint(ee);
    X509CRL crl = url == null ? null : crls.cached(url);
    if (crl == null && url != null && mayFetch) {
      return new Verdict(null, url, null);
    }
    java.security.PublicKey issuerKey = issuerKey(ee, chain, anchors);
    boolean usable = crl != null && issuerKey != null && crl.getIssuerX500Principal().equals(ee.getIssuerX500Principal())
        && (crl.getNextUpdate() == null || crl.getNextUpdate().getTime() > nowMillis) && verifies(crl, issuerKey);
    if (!usable) {
      return revocation.softFail() ? new Verdict(ee, null, null)
          : Verdict.refused("no current CRL signed by its CA" + (url == null ? " (no CRL distribution point)" : " at " + url));
    }
    return crl.isRevoked(ee) ? Verdict.refused("it is revoked (CRL " + url + ")") : new Verdict(ee, null, null);
  }

  private static boolean verifies(X509CRL crl, java.security.PublicKey key) {
    try {
      crl.verify(key);
      return true;
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  /** The key of the certificate's issuer: the next certificate of the chain, or the anchor with its name. */
  private static java.security.PublicKey issuerKey(X509Certificate ee, List<X509Certificate> chain,
      Set<TrustAnchor> anchors) {
    if (chain.size() > 1 && chain.get(1).getSubjectX500Principal().equals(ee.getIssuerX500Principal())) {
      return chain.get(1).getPublicKey();
    }
    for (TrustAnchor a : anchors) {
      if (a.getTrustedCert() != null && a.getTrustedCert().getSubjectX500Principal().equals(ee.getIssuerX500Principal())) {
        return a.getTrustedCert().getPublicKey();
      }
    }
    return null;
  }

  /** The first http URI of the certificate's CRL distribution points (RFC 5280 §4.2.1.13), or null. */
  static String distributionPoint(X509Certificate cert) {
    byte[] ext = cert.getExtensionValue(org.bouncycastle.asn1.x509.Extension.cRLDistributionPoints.getId());
    if (ext == null) {
      return null;
    }
    try {
      org.bouncycastle.asn1.x509.CRLDistPoint dps = org.bouncycastle.asn1.x509.CRLDistPoint.getInstance(
          org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils.parseExtensionValue(ext));
      for (org.bouncycastle.asn1.x509.DistributionPoint dp : dps.getDistributionPoints()) {
        org.bouncycastle.asn1.x509.DistributionPointName name = dp.getDistributionPoint();
        if (name == null || name.getType() != org.bouncycastle.asn1.x509.DistributionPointName.FULL_NAME) {
          continue;
        }
        for (org.bouncycastle.asn1.x509.GeneralName g
            : org.bouncycastle.asn1.x509.GeneralNames.getInstance(name.getName()).getNames()) {
          if (g.getTagNo() == org.bouncycastle.asn1.x509.GeneralName.uniformResourceIdentifier) {
            String uri = g.getName().toString();
            if (uri.toLowerCase(java.util.Locale.ROOT).startsWith("http://")) {
              return uri;
            }
          }
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      return null;
    }
    return null;
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
