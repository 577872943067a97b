package io.ipsecmesh.proto.bus;

import java.util.List;

/**
 * dpd-service decides when to probe, ike-service builds and sends the probe (IKEv2 empty
 * INFORMATIONAL, IKEv1 R-U-THERE). {@code attempt} 0 is the first probe, 1.. are retransmissions of
 * the same request. The reply says whether the peer answered within {@code timeoutMillis}.
 */
public final class DpdMessages {

  /** request–reply: {@link ProbeRequest} → {@link ProbeOutcome} */
  public static final String PROBE = "dpd.probe";
  /** publish: {@link PeerDead} — the liveness state machine declared the peer dead. */
  public static final String PEER_DEAD = "dpd.peer.dead";

  public record ProbeRequest(String ikeSaId, String peerAddress, int attempt, long timeoutMillis) {}

  public record ProbeOutcome(String ikeSaId, boolean acknowledged) {}

  public record PeerDead(String ikeSaId, String peerAddress, int peerPort, long detectedAfterMillis) {}

  static final List<Class<? extends Record>> RECORDS = List.of(ProbeRequest.class, ProbeOutcome.class,
      PeerDead.class);

  private DpdMessages() {}
}
