package io.ipsecmesh.dpd;

import io.ipsecmesh.proto.time.TimingWheel;

/**
 * What every liveness state machine of one detector shares. One reference per peer instead of four keeps
 * the per-peer footprint small at 100 000 peers.
 */
interface LivenessHost {

  TimingWheel wheel();

  DpdActions actions();

  DpdMetrics metrics();

  /**
   * Whether {@code peer}'s probe may go out now; false: it waits in the {@link ProbePacer} and goes out with
   * {@link PeerLiveness#sendQueuedProbe} at a later tick.
   */
  boolean admitProbe(PeerLiveness peer);

  /** Whether an ike-service reported datagrams lost at its IKE socket at or after {@code millis} (scheduler time). */
  boolean receiveLossSince(long millis);

  /** The peer was declared dead long ago and no {@code ike.peer.down} came: drop it. */
  void forget(PeerLiveness peer);
}
