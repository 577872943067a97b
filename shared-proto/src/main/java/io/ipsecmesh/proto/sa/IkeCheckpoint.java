package io.ipsecmesh.proto.sa;

import java.util.Arrays;
import java.util.List;

/**
 * What another ike-service instance needs to continue an established IKEv2 SA without a new IKE_SA_INIT, as
 * its owner writes it after every completed exchange (strongSwan's HA plugin syncs the same after each
 * exchange): the SPIs, the negotiated suite and the seven keys of RFC 7296 §2.14, both message-ID windows of
 * §2.3 with the last response (a retransmitted request is answered with the same bytes, §2.1), the endpoints
 * and NAT state of §2.23, the peer's identity, the crypto map entry the SA was built from, the absolute time
 * of its rekey, and its Child SAs. Stored only sealed ({@link IkeCheckpointCodec#seal}) in
 * {@link SharedMaps#IKE_CHECKPOINTS}; {@link #destroy()} zeroes the keys once the record is sealed or used.
 *
 * @param initiator          we are the original initiator (§2.2)
 * @param connId             IOS "conn-id", kept across the takeover so {@code show} output does not change
 * @param rekeyAtEpochMillis wall-clock time at which the IKE SA lifetime runs out and a rekey starts; 0 = never
 * @param encr               IKEv2 ENCR transform ID (§3.3.2), with {@code keyBits}
 * @param integ              IKEv2 INTEG transform ID, 0 with an AEAD cipher
 * @param keymat             {@code SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} (§2.14), lengths from the suite
 * @param outboundIvCounter  the next GCM IV counter of our SK cipher: the adopter starts past it
 *                           ({@link #IV_COUNTER_JUMP}), a key never sees a nonce twice (RFC 5282 §3)
 * @param nextRequestId      message ID of our next request (§2.3); an exchange started after this record was
 *                           written counts as sent
 * @param expectedRequestId  message ID we expect of the peer's next request
 * @param lastResponseId     message ID of the peer's request {@code lastResponse} answered, -1 when none
 * @param lastRequestDigest  SHA-256 of that request's datagram (the reply cache key), empty when none
 * @param lastResponse       our response to it, as sent (already protected), empty when none
 * @param childSas           the Child SAs, each a {@link ChildSa} as {@code RecordJson} writes it (MAC'd, keys sealed)
 * @param owner              the ike-service instance that wrote the record
 * @param generation         how many checkpoints of this SA were written before: an adopter continues the count
 */
public record IkeCheckpoint(
    boolean initiator,
    long spiI,
    long spiR,
    int connId,
    long createdEpochMillis,
    long rekeyAtEpochMillis,
    String cryptoMap,
    int mapSequence,
    String localAddress,
    int localPort,
    String peerAddress,
    int peerPort,
    boolean natDetected,
    boolean localBehindNat,
    String peerId,
    int encr,
    int keyBits,
    int prf,
    int integ,
    int dhGroup,
    byte[] keymat,
    long outboundIvCounter,
    long nextRequestId,
    long expectedRequestId,
    long lastResponseId,
    byte[] lastRequestDigest,
    byte[] lastResponse,
    List<String> childSas,
    String owner,
    long generation) {

  /**
   * How far an adopter moves the GCM IV counter past the checkpointed one: far more messages than an owner can
   * protect between two checkpoints (one request and one response per exchange), so IVs used after the last
   * checkpoint are never reused, like pfsync's sequence-number jump.
   */
  public static final long IV_COUNTER_JUMP = 1L << 32;

  public IkeCheckpoint {
    childSas = List.copyOf(childSas);
  }

  /** The IKE SA id the record is stored under: hex SPIi:SPIr, as {@code show crypto ikev2 sa} names it. */
  public String ikeSaId() {
    return idOf(spiI, spiR);
  }

  public static String idOf(long spiI, long spiR) {
    return String.format("%016x:%016x", spiI, spiR);
  }

  /**
   * The record an adopter writes back before it continues the SA (a compare-and-set on the map entry it read,
   * so only one instance adopts a given checkpoint): owned by {@code adopter}, one generation on, and with the IV
   * counter at the value the adopter starts from, so a later adopter of this record jumps past it again. Shares
   * this record's arrays.
   */
  public IkeCheckpoint claimedBy(String adopter) {
    if (outboundIvCounter > Long.MAX_VALUE - IV_COUNTER_JUMP) {
      throw new IllegalArgumentException("IV counter exhausted");
    }
    return new IkeCheckpoint(initiator, spiI, spiR, connId, createdEpochMillis, rekeyAtEpochMillis, cryptoMap,
        mapSequence, localAddress, localPort, peerAddress, peerPort, natDetected, localBehindNat, peerId, encr,
        keyBits, prf, integ, dhGroup, keymat, outboundIvCounter + IV_COUNTER_JUMP, nextRequestId, expectedRequestId,
        lastResponseId, lastRequestDigest, lastResponse, childSas, adopter, generation + 1);
  }

  /** Zeroes the keys (and the cached response, which is ciphertext but need not linger). */
  public void destroy() {
    Arrays.fill(keymat, (byte) 0);
  }

  @Override
  public String toString() {
    // never the keys
    return "IkeCheckpoint[" + ikeSaId() + " peer " + peerAddress + ":" + peerPort + " next " + nextRequestId
        + " expected " + expectedRequestId + " children " + childSas.size() + " owner " + owner + " gen "
        + generation + "]";
  }
}
