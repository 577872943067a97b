package io.ipsecmesh.proto.config;

/**
 * {@code crypto isakmp peer address IP}: the IKEv1 settings of one peer (Cisco IOS Security Command
 * Reference, crypto isakmp peer). With {@code set aggressive-mode password KEY} and {@code set
 * aggressive-mode client-endpoint TYPE VALUE} IOS initiates Aggressive Mode (RFC 2409 §5.4) to the peer,
 * authenticated with that key and identified by that endpoint, instead of Main Mode with the {@code crypto
 * isakmp key} of its address.
 *
 * @param aggressivePassword {@code set aggressive-mode password}, null when unset
 * @param clientEndpoint     {@code set aggressive-mode client-endpoint ipv4-address|fqdn|user-fqdn VALUE} as
 *                           ADDRESS, FQDN or EMAIL; null when unset
 */
public record IsakmpPeer(String address, @Sealed String aggressivePassword, IkeIdentity clientEndpoint) {

  /** IOS initiates Aggressive Mode only when both the password and the client endpoint are set. */
  public boolean aggressive() {
    return aggressivePassword != null && clientEndpoint != null;
  }

  /** Never the password: records print every component, and configurations end up in logs and exceptions. */
  @Override
  public String toString() {
    return "IsakmpPeer[address=" + address + ", aggressivePassword=" + (aggressivePassword == null ? null
        : "<redacted>") + ", clientEndpoint=" + clientEndpoint + "]";
  }
}
