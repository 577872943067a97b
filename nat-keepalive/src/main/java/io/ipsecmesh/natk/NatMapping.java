package io.ipsecmesh.natk;

import io.ipsecmesh.proto.bus.NatKeepaliveMessages.Target;
import io.ipsecmesh.proto.time.TimingWheel;

/**
 * One NAT binding kept open by keepalives: the UDP path from our port 4500 to the peer's mapped port.
 * Several Child SAs (and the IKE SA) share it; traffic of any of them keeps the binding alive, so the
 * idle timer is per path, not per SA. Inbound or outbound traffic only stamps {@link #lastActivityMillis};
 * the timer notices on expiry and re-arms, so busy paths cost nothing per packet summary.
 */
final class NatMapping extends TimingWheel.Timeout {

  /** "No activity known": a path loaded at start; far enough from Long.MIN_VALUE to add an interval to. */
  static final long NEVER = Long.MIN_VALUE / 4;

  private final Target target;
  private final NatKeepaliveTracker tracker;
  /** Child SAs on this path. */
  int childSas;
  long lastActivityMillis;
  /** This instance sends the path's keepalives (rendezvous owner among the live nat-keepalive instances). */
  boolean owned;
  /** This round's jittered interval; a reconfigured interval is picked up when the next one is drawn. */
  long intervalMillis;

  NatMapping(Target target, NatKeepaliveTracker tracker) {
    this.target = target;
    this.tracker = tracker;
  }

  Target target() {
    return target;
  }

  /**
   * The key the path's owner is chosen by: the peer's mapped address and port and our side of the path, the
   * same string on every instance.
   */
  static String ownershipKey(Target t) {
    return t.peerAddress() + ":" + t.peerPort() + "<" + t.localAddress() + ":" + t.localPort();
  }

  @Override
  protected void expire(long now) {
    tracker.idleTimerExpired(this, now);
  }
}
