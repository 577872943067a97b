package io.ipsecmesh.proto.config;

import java.util.List;

/**
 * {@code crypto isakmp profile NAME}: {@code match identity address IP [MASK]}, {@code match identity host [domain]
 * NAME}, {@code match identity user-fqdn [domain] NAME} (kept as ADDRESS / FQDN / EMAIL matches), and
 * {@code self-identity address|fqdn|user-fqdn}. An IKEv1 peer whose ID no profile matches is refused while any
 * profile is configured; the crypto map's {@code set isakmp-profile} names the one its peers must match.
 *
 * @param selfIdentity our ID under this profile, null for {@code crypto isakmp identity}
 */
public record IsakmpProfile(String name, List<IdentityMatch> matchIdentities, IkeIdentity selfIdentity) {
  public IsakmpProfile {
    matchIdentities = matchIdentities == null ? List.of() : List.copyOf(matchIdentities);
  }
}
