package io.ipsecmesh.ike.policy;

import io.ipsecmesh.ike.crypto.RevocationPolicy;
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
 * how each checks revocation ({@code revocation-check crl}, {@code crl query}). A profile's {@code pki trustpoint} statements pick
 * the anchors its peers' certificates must chain to (RFC 4945 §3: the trust anchor is a local policy).
 */
public record TrustStore(Map<String, Set<TrustAnchor>> byTrustpoint, Map<String, RevocationPolicy> revocations) {

  public static final TrustStore EMPTY = new TrustStore(Map.of(), Map.of());

  public TrustStore {
    byTrustpoint = Map.copyOf(byTrustpoint);
    revocations = Map.copyOf(revocations);
  }

  /**
   * The trust anchors of the configuration's trustpoints (their {@code crypto pki certificate chain} CA
   * certificates, validated by config-service; one that does not parse here is left out) and the ones with
   * {@code revocation-check crl} or {@code crl none}.
   */
  public static TrustStore from(List<PkiTrustpoint> trustpoints) {
    Map<String, Set<TrustAnchor>> by = new HashMap<>();
    Map<String, RevocationPolicy> crl = new HashMap<>();
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
        crl.put(t.name(), new RevocationPolicy(true, t.revocationCheck() == PkiTrustpoint.Revocation.CRL_NONE,
            t.crlQuery()));
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

  /** The revocation check of the first named trustpoint that has one ({@code revocation-check crl|crl none}). */
  public RevocationPolicy revocation(List<String> trustpoints) {
    return trustpoints.stream().map(revocations::get).filter(r -> r != null).findFirst()
        .orElse(RevocationPolicy.NONE);
  }
}
