package io.ipsecmesh.ike.engine;

import io.ipsecmesh.ike.policy.Credentials;
import io.ipsecmesh.testsupport.TestPki;
import java.security.KeyPair;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x509.KeyUsage;

/**
 * A throw-away CA and end-entity certificates (ECDSA P-256) for signature-authentication tests, as ike-service's
 * {@link Credentials}; the certificates themselves come from test-support's {@link TestPki}.
 */
public final class TestCertificates {

  private final TestPki pki;
  public final KeyPair caKeys;
  public final X509Certificate ca;

  public TestCertificates(String caName) throws Exception {
    pki = new TestPki(caName);
    caKeys = pki.caKeys();
    ca = pki.ca();
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
    TestPki.Issued ee = pki.issue(fqdn, keyUsage, crlUrl);
    return new Credentials(ee.key(), List.of(ee.certificate()), Set.of(new TrustAnchor(trusted.ca, null)));
  }

  /** A DER CRL of this CA listing {@code revoked}, current for an hour (or expired when {@code expired}). */
  public byte[] crl(List<X509Certificate> revoked, boolean expired) throws Exception {
    return pki.crl(revoked, expired);
  }

  public static String pem(String label, byte[] der) {
    return TestPki.pem(label, der);
  }
}
