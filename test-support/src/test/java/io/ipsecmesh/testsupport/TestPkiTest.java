package io.ipsecmesh.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The throw-away CA: what it issues verifies under it and carries the identity and usage the tests rely on. */
class TestPkiTest {

  @TempDir
  Path dir;

  @Test
  void anIssuedCertificateNamesItsHostAndVerifiesUnderTheCa() throws Exception {
    for (TestPki.Keys keys : TestPki.Keys.values()) {
      TestPki pki = new TestPki("CN=test CA", keys);
      TestPki.Issued gw = pki.issue("gw.example.net");
      X509Certificate c = gw.certificate();
      c.verify(pki.ca().getPublicKey());
      assertEquals("CN=gw.example.net", c.getSubjectX500Principal().getName());
      assertEquals(List.of(2, "gw.example.net"), List.copyOf(c.getSubjectAlternativeNames().iterator().next()));
      assertTrue(c.getKeyUsage()[0], "digitalSignature (RFC 4945 §5.1.3.2)");
      assertEquals(-1, c.getBasicConstraints(), "not a CA");
      assertEquals(keys == TestPki.Keys.EC ? "EC" : "RSA", gw.key().getAlgorithm());
      if (keys == TestPki.Keys.RSA_4096) {
        assertEquals(4096, ((java.security.interfaces.RSAPublicKey) c.getPublicKey()).getModulus().bitLength());
      }
    }
  }

  @Test
  void aCrlListsTheRevokedAndPemFilesReadBack() throws Exception {
    TestPki pki = new TestPki("CN=test CA");
    TestPki.Issued revoked = pki.issue("bad.example.net", org.bouncycastle.asn1.x509.KeyUsage.digitalSignature,
        "http://10.0.0.9/test.crl");
    CertificateFactory f = CertificateFactory.getInstance("X.509");
    X509CRL crl = (X509CRL) f.generateCRL(new ByteArrayInputStream(pki.crl(List.of(revoked.certificate()), false)));
    crl.verify(pki.ca().getPublicKey());
    assertTrue(crl.isRevoked(revoked.certificate()));

    TestPki.writePem(revoked, dir.resolve("x509/bad.pem"), dir.resolve("private/bad.key"));
    try (var in = Files.newInputStream(dir.resolve("x509/bad.pem"))) {
      assertEquals(revoked.certificate(), f.generateCertificate(in));
    }
    assertTrue(Files.readString(dir.resolve("private/bad.key")).startsWith("-----BEGIN PRIVATE KEY-----\n"));
  }
}
