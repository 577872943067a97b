package io.ipsecmesh.ike.policy;

import io.ipsecmesh.proto.config.PkiTrustpoint;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The CA certificates of the configuration's {@code crypto pki trustpoint}s, by trustpoint name, and whether
 * each checks revocation ({@code revocation-check crl}). A profile's {@code pki trustpoint} statements pick
 * the anchors its peers' certificates must chain to (RFC 4945 §3: the trust anchor is a local policy).
 */
public record TrustStore(Map<String, Set<TrustAnchor>> byTrustpoint, Set<String> crlChecking) {

  public static final TrustStore EMPTY = new TrustStore(Map.of(), Set.of());

  public TrustStore {
    byTrustpoint = Map.copyOf(byTrustpoint);
    crlChecking = Set.copyOf(crlChecking);
  }

  /**
   * The trust anchors of the configuration's trustpoints (their {@code crypto pki certificate chain} CA
   * certificates, validated by config-service; one that does not parse here is left out) and the ones with
   * {@code revocation-check crl} or {@code crl none}.
   */
  public static TrustStore from(List<PkiTrustpoint> trustpoints) {
    Map<String, Set<TrustAnchor>> by = new HashMap<>();
    Set<String> crl = new HashSet<>();
    for (PkiTrustpoint t : trustpoints) {
      Set<TrustAnchor> anchors = new HashSet<>();
      for (String hex : t.caCertificates()) {
        try {
          anchors.add(new TrustAnchor((X509Certificate) CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(HexFormat.of().parseHex(hex))), null));
        } catch (CertificateException | IllegalArgumentException e) {
          // config-service refuses such a chain; a model from elsewhere loses only this anchor
        }
      }
      by.put(t.name(), anchors);
      if (t.revocationCheck() != PkiTrustpoint.Revocation.NONE) {
        crl.add(t.name());
      }
    }
    return new TrustStore(by, crl);
  }

  /** The anchors of the named trustpoints (unknown names contribute none). */
  public Set<TrustAnchor> anchors(List<String> trustpoints) {
    Set<TrustAnchor> out = new HashSet<>();
    trustpoints.forEach(t -> out.addAll(byTrustpoint.getOrDefault(t, Set.of())));
    return out;
  }

  /** Whether any of the named trustpoints has {@code revocation-check crl}. */
  public boolean crlCheck(List<String> trustpoints) {
    return trustpoints.stream().anyMatch(crlChecking::contains);
  }
}
