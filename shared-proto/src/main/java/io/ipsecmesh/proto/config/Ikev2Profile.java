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
 */
public record Ikev2Profile(
    String name,
    List<String> matchRemoteAddresses,
    String identityLocalAddress,
    String authenticationLocal,
    String authenticationRemote,
    String keyring,
    Ikev2Dpd dpd,
    Integer lifetimeSeconds) {
  public Ikev2Profile {
    matchRemoteAddresses = List.copyOf(matchRemoteAddresses);
  }
}
