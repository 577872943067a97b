package io.ipsecmesh.ike.dos;

import java.util.HashMap;
import java.util.Map;

/**
 * Half-open IKE SAs per initiator address (RFC 8019 §4: a responder limits the half-open SAs it keeps
 * for one IP address, so one source cannot take the whole half-open table; RFC 7296 §2.6 leaves the global
 * defence to cookies). A half-open SA is the responder's state between its IKE_SA_INIT (IKEv1: MM2) answer
 * and the peer's authentication. The engines call {@link #opened} when they keep such state and
 * {@link #closed} exactly once when it is authenticated or gone; the map holds only addresses with at least
 * one half-open SA, so it is as bounded as the engines' own half-open limits.
 */
public final class HalfOpenQuota {

  /** Default half-open SAs one address may hold (deployment option {@code ike-half-open-per-peer}). */
  public static final int DEFAULT_PER_PEER = 10;

  private final int perPeer;
  private final Map<String, Integer> counts = new HashMap<>();

  public HalfOpenQuota(int perPeer) {
    if (perPeer < 1) {
      throw new IllegalArgumentException("the half-open quota per peer must be at least 1");
    }
    this.perPeer = perPeer;
  }

  public int perPeer() {
    return perPeer;
  }

  /** Whether {@code peer} may open one more half-open SA. */
  public boolean admits(String peer) {
    return count(peer) < perPeer;
  }

  public void opened(String peer) {
    counts.merge(peer, 1, Integer::sum);
  }

  public void closed(String peer) {
    counts.computeIfPresent(peer, (k, n) -> n <= 1 ? null : n - 1);
  }

  public int count(String peer) {
    return counts.getOrDefault(peer, 0);
  }

  /** Addresses with at least one half-open SA (for tests: nothing is left behind). */
  public int peers() {
    return counts.size();
  }
}
