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
 */
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
    byte[] wrappedInboundKeys,
    byte[] wrappedOutboundKeys,
    long createdEpochMillis) {

  public enum Mode { TUNNEL, TRANSPORT }

  /** {@code idleTimeSeconds} 0 = no idle timer. Soft limits trigger a rekey, hard ones a delete. */
  public record Lifetime(long softSeconds, long hardSeconds, long softKilobytes, long hardKilobytes) {}

  public String key() {
    return SharedMaps.spiKey(inboundSpi);
  }
}
