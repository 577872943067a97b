package io.ipsecmesh.dpd;

/** The IOS syslog line of a tunnel that DPD took down, as in the seed's {@code debug crypto isakmp} trace. */
final class SessionStatus {

  private SessionStatus() {}

  /** {@code %CRYPTO-5-SESSION_STATUS: Crypto tunnel is DOWN. Peer 10.2.80.209:500 Id: 10.2.80.209} */
  static String down(IkePeer peer) {
    String id = peer.peerId() == null || peer.peerId().isEmpty() ? peer.peerAddress() : peer.peerId();
    return "%CRYPTO-5-SESSION_STATUS: Crypto tunnel is DOWN. Peer " + peer.peerAddress() + ":" + peer.peerPort()
        + " Id: " + id;
  }
}
