package io.ipsecmesh.proto.config;

import java.util.List;

/**
 * {@code crypto ipsec profile NAME}: the IPsec parameters of the SAs of a tunnel interface that names it in
 * {@code tunnel protection ipsec profile NAME} (the Cisco IPsec Virtual Tunnel Interface document: a profile is
 * the crypto map of a route-based tunnel, without peer or access list — the tunnel destination is the peer and
 * the selectors are any to any).
 *
 * @param transformSets {@code set transform-set} names, in order of preference
 * @param sa            {@code set security-association …} overrides of the global settings (null components inherit)
 * @param pfsGroup      {@code set pfs groupN}, null without PFS
 * @param ikev2Profile  {@code set ikev2-profile}, null when unset: the tunnel then negotiates IKEv1 (as on IOS, where a
 *                      profile without it uses the {@code crypto isakmp} policies and keys)
 * @param isakmpProfile {@code set isakmp-profile}, null when unset (IKEv1 only: the identities and keys of the peer)
 */
public record IpsecProfile(String name, List<String> transformSets, SaSettings sa, Integer pfsGroup,
    String ikev2Profile, String isakmpProfile) {

  /** A profile without {@code set isakmp-profile}. */
  public IpsecProfile(String name, List<String> transformSets, SaSettings sa, Integer pfsGroup, String ikev2Profile) {
    this(name, transformSets, sa, pfsGroup, ikev2Profile, null);
  }

  public IpsecProfile {
    transformSets = List.copyOf(transformSets);
    sa = sa == null ? SaSettings.INHERIT : sa;
  }
}
