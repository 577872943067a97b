package io.ipsecmesh.dpd;

import java.util.List;
import java.util.Optional;

/**
 * Stateless failover over an ordered peer list: the repeated {@code set peer} lines of a crypto map entry,
 * or the repeated {@code peer} lines of an Easy VPN client. When DPD declares the current peer dead the
 * router "switches over to the next listed peer" and, after the last, cycles back to the first.
 */
public final class PeerFailover {

  private final List<String> peers;

  /** @param orderedPeers the peers in configuration order; duplicates keep their first position */
  public PeerFailover(List<String> orderedPeers) {
    this.peers = List.copyOf(orderedPeers.stream().distinct().toList());
  }

  public List<String> peers() {
    return peers;
  }

  /**
   * The peer to try after {@code deadPeer}: the next one in the list, the first after the last. A dead peer
   * that is no longer listed (the list was edited) restarts at the top; a one-peer list retries that peer.
   */
  public Optional<String> after(String deadPeer) {
    if (peers.isEmpty()) {
      return Optional.empty();
    }
    int i = peers.indexOf(deadPeer);
    return Optional.of(peers.get(i < 0 ? 0 : (i + 1) % peers.size()));
  }
}
