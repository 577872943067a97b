package io.ipsecmesh.dpd;

/**
 * The IKE SA whose peer a liveness state machine watches, as {@code ike.peer.up} announced it.
 *
 * @param cryptoMap   crypto map (or Easy VPN client configuration) the SA was built from, for failover
 * @param mapSequence its entry sequence number
 */
public record IkePeer(String ikeSaId, String peerAddress, int peerPort, String peerId, int ikeVersion,
    String cryptoMap, int mapSequence) {}
