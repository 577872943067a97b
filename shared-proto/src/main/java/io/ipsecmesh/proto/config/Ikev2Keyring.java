package io.ipsecmesh.proto.config;

import java.util.List;

/** {@code crypto ikev2 keyring NAME} and its peers. */
public record Ikev2Keyring(String name, List<Ikev2KeyringPeer> peers) {
  public Ikev2Keyring {
    peers = List.copyOf(peers);
  }
}
