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

  /** One IKE message with the UDP 4-tuple it came on or must go on (without the non-ESP marker). */
  public record IkeDatagram(String localAddress, int localPort, String peerAddress, int peerPort, byte[] message) {}

  public record PeerUp(String ikeSaId, String peerAddress, int peerPort, String peerId, int ikeVersion,
      String cryptoMap, int mapSequence) {}

  public record PeerDown(String ikeSaId, String peerAddress, int peerPort, String peerId, String reason) {}

  public record LivenessProof(String ikeSaId, String peerAddress) {}

  static final List<Class<? extends Record>> RECORDS = List.of(IkeDatagram.class, PeerUp.class, PeerDown.class,
      LivenessProof.class);

  private IkeMessages() {}
}
