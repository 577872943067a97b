package io.ipsecmesh.dpd.cluster;

import io.ipsecmesh.dpd.DeadPeerDetector;
import io.ipsecmesh.dpd.IkePeer;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Splits the IKE peers among live dpd-service instances. Every instance hears every {@code ike.peer.up}
 * and remembers every peer, but runs the liveness state machine only for the peers it owns. When the
 * member set changes, peers that moved here start fresh (their last sign of life is "now": a takeover may
 * detect a death one interval late, never falsely), peers that moved away stop here.
 */
public final class OwnedPeers {

  private final DpdMembership membership;
  private final DeadPeerDetector detector;
  private final Map<String, IkePeer> known = new HashMap<>();
  private Set<String> members;

  public OwnedPeers(DpdMembership membership, DeadPeerDetector detector) {
    this.membership = membership;
    this.detector = detector;
    this.members = membership.members();
  }

  public void peerUp(IkePeer peer) {
    known.put(peer.ikeSaId(), peer);
    if (ownedHere(peer.ikeSaId())) {
      detector.peerUp(peer);
    }
  }

  public void peerDown(String ikeSaId) {
    known.remove(ikeSaId);
    detector.peerDown(ikeSaId);
  }

  /** Re-evaluates every peer against the current member set. */
  public void membersChanged() {
    members = membership.members();
    for (IkePeer peer : known.values()) {
      boolean owned = ownedHere(peer.ikeSaId());
      boolean running = detector.state(peer.ikeSaId()).isPresent();
      if (owned && !running) {
        detector.peerUp(peer);
      } else if (!owned && running) {
        detector.peerDown(peer.ikeSaId());
      }
    }
  }

  public boolean ownedHere(String ikeSaId) {
    return membership.self().equals(RendezvousHash.owner(ikeSaId, members));
  }

  public boolean knows(String ikeSaId) {
    return known.containsKey(ikeSaId);
  }

  public int known() {
    return known.size();
  }
}
