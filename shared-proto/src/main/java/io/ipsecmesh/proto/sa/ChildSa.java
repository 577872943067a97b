package io.ipsecmesh.proto.sa;

import java.util.List;

/**
 * A Child SA pair (inbound + outbound) as ike-service installs it and the forwarder runs it. Stored in
 * Hazelcast under {@link SharedMaps#CHILD_SAS}, keyed by the inbound SPI; the keys travel only
 * wrapped ({@link KeyWrap}), never in clear in the cluster.
 *
 * @param ikeSaId        the owning IKE SA (hex SPIi:SPIr), empty for manual keying
 * @param connectionId   the IOS "connection id" used in logs and {@code show} output
 * @param cryptoMap      crypto map name and sequence this SA was built from
 * @param inboundSpi     unsigned 32-bit SPI we receive on
 * @param outboundSpi    unsigned 32-bit SPI we send with
 * @param replayWindow   anti-replay window in packets, 0 = {@code replay disable}
 * @param peerPort       4500 when UDP-encapsulated (or the NAT-mapped port), 0 for raw ESP
 * @param wrappedInboundKeys  encryption key (+salt) then integrity key, wrapped under the cluster KEK
 * @param dfBit          outer DF handling in tunnel mode: "clear", "set" or "copy"
 * @param localBehindNat NAT-D showed that we (not only the peer) are behind a NAT: then we must not follow
 *                       the source port of the peer's authenticated packets (RFC 7296 §2.23: a host behind a
 *                       NAT SHOULD NOT, it would let one captured packet replayed from elsewhere redirect the
 *                       tunnel); false also when unknown (manual keying), where following is the RFC's default
 */
@io.ipsecmesh.proto.config.Authenticated
public record ChildSa(
    String ikeSaId,
    int connectionId,
    String cryptoMap,
    int mapSequence,
    long inboundSpi,
    long outboundSpi,
    EspTransform transform,
    Mode mode,
    boolean udpEncapsulation,
    boolean esn,
    int replayWindow,
    String localAddress,
    int localPort,
    String peerAddress,
    int peerPort,
    List<TrafficSelector> localSelectors,
    List<TrafficSelector> remoteSelectors,
    Lifetime lifetime,
    int idleTimeSeconds,
    String dfBit,
    @io.ipsecmesh.proto.config.Sealed byte[] wrappedInboundKeys,
    @io.ipsecmesh.proto.config.Sealed byte[] wrappedOutboundKeys,
    long createdEpochMillis,
    boolean localBehindNat) {

  /** An SA whose side of any NAT is unknown or open: it follows the peer's mapping. */
  public ChildSa(String ikeSaId, int connectionId, String cryptoMap, int mapSequence, long inboundSpi,
      long outboundSpi, EspTransform transform, Mode mode, boolean udpEncapsulation, boolean esn, int replayWindow,
      String localAddress, int localPort, String peerAddress, int peerPort, List<TrafficSelector> localSelectors,
      List<TrafficSelector> remoteSelectors, Lifetime lifetime, int idleTimeSeconds, String dfBit,
      byte[] wrappedInboundKeys, byte[] wrappedOutboundKeys, long createdEpochMillis) {
    this(ikeSaId, connectionId, cryptoMap, mapSequence, inboundSpi, outboundSpi, transform, mode, udpEncapsulation,
        esn, replayWindow, localAddress, localPort, peerAddress, peerPort, localSelectors, remoteSelectors, lifetime,
        idleTimeSeconds, dfBit, wrappedInboundKeys, wrappedOutboundKeys, createdEpochMillis, false);
  }

  /** The same SA towards {@code port} of its peer (the peer's NAT mapping moved); keys and SPIs unchanged. */
  public ChildSa withPeerPort(int port) {
    return new ChildSa(ikeSaId, connectionId, cryptoMap, mapSequence, inboundSpi, outboundSpi, transform, mode,
        udpEncapsulation, esn, replayWindow, localAddress, localPort, peerAddress, port, localSelectors,
        remoteSelectors, lifetime, idleTimeSeconds, dfBit, wrappedInboundKeys, wrappedOutboundKeys,
        createdEpochMillis, localBehindNat);
  }

  public enum Mode { TUNNEL, TRANSPORT }

  /** {@code idleTimeSeconds} 0 = no idle timer. Soft limits trigger a rekey, hard ones a delete. */
  public record Lifetime(long softSeconds, long hardSeconds, long softKilobytes, long hardKilobytes) {}

  public String key() {
    return SharedMaps.spiKey(inboundSpi);
  }

  /**
   * This SA's identity, the same in all its re-announcements (bus then map, NAT moves, a rekey of its IKE SA,
   * which moves it to the new IKE SA id) and apart from every other SA: both SPIs and the creation time. The
   * outbound SPI alone is the peer's choice and may repeat (another peer, the same peer after a restart), so it
   * cannot key state that must never be shared, such as the sequence-number reservations
   * ({@link SharedMaps#SEQUENCE_RESERVATIONS}); the inbound SPI is ours, unique while the SA lives, and the
   * creation time tells a later SA that happens to reuse both apart. A manual SA is named by its crypto map entry
   * and SPIs, the same in every run, so its high-water mark survives restarts.
   */
  public String saId() {
    if (ikeSaId == null || ikeSaId.isEmpty()) {
      return "manual/" + cryptoMap + "/" + mapSequence + "/" + SharedMaps.spiKey(inboundSpi) + "/"
          + SharedMaps.spiKey(outboundSpi);
    }
    return "child/" + SharedMaps.spiKey(inboundSpi) + "/" + SharedMaps.spiKey(outboundSpi) + "/"
        + createdEpochMillis;
  }
}
