package io.ipsecmesh.proto.sa;

/**
 * The data-plane counters of one Child SA pair, as {@code show crypto ipsec sa} prints them. The
 * owning esp-forwarder writes them to {@link SharedMaps#SA_COUNTERS}, keyed by the inbound SPI, as RecordJson,
 * at its once-a-second tick when a counter changed since the last write (and once when the SA is new or changes
 * owner): the remaining time lifetime of an idle SA's old row is {@code remainingSeconds} less the time since
 * {@code updatedEpochMillis}.
 *
 * @param encaps            {@code #pkts encaps} (= encrypt = digest: every ESP packet is sealed and authenticated)
 * @param decaps            {@code #pkts decaps} (= decrypt = verify: packets whose ICV verified)
 * @param sendErrors        {@code #send errors}: seal or socket failures
 * @param recvErrors        {@code #recv errors}: authentication, padding, malformed or TUN write failures
 * @param replayFailures    packets refused by the anti-replay window ({@code %CRYPTO-4-PKT_REPLAY_ERR})
 * @param authFailures      ICV verification failures (part of {@code recvErrors})
 * @param policyFailures    decrypted packets outside the SA's selectors (RFC 4301 §5.2), dropped
 * @param remainingKilobytes remaining volume lifetime in KB, -1 without a volume limit
 * @param remainingSeconds  remaining time lifetime in seconds, -1 without a time limit
 * @param cleartextDrops    clear-text packets the crypto access check dropped on the outside interface
 *     because this SA's crypto map entry says they must arrive protected (counted per map entry, so
 *     every SA of the entry reports the same number)
 * @param inboundCheckpoint the highest sequence number the owner's anti-replay window has authenticated on the
 *     inbound SA (the right edge, RFC 4303 §3.4.3; 64-bit with ESN), sampled when the row was written: a forwarder
 *     that takes the SA over starts its window there, so a replay of a packet the old owner accepted is refused
 *     (esp-forwarder {@code fwd.ReplayCheckpointer}); 0 before the first packet
 */
@io.ipsecmesh.proto.config.Authenticated
public record SaCounters(
    String forwarderId,
    int connectionId,
    String cryptoMap,
    int mapSequence,
    String localAddress,
    String peerAddress,
    int peerPort,
    String transform,
    long inboundSpi,
    long currentOutboundSpi,
    long encaps,
    long encrypt,
    long digest,
    long decaps,
    long decrypt,
    long verify,
    long encapBytes,
    long decapBytes,
    long sendErrors,
    long recvErrors,
    long replayFailures,
    long authFailures,
    long policyFailures,
    long remainingKilobytes,
    long remainingSeconds,
    long updatedEpochMillis,
    long cleartextDrops,
    long inboundCheckpoint) {

  /** Counters without an inbound checkpoint (0). */
  public SaCounters(String forwarderId, int connectionId, String cryptoMap, int mapSequence, String localAddress,
      String peerAddress, int peerPort, String transform, long inboundSpi, long currentOutboundSpi, long encaps,
      long encrypt, long digest, long decaps, long decrypt, long verify, long encapBytes, long decapBytes,
      long sendErrors, long recvErrors, long replayFailures, long authFailures, long policyFailures,
      long remainingKilobytes, long remainingSeconds, long updatedEpochMillis, long cleartextDrops) {
    this(forwarderId, connectionId, cryptoMap, mapSequence, localAddress, peerAddress, peerPort, transform,
        inboundSpi, currentOutboundSpi, encaps, encrypt, digest, decaps, decrypt, verify, encapBytes, decapBytes,
        sendErrors, recvErrors, replayFailures, authFailures, policyFailures, remainingKilobytes, remainingSeconds,
        updatedEpochMillis, cleartextDrops, 0);
  }

  /** Counters without a clear-text drop count (0). */
  public SaCounters(String forwarderId, int connectionId, String cryptoMap, int mapSequence, String localAddress,
      String peerAddress, int peerPort, String transform, long inboundSpi, long currentOutboundSpi, long encaps,
      long encrypt, long digest, long decaps, long decrypt, long verify, long encapBytes, long decapBytes,
      long sendErrors, long recvErrors, long replayFailures, long authFailures, long policyFailures,
      long remainingKilobytes, long remainingSeconds, long updatedEpochMillis) {
    this(forwarderId, connectionId, cryptoMap, mapSequence, localAddress, peerAddress, peerPort, transform,
        inboundSpi, currentOutboundSpi, encaps, encrypt, digest, decaps, decrypt, verify, encapBytes, decapBytes,
        sendErrors, recvErrors, replayFailures, authFailures, policyFailures, remainingKilobytes, remainingSeconds,
        updatedEpochMillis, 0);
  }
}
