package io.ipsecmesh.proto.config;

/**
 * {@code peer NAME} in a {@code crypto ikev2 keyring}: {@code address IP [MASK]},
 * {@code identity address|fqdn|email [domain]|key-id …}, {@code hostname NAME} and
 * {@code pre-shared-key KEY} (or distinct {@code local} / {@code remote} keys).
 *
 * @param identity the peer's IKE identity ({@code identity …}), null when the peer is found by address only
 * @param hostname {@code hostname NAME}: found by an initiator whose {@code set peer} names this host
 */
public record Ikev2KeyringPeer(String name, String address, String mask, @Sealed String localKey, @Sealed String remoteKey,
    IdentityMatch identity, String hostname) {

  /** A peer found by address only. */
  public Ikev2KeyringPeer(String name, String address, String mask, String localKey, String remoteKey) {
    this(name, address, mask, localKey, remoteKey, null, null);
  }

  /** Never the keys: records print every component, and configurations end up in logs and exceptions. */
  @Override
  public String toString() {
    return "Ikev2KeyringPeer[name=" + name + ", address=" + address + ", mask=" + mask
        + ", localKey=<redacted>, remoteKey=<redacted>, identity=" + identity + ", hostname=" + hostname + "]";
  }
}
