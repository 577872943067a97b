package io.ipsecmesh.esp.io;

/**
 * Sends finished outer packets (ESP, UDP-encapsulated or raw) to a peer, at once or in batches. A
 * batching sender queues packets until {@link #flush()}; the caller flushes when a packet does not
 * {@link #fits} the current batch and whenever the inner side runs dry.
 */
public interface EspSender {

  /**
   * @return false when the packet was not taken (counted as a send error by the caller); a
   *     batching sender's true only means "queued", {@link #flush()} tells the outcome
   */
  boolean send(PacketBuffer buf, int off, int len, PeerEndpoint peer);

  /** Whether {@link #send} may hold packets back until {@link #flush()}. */
  default boolean batching() {
    return false;
  }

  /** Whether a packet of {@code len} to {@code peer} can join the queued batch. */
  default boolean fits(int len, PeerEndpoint peer) {
    return true;
  }

  /** Sends the queued batch; returns how many of its packets were lost. */
  default int flush() {
    return 0;
  }

  /** The address family the peer endpoints must be encoded for. */
  int family();
}
