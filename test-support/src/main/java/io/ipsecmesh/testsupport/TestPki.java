package io.ipsecmesh.testsupport;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away certificate authority for signature-authentication tests (RFC 7296 §3.8 AUTH by signature, RFC 4945
 * for the certificate profile): a self-signed CA and end-entity certificates with a DNS subjectAltName, the
 * keyUsage a test asks for and optionally a CRL distribution point, and CRLs of the CA. ECDSA P-256 by default,
 * RSA 2048 where a profile says {@code rsa-sig}. Everything is made in memory; {@link #writePem} puts it where
 * strongSwan or our gateway read it. The keys are test-only secrets of a throw-away run.
 */
public final class TestPki {

  /**
   * Key algorithm of the CA and of what it issues: ECDSA P-256, RSA 2048, or RSA 4096 (certificates of ~1.4 KB and
   * 512-byte signatures: an IKE_AUTH larger than a 1500-byte MTU, RFC 7383's use case).
   */
  public enum Keys { EC, RSA, RSA_4096 }

  /** A key and the certificate of its public half. */
  public record Issued(PrivateKey key, X509Certificate certificate) {}

  /** Distinct serial numbers for certificates made in the same millisecond (a CRL names them by serial). */
  private static final AtomicLong SERIALS = new AtomicLong();

  private final Keys keys;
  private final KeyPair caKeys;
  private final X509Certificate ca;

  /** An ECDSA P-256 CA named {@code caName} (an X.500 name, e.g. {@code CN=test CA}). */
  public TestPki(String caName) throws Exception {
    this(caName, Keys.EC);
  }

  public TestPki(String caName, Keys keys) throws Exception {
    this.keys = keys;
    this.caKeys = newKeys(keys);
    this.ca = certificate(caName, null, caKeys.getPublic(), null, true, 0, null);
  }

  /** The CA's certificate. */
  public X509Certificate ca() {
    return ca;
  }

  /** The CA's key pair. */
  public KeyPair caKeys() {
    return caKeys;
  }

  /** A certificate for {@code fqdn} (CN and DNS subjectAltName) with keyUsage digitalSignature. */
  public Issued issue(String fqdn) throws Exception {
    return issue(fqdn, KeyUsage.digitalSignature, null);
  }

  /**
   * A certificate for {@code fqdn} with the given keyUsage bits (BouncyCastle {@link KeyUsage} constants) and a CRL
   * distribution point {@code crlUrl} (a URI name; null for none).
   */
  public Issued issue(String fqdn, int keyUsage, String crlUrl) throws Exception {
    KeyPair kp = newKeys(keys);
    return new Issued(kp.getPrivate(), certificate("CN=" + fqdn, fqdn, kp.getPublic(), ca, false, keyUsage, crlUrl));
  }

  /** A DER CRL of this CA listing {@code revoked}, current for an hour (or expired an hour ago when {@code expired}). */
  public byte[] crl(List<X509Certificate> revoked, boolean expired) throws Exception {
    long now = System.currentTimeMillis();
    X509v2CRLBuilder b = new X509v2CRLBuilder(new X500Name(ca.getSubjectX500Principal().getName()),
        new Date(now - (expired ? 7_200_000 : 60_000)));
    b.setNextUpdate(new Date(expired ? now - 3_600_000 : now + 3_600_000));
    for (X509Certificate c : revoked) {
      b.addCRLEntry(c.getSerialNumber(), new Date(now - 60_000), CRLReason.keyCompromise);
    }
    return b.build(new JcaContentSignerBuilder(signature()).build(caKeys.getPrivate())).getEncoded();
  }

  /** PEM text of DER bytes ({@code CERTIFICATE}, {@code PRIVATE KEY} for PKCS#8). */
  public static String pem(String label, byte[] der) {
    return "-----BEGIN " + label + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + label + "-----\n";
  }

  /** Writes the CA's certificate as PEM to {@code file}. */
  public Path writeCa(Path file) throws Exception {
    return write(file, pem("CERTIFICATE", ca.getEncoded()));
  }

  /** Writes {@code issued}'s certificate and PKCS#8 key as PEM to {@code certFile} and {@code keyFile}. */
  public static void writePem(Issued issued, Path certFile, Path keyFile) throws Exception {
    write(certFile, pem("CERTIFICATE", issued.certificate().getEncoded()));
    write(keyFile, pem("PRIVATE KEY", issued.key().getEncoded()));
  }

  private static Path write(Path file, String text) throws Exception {
    Files.createDirectories(file.toAbsolutePath().getParent());
    return Files.writeString(file, text);
  }

  private String signature() {
    return keys == Keys.EC ? "SHA256withECDSA" : "SHA256withRSA";
  }

  private static KeyPair newKeys(Keys keys) throws Exception {
    if (keys != Keys.EC) {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(keys == Keys.RSA_4096 ? 4096 : 2048);
      return g.generateKeyPair();
    }
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private X509Certificate certificate(String subject, String dns, java.security.PublicKey subjectKey,
      X509Certificate issuer, boolean isCa, int eeKeyUsage, String crlUrl) throws Exception {
    long now = System.currentTimeMillis();
    X500Name issuerName = issuer == null ? new X500Name(subject)
        : new X500Name(issuer.getSubjectX500Principal().getName());
    JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName,
        BigInteger.valueOf(now).shiftLeft(20).add(BigInteger.valueOf(SERIALS.incrementAndGet())),
        new Date(now - 3_600_000), new Date(now + 86_400_000L), new X500Name(subject), subjectKey);
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(isCa ? KeyUsage.keyCertSign | KeyUsage.cRLSign
        : eeKeyUsage));
    if (crlUrl != null) {
      GeneralNames names = new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, crlUrl));
      b.addExtension(Extension.cRLDistributionPoints, false, new CRLDistPoint(new DistributionPoint[] {
          new DistributionPoint(new DistributionPointName(names), null, null)}));
    }
    if (dns != null) {
      b.addExtension(Extension.subjectAlternativeName, false,
          new GeneralNames(new GeneralName(GeneralName.dNSName, dns)));
    }
    return new JcaX509CertificateConverter().getCertificate(b.build(
        new JcaContentSignerBuilder(signature()).build(caKeys.getPrivate())));
  }
}
