package io.ipsecmesh.proto.sa;

/**
 * One row of {@code show crypto isakmp sa} / {@code show crypto ikev2 sa}, written by ike-service to the
 * Hazelcast map {@link SharedMaps#IKE_SAS} (key {@code ikeSaId}, value RecordJson). It describes IKEv1 and
 * IKEv2 SAs alike, so it lives with the other SA records; its {@link io.ipsecmesh.proto.bus.WireName} is the
 * class name it had in {@code proto.ikev2}, the name its {@code $mac} is bound to, so rows written by a member
 * of the previous release still verify.
 *
 * @param dst         peer address (IOS prints the responder side as dst)
 * @param src         local address
 * @param state       IOS state name: {@code READY} once established, {@code IN-NEG} while negotiating
 *                    (IOS IKEv2 output; IKEv1 rows would use QM_IDLE / MM_*)
 * @param connId      IOS conn-id
 * @param status      {@code ACTIVE} or {@code DELETED}
 * @param peerId      the authenticated peer identity (IDi/IDr), empty before IKE_AUTH
 * @param version     IKE major version (2)
 * @param detail      what {@code show crypto ikev2 sa [detailed]} prints beyond the row; null from a
 *                    writer that predates it (the command then prints {@code unknown})
 */
@io.ipsecmesh.proto.config.Authenticated
@io.ipsecmesh.proto.bus.WireName("io.ipsecmesh.proto.ikev2.IkeSaSummary")
public record IkeSaSummary(String ikeSaId, String dst, String src, String state, int connId, String status,
    String peerId, int version, int localPort, int peerPort, String role, long createdEpochMillis,
    Detail detail) {

  public IkeSaSummary(String ikeSaId, String dst, String src, String state, int connId, String status,
      String peerId, int version, int localPort, int peerPort, String role, long createdEpochMillis) {
    this(ikeSaId, dst, src, state, connId, status, peerId, version, localPort, peerPort, role, createdEpochMillis,
        null);
  }

  /**
   * The SA finished its exchange and is not deleted: IKEv2 {@code READY}, IKEv1 {@code QM_IDLE} or a phase 1
   * still in XAUTH / Mode Config ({@code CONF_XAUTH}, {@code CONF_ADDR}), which ike-service announces as up. A
   * row written at IKE_SA_INIT ({@code IN-NEG}, {@code MM_*}, {@code AG_*}) is {@code ACTIVE} too, but not this.
   */
  public boolean established() {
    return "ACTIVE".equals(status) && (ready() || state != null && state.startsWith("CONF_"));
  }

  /** The exchange is done and nothing is pending on it: IKEv2 {@code READY}, IKEv1 {@code QM_IDLE}. */
  public boolean ready() {
    return "READY".equalsIgnoreCase(state) || "QM_IDLE".equalsIgnoreCase(state);
  }

  /**
   * The negotiated suite and the SA's settings, in IOS's words.
   *
   * @param encr              {@code AES-CBC}, {@code AES-GCM}, {@code 3DES} …
   * @param keySize           bits, 0 when the cipher has a fixed size
   * @param prf               {@code SHA256} …
   * @param hash              integrity algorithm, {@code None} with an AEAD cipher
   * @param dhGroup           the IKE SA's DH group number
   * @param authSign          how we authenticate ({@code PSK}, {@code RSA})
   * @param authVerify        how the peer authenticates
   * @param lifetimeSeconds   the IKE SA lifetime
   * @param localSpi          our IKE SPI, 16 hex digits
   * @param remoteSpi         the peer's IKE SPI, 16 hex digits
   * @param localId           our identity as sent (IDi/IDr)
   * @param natDetected       NAT-T detected (RFC 7296 §2.23)
   * @param localBehindNat    the NAT is on our side
   * @param owner             the ike-service instance that holds the SA (several instances, issue 13), null alone
   */
  public record Detail(String encr, int keySize, String prf, String hash, int dhGroup, String authSign,
      String authVerify, long lifetimeSeconds, String localSpi, String remoteSpi, String localId,
      boolean natDetected, boolean localBehindNat, String owner) {

    /** A single ike-service: no owner line. */
    public Detail(String encr, int keySize, String prf, String hash, int dhGroup, String authSign, String authVerify,
        long lifetimeSeconds, String localSpi, String remoteSpi, String localId, boolean natDetected,
        boolean localBehindNat) {
      this(encr, keySize, prf, hash, dhGroup, authSign, authVerify, lifetimeSeconds, localSpi, remoteSpi, localId,
          natDetected, localBehindNat, null);
    }
  }
}
