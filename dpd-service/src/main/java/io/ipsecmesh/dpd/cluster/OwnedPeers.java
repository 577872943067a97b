package io.ipsecmesh.dpd.cluster;

import io.ipsecmesh.dpd.DeadPeerDetector;
import io.ipsecmesh.dpd.IkePeer;
import io.ipsecmesh.proto.cluster.Ownership;
import io.ipsecmesh.proto.time.Scheduler;
import java.util.HashMap;
import java.util.Map;

/**
 * Splits the IKE peers among live dpd-service instances ({@link Ownership}: rendezvous hashing of the IKE SA
 * id over the members). Every instance hears every {@code ike.peer.up} and every sign of life
 * ({@code ike.liveness-proof}, {@code fwd.activity}), remembers every peer with the last sign of life it heard,
 * and runs the liveness state machine only for the peers it owns. When the member set changes, peers that
 * moved here start from that last sign of life: a peer silenced before its owner died is probed when its
 * interval since that sign ends (at once if it already has), so it is still declared dead within
 * S + 5R of the silence plus the takeover delay, not a whole interval later (RFC 3706 §5.5: the probes'
 * answers and timers were the dead instance's and are lost; the probing restarts at the first probe).
 * Peers that moved away stop here. Not thread-safe: runs on the verticle's event loop.
 */
public final class OwnedPeers {

  private final Ownership ownership;
  private final DeadPeerDetector detector;
  private final Scheduler clock;
  private final Map<String, Known> known = new HashMap<>();
  /** The known IKE SAs per peer address: the forwarder reports activity by address and port. */
  /** A set, not a list: a peer leaves in O(1) (100 000 IKE SAs behind one address made a burst of deaths quadratic). */
  private final Map<String, java.util.Set<Known>> byAddress = new HashMap<>();

  /** A peer and the latest sign of life this instance heard from it, owned here or not. */
  private static final class Known {
    final IkePeer peer;
    long lastSignOfLifeMillis;

    Known(IkePeer peer, long now) {
      this.peer = peer;
      this.lastSignOfLifeMillis = now;
    }
  }

  public OwnedPeers(Ownership ownership, DeadPeerDetector detector, Scheduler clock) {
    this.ownership = ownership;
    this.detector = detector;
    this.clock = clock;
  }

  /** {@code ike.peer.up}: the completed exchange is a sign of life on every instance alike. */
  public void peerUp(IkePeer peer) {
    forget(peer.ikeSaId());
    Known k = new Known(peer, clock.nowMillis());
    known.put(peer.ikeSaId(), k);
    byAddress.computeIfAbsent(peer.peerAddress(), a -> new java.util.LinkedHashSet<>()).add(k);
    if (ownership.ownedHere(peer.ikeSaId())) {
      detector.peerUp(peer);
    }
  }

  public void peerDown(String ikeSaId) {
    forget(ikeSaId);
    detector.peerDown(ikeSaId);
  }

  /** {@code ike.liveness-proof}: noted for every peer, passed to the state machine where it runs. */
  public void livenessProof(String ikeSaId) {
    Known k = known.get(ikeSaId);
    if (k != null) {
      k.lastSignOfLifeMillis = clock.nowMillis();
    }
    detector.livenessProof(ikeSaId);
  }

  /** The peer answered this instance's probe (only the owner hears it). */
  public void probeAcknowledged(String ikeSaId) {
    Known k = known.get(ikeSaId);
    if (k != null) {
      k.lastSignOfLifeMillis = clock.nowMillis();
    }
    detector.probeAcknowledged(ikeSaId);
  }

  /** One SA line of a {@code fwd.activity} summary; inbound traffic is a sign of life of the address's peers. */
  public void activity(String peerAddress, int peerPort, boolean sent, boolean received) {
    if (received) {
      java.util.Set<Known> atAddress = byAddress.get(peerAddress);
      if (atAddress != null) {
        long now = clock.nowMillis();
        atAddress.forEach(k -> k.lastSignOfLifeMillis = now);
      }
    }
    detector.activity(peerAddress, peerPort, sent, received);
  }

  /** Re-evaluates every peer against the current member set. */
  public void membersChanged() {
    ownership.refresh();
    for (Known k : known.values()) {
      String id = k.peer.ikeSaId();
      boolean owned = ownership.ownedHere(id);
      boolean running = detector.state(id).isPresent();
      if (owned && !running) {
        detector.peerTakenOver(k.peer, k.lastSignOfLifeMillis);
      } else if (!owned && running) {
        detector.peerDown(id);
      }
    }
  }

  public boolean ownedHere(String ikeSaId) {
    return ownership.ownedHere(ikeSaId);
  }

  public boolean knows(String ikeSaId) {
    return known.containsKey(ikeSaId);
  }

  public int known() {
    return known.size();
  }

  private void forget(String ikeSaId) {
    Known k = known.remove(ikeSaId);
    if (k != null) {
      java.util.Set<Known> atAddress = byAddress.get(k.peer.peerAddress());
      atAddress.remove(k);
      if (atAddress.isEmpty()) {
        byAddress.remove(k.peer.peerAddress());
      }
    }
  }
}
