package io.ipsecmesh.esp.spd;

import io.ipsecmesh.proto.sa.TrafficSelector;
import java.util.ArrayList;
import java.util.List;

/**
 * The SPD entries a dynamic crypto map gains at run time ({@code crypto map NAME SEQ ipsec-isakmp dynamic DYN}):
 * one per Child SA negotiated through it, made of the selectors the SA management protocol agreed on (RFC 4301
 * §4.4.1.2: without PFP the SA's selectors are "the selector values negotiated"), installed when the SA is
 * installed and removed with it. IOS does the same with a dynamic map: the peer's proxy identities become the
 * entry's policy for as long as its SA lives, so traffic from the hub's side towards the spoke's negotiated
 * network is protected without any {@code set peer} or {@code match address} naming it.
 *
 * <p>Each policy belongs to one peer. A policy whose selectors overlap those of another peer's is refused (first
 * come keeps them): a spoke that authenticates with the hub's wildcard key could otherwise claim another spoke's
 * network and draw its traffic (RFC 4301 §4.4.3: the PAD, not the peer, decides which selectors a peer may assert;
 * a dynamic map's {@code match address} is where the operator says so). SAs of the same peer may overlap: a rekey
 * installs the new SA beside the old one.
 *
 * <p>Edited on the control thread (the caller serialises), read by the packet threads: the array is replaced
 * copy-on-write and published through a volatile write, so a lookup never sees a half-built one and allocates
 * nothing.
 */
public final class NegotiatedPolicies {

  /**
   * One negotiated policy.
   *
   * @param inboundSpi the SA it points at (its inbound SPI, the SAD's key)
   * @param peer       the peer that negotiated it
   * @param selectors  the SA's traffic selectors: local = this side, remote = the peer's side
   * @param remote     the peer's side as negotiated (for the routes that steer it into the tunnel)
   */
  public record Policy(long inboundSpi, String peer, RangeSelectors selectors, List<TrafficSelector> remote) {
    public Policy {
      remote = List.copyOf(remote);
    }

    public Policy(long inboundSpi, String peer, List<TrafficSelector> local, List<TrafficSelector> remote) {
      this(inboundSpi, peer, new RangeSelectors(local, remote), remote);
    }
  }

  private static final Policy[] NONE = new Policy[0];

  private volatile Policy[] policies = NONE;

  /** The policy of another peer that {@code p} overlaps, or null when {@code p} may be added. */
  public Policy conflict(Policy p) {
    for (Policy q : policies) {
      if (q.inboundSpi() != p.inboundSpi() && !q.peer().equals(p.peer()) && q.selectors().overlaps(p.selectors())) {
        return q;
      }
    }
    return null;
  }

  /**
   * Adds {@code p} (replacing the policy of the same SA) unless it overlaps another peer's.
   *
   * @return null when added, else the other peer's policy it overlaps (nothing changed)
   */
  public Policy add(Policy p) {
    Policy c = conflict(p);
    if (c != null) {
      return c;
    }
    List<Policy> next = new ArrayList<>(policies.length + 1);
    for (Policy q : policies) {
      if (q.inboundSpi() != p.inboundSpi()) {
        next.add(q);
      }
    }
    next.add(p);
    policies = next.toArray(Policy[]::new);
    return null;
  }

  /** Removes the policy of the SA on {@code inboundSpi}; false when it had none. */
  public boolean remove(long inboundSpi) {
    Policy[] current = policies;
    List<Policy> next = new ArrayList<>(current.length);
    for (Policy q : current) {
      if (q.inboundSpi() != inboundSpi) {
        next.add(q);
      }
    }
    if (next.size() == current.length) {
      return false;
    }
    policies = next.isEmpty() ? NONE : next.toArray(Policy[]::new);
    return true;
  }

  /** Whether the SA on {@code inboundSpi} has a policy here. */
  public boolean holds(long inboundSpi) {
    for (Policy q : policies) {
      if (q.inboundSpi() == inboundSpi) {
        return true;
      }
    }
    return false;
  }

  /** Whether a negotiated policy covers this outbound flow (source local, destination remote). Allocation-free. */
  public boolean covers(FlowKey f) {
    for (Policy q : policies) {
      if (q.selectors().coversOutbound(f)) {
        return true;
      }
    }
    return false;
  }

  /** The current policies, oldest first. */
  public List<Policy> policies() {
    return List.of(policies);
  }

  public int size() {
    return policies.length;
  }
}
