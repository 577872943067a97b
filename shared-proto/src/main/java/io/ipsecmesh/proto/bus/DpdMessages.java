package io.ipsecmesh.proto.bus;

import java.util.List;

/**
 * dpd-service decides when to probe, ike-service builds and sends the probe (IKEv2 empty
 * INFORMATIONAL, IKEv1 R-U-THERE). {@code attempt} 0 is the first probe, 1..4 are retransmissions of
 * the same request. The reply says whether the peer answered within {@code timeoutMillis} (the retry
 * interval); dpd-service retransmits on its own clock whatever the reply, so a late or missing reply
 * costs nothing but the answer.
 */
public final class DpdMessages {

  /** request–reply: {@link ProbeRequest} → {@link ProbeOutcome} */
  public static final String PROBE = "dpd.probe";
  /** publish: {@link PeerDead} — the liveness state machine declared the peer dead. */
  public static final String PEER_DEAD = "dpd.peer.dead";
  /**
   * publish: {@link MemberMessages.MemberHeartbeat} — dpd-service instances announce themselves about once a
   * second and split the IKE peers among the live ones (rendezvous hashing over instance ids).
   */
  public static final String MEMBERS = "dpd.members";

  public record ProbeRequest(String ikeSaId, String peerAddress, int attempt, long timeoutMillis) {}

  /**
   * @param unsupported the peer never announced DPD (an IKEv1 peer without the RFC 3706 vendor ID), so no
   *                    probe was sent and none may be (RFC 3706 §5.1). Such a peer is never declared dead,
   *                    as IOS does: dpd-service stops probing it for the life of this IKE SA. Absent in
   *                    older senders' JSON, which reads as false (the old meaning of an unanswered probe).
   */
  public record ProbeOutcome(String ikeSaId, boolean acknowledged, boolean unsupported) {

    public ProbeOutcome(String ikeSaId, boolean acknowledged) {
      this(ikeSaId, acknowledged, false);
    }
  }

  /**
   * After the first probe and four retransmissions went unanswered. ike-service deletes the IKE SA and its
   * Child SAs (then publishes {@code ike.peer.down}) and, for stateless failover, negotiates with
   * {@code nextPeer}.
   *
   * @param detectedAfterMillis time from the peer's last sign of life to this declaration
   * @param peerId              the peer's IKE identity, for {@code %CRYPTO-5-SESSION_STATUS … Id:}
   * @param nextPeer            the next {@code set peer} of the crypto map entry (or {@code peer} of the
   *                            Easy VPN client) after the dead one, wrapping to the first; null when the
   *                            SA came from no peer list
   */
  public record PeerDead(String ikeSaId, String peerAddress, int peerPort, long detectedAfterMillis,
      String peerId, String nextPeer) {

    public PeerDead(String ikeSaId, String peerAddress, int peerPort, long detectedAfterMillis) {
      this(ikeSaId, peerAddress, peerPort, detectedAfterMillis, null, null);
    }
  }

  static final List<Class<? extends Record>> RECORDS = List.of(ProbeRequest.class, ProbeOutcome.class,
      PeerDead.class);

  private DpdMessages() {}
}
