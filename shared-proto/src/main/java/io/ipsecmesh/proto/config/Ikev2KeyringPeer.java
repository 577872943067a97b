package io.ipsecmesh.proto.config;

/**
 * {@code peer NAME} in a {@code crypto ikev2 keyring}: {@code address IP [MASK]} and
 * {@code pre-shared-key KEY} (or distinct {@code local} / {@code remote} keys).
 */
public record Ikev2KeyringPeer(String name, String address, String mask, @Sealed String localKey, @Sealed String remoteKey) {

  /** Never the keys: records print every component, and configurations end up in logs and exceptions. */
  @Override
  public String toString() {
    return "Ikev2KeyringPeer[name=" + name + ", address=" + address + ", mask=" + mask
        + ", localKey=<redacted>, remoteKey=<redacted>]";
  }
}
