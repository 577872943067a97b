package io.ipsecmesh.ike.policy;

import java.util.List;
import java.util.Optional;

/** The peer policies currently in force; replaced as a whole when the configuration changes. */
public final class PolicyStore {

  private volatile List<PeerPolicy> policies = List.of();

  public void replace(List<PeerPolicy> next) {
    policies = List.copyOf(next);
  }

  public List<PeerPolicy> all() {
    return policies;
  }

  /** The policy a peer at {@code address} is bound to (first crypto map entry listing it). */
  public Optional<PeerPolicy> forPeer(String address) {
    return policies.stream().filter(p -> p.peerAddress().equals(address)).findFirst();
  }

  /**
   * The first policy for a peer at {@code address} whose profile accepts identity {@code idType}/{@code data} and
   * offers {@code suite} (the IKE SA's, already agreed in IKE_SA_INIT): IOS's profile selection by identity.
   */
  public Optional<PeerPolicy> forIdentity(String address, io.ipsecmesh.ike.crypto.IkeSuite suite, int idType,
      byte[] data) {
    return policies.stream()
        .filter(p -> p.peerAddress().equals(address) && p.ikeSuites().contains(suite)
            && p.remote().accepts(idType, data))
        .findFirst();
  }

  /** The first (preferred) peer of crypto map entry {@code map seq} — what an ACQUIRE negotiates with. */
  public Optional<PeerPolicy> forMapEntry(String map, int seq) {
    return policies.stream().filter(p -> p.cryptoMap().equals(map) && p.mapSequence() == seq).findFirst();
  }
}
