package io.ipsecmesh.ike.policy;

import io.ipsecmesh.ike.policy.PeerPolicy.Identity;
import io.ipsecmesh.proto.ikev2.IkeConstants;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What signature authentication needs: our private key and certificate chain (end entity first) and
 * the CA certificates we trust for the peer's. Loaded from PEM files (PKCS#8 key).
 */
public record Credentials(PrivateKey key, List<X509Certificate> chain, Set<TrustAnchor> anchors) {

  public Credentials {
    chain = List.copyOf(chain);
    anchors = Set.copyOf(anchors);
    if (chain.isEmpty() || anchors.isEmpty()) {
      throw new IllegalArgumentException("a certificate and at least one CA are needed");
    }
  }

  public static Credentials fromPem(Path certificate, Path pkcs8Key, Path caCertificates)
      throws IOException, GeneralSecurityException {
    List<X509Certificate> chain = certificates(Files.readString(certificate, StandardCharsets.US_ASCII));
    Set<TrustAnchor> anchors = new HashSet<>();
    for (X509Certificate ca : certificates(Files.readString(caCertificates, StandardCharsets.US_ASCII))) {
      anchors.add(new TrustAnchor(ca, null));
    }
    byte[] der = pem(Files.readString(pkcs8Key, StandardCharsets.US_ASCII), "PRIVATE KEY").get(0);
    String algorithm = chain.get(0).getPublicKey().getAlgorithm();
    PrivateKey key = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
    java.util.Arrays.fill(der, (byte) 0);
    return new Credentials(key, chain, anchors);
  }

  /** Our identity as the certificate names it: its first DNS name, else its subject DN. */
  public Identity identity() {
    try {
      if (chain.get(0).getSubjectAlternativeNames() != null) {
        for (List<?> san : chain.get(0).getSubjectAlternativeNames()) {
          if (((Integer) san.get(0)) == 2) {
            return new Identity(IkeConstants.ID_FQDN, (String) san.get(1));
          }
        }
      }
    } catch (java.security.cert.CertificateParsingException e) {
      // fall back to the subject name
    }
    return new Identity(IkeConstants.ID_DER_ASN1_DN, chain.get(0).getSubjectX500Principal().getName());
  }

  static List<X509Certificate> certificates(String pemText) throws GeneralSecurityException {
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    List<X509Certificate> out = new ArrayList<>();
    for (byte[] der : pem(pemText, "CERTIFICATE")) {
      out.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(der)));
    }
    return out;
  }

  private static List<byte[]> pem(String text, String label) {
    List<byte[]> out = new ArrayList<>();
    String begin = "-----BEGIN " + label + "-----";
    String end = "-----END " + label + "-----";
    int i = text.indexOf(begin);
    while (i >= 0) {
      int j = text.indexOf(end, i);
      if (j < 0) {
        break;
      }
      out.add(Base64.getMimeDecoder().decode(text.substring(i + begin.length(), j)));
      i = text.indexOf(begin, j);
    }
    return out;
  }

  /** Never the private key (a JCE key's own toString may print its parameters). */
  @Override
  public String toString() {
    return "Credentials[" + key.getAlgorithm() + " private key <redacted>, " + chain.size() + " certificate(s), "
        + anchors.size() + " trust anchor(s)]";
  }
}
