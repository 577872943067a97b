package io.ipsecmesh.dpd;

/** Where the liveness state machine of one IKE peer stands (RFC 3706 §5). */
public enum LivenessState {
  /** Heard from recently enough, or DPD is off for this peer: no R-U-THERE outstanding. */
  ALIVE,
  /** An R-U-THERE is outstanding: retransmitting every retry interval (the "aggressive" state). */
  PROBING,
  /** Five probes went unanswered; the death was announced and the IKE SA is being deleted. */
  DEAD
}
