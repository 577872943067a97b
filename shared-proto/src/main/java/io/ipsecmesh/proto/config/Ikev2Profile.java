package io.ipsecmesh.proto.config;

import java.util.List;

/**
 * {@code crypto ikev2 profile NAME}.
 *
 * @param matchRemoteAddresses {@code match identity remote address IP [MASK]} as "IP MASK"
 * @param identityLocalAddress {@code identity local address IP}, or null
 * @param authenticationLocal  "pre-share" or "rsa-sig"
 * @param keyring              {@code keyring local NAME}
 * @param dpd                  {@code dpd INTERVAL RETRY on-demand|periodic}, null to use the global one
 * @param lifetimeSeconds      {@code lifetime} 120–86400, null for the default 86400
 * @param matchIdentities      {@code match identity remote fqdn|email [domain] NAME}, {@code … key-id ID}
 * @param identityLocal        {@code identity local fqdn|email|key-id|dn} (null: the address, as IOS)
 * @param pkiTrustpoints       {@code pki trustpoint NAME [sign|verify]}: the CAs that verify the peer's certificate
 */
public record Ikev2Profile(
    String name,
    List<String> matchRemoteAddresses,
    String identityLocalAddress,
    String authenticationLocal,
    String authenticationRemote,
    String keyring,
    Ikev2Dpd dpd,
    Integer lifetimeSeconds,
    List<IdentityMatch> matchIdentities,
    IkeIdentity identityLocal,
    List<String> pkiTrustpoints) {

  /** A profile that matches peers by address only and names no trustpoint. */
  public Ikev2Profile(String name, List<String> matchRemoteAddresses, String identityLocalAddress,
      String authenticationLocal, String authenticationRemote, String keyring, Ikev2Dpd dpd, Integer lifetimeSeconds) {
    this(name, matchRemoteAddresses, identityLocalAddress, authenticationLocal, authenticationRemote, keyring, dpd,
        lifetimeSeconds, List.of(), null, List.of());
  }

  public Ikev2Profile {
    matchRemoteAddresses = List.copyOf(matchRemoteAddresses);
    matchIdentities = matchIdentities == null ? List.of() : List.copyOf(matchIdentities);
    pkiTrustpoints = pkiTrustpoints == null ? List.of() : List.copyOf(pkiTrustpoints);
  }
}
