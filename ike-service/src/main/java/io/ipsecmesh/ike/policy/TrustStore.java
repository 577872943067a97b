package io.ipsecmesh.ike.policy;

import java.security.cert.TrustAnchor;
import java.util.HashSet;
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
