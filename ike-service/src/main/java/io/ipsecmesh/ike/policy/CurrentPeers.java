package io.ipsecmesh.ike.policy;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The current peer of each crypto map entry with several {@code set peer} lines: the first one until DPD
 * fails over, then the peer the failover went to. IOS keeps using the peer a failover reached for the
 * entry's next negotiations (it returns to the first only with {@code set peer … default}, which this
 * gateway does not offer), so an ACQUIRE for traffic that arrives while the failover is being negotiated,
 * or after the new peer's SAs expired, must not start an exchange with the dead peer. Event-loop confined.
 */
public final class CurrentPeers {

  private final Map<String, String> byEntry = new HashMap<>();

  /**
   * DPD declared the entry's current peer dead and failover moves to {@code next}: kept as configured, so that a
   * {@code set peer HOST dynamic} is resolved again by the entry's next ACQUIRE.
   */
  public void failedOver(SetPeer next) {
    failedOver(next.cryptoMap(), next.mapSequence(), next.asConfigured());
  }

  /** The same by the peer's address or {@code set peer} host name. */
  public void failedOver(String map, int seq, String nextPeer) {
    byEntry.put(key(map, seq), nextPeer);
  }

  /**
   * The peer (address or {@code set peer} host name) a failover moved crypto map entry {@code map seq} to; empty
   * while its first peer is current.
   */
  public Optional<String> current(String map, int seq) {
    return Optional.ofNullable(byEntry.get(key(map, seq)));
  }

  /**
   * The policy an ACQUIRE for crypto map entry {@code map seq} negotiates with: the current peer, or the first
   * {@code set peer} when there was no failover (or the configuration no longer lists the peer it reached).
   */
  public Optional<PeerPolicy> forAcquire(PolicyStore policies, String map, int seq) {
    String current = byEntry.get(key(map, seq));
    if (current != null) {
      Optional<PeerPolicy> p = policies.forMapEntry(map, seq, current);
      if (p.isPresent()) {
        return p;
      }
    }
    return policies.forMapEntry(map, seq);
  }

  private static String key(String map, int seq) {
    return map + " " + seq;
  }
}
