package io.ipsecmesh.proto.ikev2;

/**
 * One row of {@code show crypto isakmp sa}, written by ike-service to the Hazelcast map
 * {@link io.ipsecmesh.proto.sa.SharedMaps#IKE_SAS} (key {@code ikeSaId}, value RecordJson).
 *
 * @param dst         peer address (IOS prints the responder side as dst)
 * @param src         local address
 * @param state       IOS state name: {@code READY} once established, {@code IN-NEG} while negotiating
 *                    (IOS IKEv2 output; IKEv1 rows would use QM_IDLE / MM_*)
 * @param connId      IOS conn-id
 * @param status      {@code ACTIVE} or {@code DELETED}
 * @param peerId      the authenticated peer identity (IDi/IDr), empty before IKE_AUTH
 * @param version     IKE major version (2)
 */
@io.ipsecmesh.proto.config.Authenticated
public record IkeSaSummary(String ikeSaId, String dst, String src, String state, int connId, String status,
    String peerId, int version, int localPort, int peerPort, String role, long createdEpochMillis) {}
