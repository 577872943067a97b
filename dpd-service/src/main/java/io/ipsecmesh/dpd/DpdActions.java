package io.ipsecmesh.dpd;

/**
 * What the liveness state machines ask of the outside world. dpd-service only decides; ike-service
 * builds the R-U-THERE / empty INFORMATIONAL and deletes the SAs.
 */
public interface DpdActions {

  /**
   * Sends a liveness probe. {@code attempt} 0 is the first probe, 1–4 its retransmissions; an answer is
   * reported back through {@link DeadPeerDetector#probeAcknowledged(String)}.
   */
  void sendProbe(IkePeer peer, int attempt, long timeoutMillis);

  /** The peer missed the first probe and every retransmission. */
  void peerDead(IkePeer peer, long silentForMillis);
}
