package io.ipsecmesh.ike.engine;

import io.ipsecmesh.ike.policy.PeerPolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * What ESP for an unknown SPI leads to (IPsec Data Plane guide, Invalid Security Parameter Index Recovery):
 * an {@link InvalidSpiTask} on an IKE SA we share with the peer — what IOS does by default — and, with
 * {@code crypto isakmp invalid-spi-recovery}, when there is none (we restarted and lost it: the seed's "black
 * hole"), a new IKE SA set up for the purpose when the peer is one of ours, which notifies once it is up (its
 * INITIAL_CONTACT already makes the peer drop every SA it still had with us). Rate-limited per peer and
 * overall ({@link InvalidSpiLimiter}).
 */
final class InvalidSpiRecovery {

  private final SaServices s;
  private final InvalidSpiLimiter limiter;
  /** Peer address → SPIs to report in INVALID_SPI notifies once the IKE SA set up for them is up. */
  private final Map<String, List<Long>> pending = new HashMap<>();

  InvalidSpiRecovery(SaServices s, LongSupplier clock) {
    this.s = s;
    this.limiter = new InvalidSpiLimiter(clock);
  }

  /**
   * ESP from {@code peerAddress} named {@code spi}, which we do not know. {@code initiate} sets up an IKE SA
   * with a policy. Returns whether a notify or an IKE SA is under way.
   */
  boolean report(String peerAddress, long spi, boolean recovery, Consumer<PeerPolicy> initiate) {
    for (IkeSa sa : s.table.withPeer(peerAddress)) {
      if (sa.state == IkeSa.State.ESTABLISHED && sa.rekeyedTo == null) {
        if (!limiter.allowNotify(peerAddress)) {
          return false;
        }
        sa.tasks.queue(InvalidSpiTask.notifying(s, List.of(spi)));
        return true;
      }
    }
    if (!recovery) {
      return false; // no established IKE SA: without invalid-spi-recovery the packet is only dropped
    }
    if (s.table.anyWithPeer(peerAddress, x -> x.state != IkeSa.State.DELETED)) {
      // one is being negotiated (for this or for traffic): it notifies when it is up
      List<Long> spis = pending.get(peerAddress);
      if (spis != null && !spis.contains(spi) && spis.size() < 16) {
        spis.add(spi);
      }
      return spis != null;
    }
    // never toward a peer only a dynamic crypto map would accept: IOS does not initiate from one, and a stranger's
    // ESP must not make us start an exchange with whatever address it claims
    Optional<PeerPolicy> policy = s.policies.forPeer(peerAddress).filter(p -> !p.anyPeer());
    if (policy.isEmpty() || !limiter.allowInitiate(peerAddress)) {
      return false;
    }
    SaServices.LOG.log(System.Logger.Level.INFO, "IKEv2: invalid SPI " + String.format("%08x", spi) + " from "
        + peerAddress + ": no IKE SA with it, setting one up to send INVALID_SPI (invalid-spi-recovery)");
    pending.put(peerAddress, new ArrayList<>(List.of(spi)));
    initiate.accept(policy.get());
    return true;
  }

  /**
   * An IKE SA with {@code sa}'s peer is up: the SPIs waiting for it are reported once the exchange that set it
   * up is answered. That counts as this second's notify, so a packet still in flight on the stale SPI does not
   * make a second one.
   */
  void established(IkeSa sa) {
    List<Long> spis = pending.remove(sa.peerAddress);
    if (spis != null) {
      limiter.allowNotify(sa.peerAddress);
      sa.tasks.enqueue(InvalidSpiTask.notifying(s, spis));
    }
  }

  /** Reports refused by the rate limits. */
  long refused() {
    return limiter.refused();
  }
}
