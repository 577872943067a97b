package io.ipsecmesh.proto.bus;

import java.util.List;

/** What ike-service announces, and the IKE datagrams it exchanges with the forwarder's 4500 socket. */
public final class IkeMessages {

  /** send: {@link IkeDatagram} — ike-service asks the forwarder to send IKE from port 4500. */
  public static final String IKE_TX = "ike.tx";
  /** publish: {@link PeerUp} */
  public static final String PEER_UP = "ike.peer.up";
  /** publish: {@link PeerDown} */
  public static final String PEER_DOWN = "ike.peer.down";
  /** publish: {@link LivenessProof} — any authenticated IKE message from the peer. */
  public static final String LIVENESS_PROOF = "ike.liveness-proof";
  /**
   * publish: {@link ReceiveLoss} — an ike-service's IKE socket dropped datagrams unread (its receive buffer was full).
   * An answer to a DPD probe may have been among them: dpd-service does not count the probes then outstanding
   * against their peers.
   */
  public static final String RECEIVE_LOSS = "ike.receive-loss";

  /**
   * publish: {@link MemberMessages.MemberHeartbeat} — ike-service instances of one cluster announce themselves about
   * once a second; each IKE SA belongs to the instance its initiator SPI rendezvous-hashes to.
   */
  public static final String MEMBERS = "ike.members";
  /**
   * send, prefix of {@code ike.handoff.<instance>}: {@link IkeDatagram} — an IKE datagram that reached an
   * instance on UDP 500 (SO_REUSEPORT) that does not own its IKE SA, for the owner.
   */
  public static final String HANDOFF_PREFIX = "ike.handoff.";
  /**
   * send, prefix of {@code ike.adopt.<instance>}: the IKE SA id (String) whose checkpoint in
   * {@code ike.checkpoints} the instance must adopt now (a peer's IKE SA rekey chose an SPI owned elsewhere).
   */
  public static final String ADOPT_PREFIX = "ike.adopt.";
  /**
   * send or request–reply, prefix of {@code ike.relay.<instance>.<address>}: a message for {@code <address>}
   * (dpd.probe, fwd.sa-expired, …) relayed to the instance that holds the SA it names; the body is unchanged.
   */
  public static final String RELAY_PREFIX = "ike.relay.";

  /** One IKE message with the UDP 4-tuple it came on or must go on (without the non-ESP marker). */
  public record IkeDatagram(String localAddress, int localPort, String peerAddress, int peerPort, byte[] message) {}

  public record PeerUp(String ikeSaId, String peerAddress, int peerPort, String peerId, int ikeVersion,
      String cryptoMap, int mapSequence) {}

  public record PeerDown(String ikeSaId, String peerAddress, int peerPort, String peerId, String reason) {}

  public record LivenessProof(String ikeSaId, String peerAddress) {}

  /** {@code dropped} datagrams lost at {@code socket} (e.g. "udp/500") of ike-service {@code instance} since its last report. */
  public record ReceiveLoss(String instance, String socket, long dropped) {}

  static final List<Class<? extends Record>> RECORDS = List.of(IkeDatagram.class, PeerUp.class, PeerDown.class,
      LivenessProof.class, ReceiveLoss.class);

  private IkeMessages() {}
}
