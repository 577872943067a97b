package io.ipsecmesh.ike.engine;

import io.ipsecmesh.ike.policy.Credentials;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A throw-away CA and end-entity certificates (ECDSA P-256) for signature-authentication tests. */
public final class TestCertificates {

  /** Distinct serial numbers for certificates made in the same millisecond (a CRL names them by serial). */
  private static final java.util.concurrent.atomic.AtomicLong SERIALS = new java.util.concurrent.atomic.AtomicLong();

  public final KeyPair caKeys;
  public final X509Certificate ca;

  public TestCertificates(String caName) throws Exception {
    caKeys = ecKeys();
    ca = certificate(caName, null, caKeys, null, caKeys, true);
  }

  /** Credentials for {@code fqdn} (DNS subjectAltName) issued by this CA, trusting {@code trusted}. */
  public Credentials issue(String fqdn, TestCertificates trusted) throws Exception {
    return issue(fqdn, trusted, KeyUsage.digitalSignature);
  }

  /** The same with the given keyUsage bits (BouncyCastle {@link KeyUsage} constants). */
  public Credentials issue(String fqdn, TestCertificates trusted, int keyUsage) throws Exception {
    return issue(fqdn, trusted, keyUsage, null);
  }

  /** The same with a CRL distribution point ({@code crlUrl}, a URI name; null for none). */
  public Credentials issue(String fqdn, TestCertificates trusted, int keyUsage, String crlUrl) throws Exception {
    KeyPair kp = ecKeys();
    X509Certificate ee = certificate("CN=" + fqdn, fqdn, kp, ca, caKeys, false, keyUsage, crlUrl);
    return new Credentials(kp.getPrivate(), List.of(ee), Set.of(new TrustAnchor(trusted.ca, null)));
  }

  /** A DER CRL of this CA listing {@code revoked}, current for an hour (or expired when {@code expired}). */
  public byte[] crl(List<X509Certificate> revoked, boolean expired) throws Exception {
    long now = System.currentTimeMillis();
    org.bouncycastle.cert.X509v2CRLBuilder b = new org.bouncycastle.cert.X509v2CRLBuilder(
        new X500Name(ca.getSubjectX500Principal().getName()), new Date(now - (expired ? 7_200_000 : 60_000)));
    b.setNextUpdate(new Date(expired ? now - 3_600_000 : now + 3_600_000));
    for (X509Certificate c : revoked) {
      b.addCRLEntry(c.getSerialNumber(), new Date(now - 60_000), org.bouncycastle.asn1.x509.CRLReason.keyCompromise);
    }
    return b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())).getEncoded();
  }

  public static String pem(String label, byte[] der) {
    return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END " + label + "-----\n";
  }

  private static KeyPair ecKeys() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static X509Certificate certificate(String subject, String dns, KeyPair subjectKeys, X509Certificate issuer,
      KeyPair issuerKeys, boolean ca) throws Exception {
    return certificate(subject, dns, subjectKeys, issuer, issuerKeys, ca, KeyUsage.digitalSignature);
  }

  private static X509Certificate certificate(String subject, String dns, KeyPair subjectKeys, X509Certificate issuer,
      KeyPair issuerKeys, boolean ca, int eeKeyUsage) throws Exception {
    return certificate(subject, dns, subjectKeys, issuer, issuerKeys, ca, eeKeyUsage, null);
  }

  private static X509Certificate certificate(String subject, String dns, KeyPair subjectKeys, X509Certificate issuer,
      KeyPair issuerKeys, boolean ca, int eeKeyUsage, String crlUrl) throws Exception {
    long now = System.currentTimeMillis();
    X500Name issuerName = issuer == null ? new X500Name(subject) : new X500Name(issuer.getSubjectX500Principal()
        .getName());
    JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName, BigInteger.valueOf(now).shiftLeft(20)
        .add(BigInteger.valueOf(SERIALS.incrementAndGet())),
        new Date(now - 3_600_000), new Date(now + 86_400_000L), new X500Name(subject), subjectKeys.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign
        : eeKeyUsage));
    if (crlUrl != null) {
      GeneralNames names = new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, crlUrl));
      b.addExtension(Extension.cRLDistributionPoints, false, new org.bouncycastle.asn1.x509.CRLDistPoint(
          new org.bouncycastle.asn1.x509.DistributionPoint[] {new org.bouncycastle.asn1.x509.DistributionPoint(
              new org.bouncycastle.asn1.x509.DistributionPointName(names), null, null)}));
    }
    if (dns != null) {
      b.addExtension(Extension.subjectAlternativeName, false,
          new GeneralNames(new GeneralName(GeneralName.dNSName, dns)));
    }
    return new JcaX509CertificateConverter().getCertificate(b.build(
        new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
  }
}
