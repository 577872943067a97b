package io.ipsecmesh.proto.bus;

import java.util.List;

/**
 * What the esp-forwarder tells the control plane. Packets ride the bus only between forwarder instances of one
 * gateway in scale-out ({@link #HANDOFF_PREFIX}), to the instance that owns their SA.
 */
public final class FwdMessages {

  /** send: {@link Acquire} — outbound packet matched a crypto map entry with no SA (rate-limited). */
  public static final String ACQUIRE = "fwd.acquire";
  /** send: {@link InvalidSpi} — ESP arrived for an SPI we do not know (rate-limited). */
  public static final String INVALID_SPI = "fwd.invalid-spi";
  /** send: {@link SaExpired} — a soft or hard volume/time lifetime was reached. */
  public static final String SA_EXPIRED = "fwd.sa-expired";
  /** send: {@link SaIdle} — no traffic for the SA's idle-time. */
  public static final String SA_IDLE = "fwd.sa-idle";
  /** publish: {@link ActivitySummary}, about once a second. */
  public static final String ACTIVITY = "fwd.activity";
  /**
   * send: {@link NatMapping} — authenticated ESP of a UDP-encapsulated SA came from another port of its
   * peer (RFC 7296 §2.23, RFC 3948): the forwarder already sends there; ike-service moves the IKE SA and
   * re-announces the Child SAs so other forwarders and nat-keepalive follow. At most one a second per SA.
   */
  public static final String NAT_MAPPING = "fwd.nat-mapping";
  /** publish: {@link MemberMessages.MemberHeartbeat} — forwarder instances in scale-out ({@code esp-scale-out}). */
  public static final String MEMBERS = "fwd.members";
  /**
   * send, + instance id: a Vert.x {@code Buffer} holding one packet (esp-forwarder {@code ha.HandoffFrame}) that
   * reached a forwarder instance which does not own its SA: inbound ESP or an outbound inner packet.
   */
  public static final String HANDOFF_PREFIX = "fwd.handoff.";
  /**
   * publish: {@link SteeringIndex} — forwarder scale-out, about once a second per shared socket: which index of the
   * socket's SO_REUSEPORT group the instance holds (learned by probing itself), so that one instance can compile
   * the group's steering program (esp-forwarder {@code steer}).
   */
  public static final String STEERING = "fwd.steering";
  /** publish: {@link IkeMessages.IkeDatagram} — IKE that arrived on port 4500 after the non-ESP marker. */
  public static final String IKE_PUNT = "ike.punt";

  public record Acquire(String cryptoMap, int sequence, String sourceAddress, String destinationAddress,
      int protocol) {}

  public record InvalidSpi(String localAddress, String peerAddress, int peerPort, long spi, int protocol) {}

  public enum Limit { SOFT, HARD }

  /**
   * What reached its limit. {@code SEQUENCE_NUMBERS}: the outbound sequence numbers near the end of their space
   * (2^32 - 1 without ESN, RFC 4303 §3.3.3: never wrap, rekey first). {@code SEQUENCE_RESERVATION}: the forwarder
   * cannot reserve (durably) the next numbers, so it does not send on the SA (drops counted) and a new SA with
   * fresh keys is the way out. Both come as {@link Limit#SOFT}: ike-service rekeys.
   */
  /**
   * What ran out. {@code REPLAY_CHECKPOINT}: a forwarder took the SA over (scale-out) without a checkpoint of its
   * anti-replay window, so it refuses the SA's inbound packets and wants it replaced.
   */
  public enum Measure { SECONDS, KILOBYTES, SEQUENCE_NUMBERS, SEQUENCE_RESERVATION, REPLAY_CHECKPOINT }

  public record SaExpired(long inboundSpi, long outboundSpi, String peerAddress, Limit limit, Measure measure) {}

  public record SaIdle(long inboundSpi, long outboundSpi, String peerAddress) {}

  /**
   * @param inboundSpi the Child SA's inbound SPI (the one the ESP packet carried)
   * @param peerPort   the port the peer's authenticated ESP came from, where the forwarder now sends
   */
  public record NatMapping(String forwarderId, long inboundSpi, long outboundSpi, String peerAddress,
      int previousPeerPort, int peerPort) {}

  /** Per SA, whether it sent and/or received since the previous summary. */
  public record SaActivity(long inboundSpi, long outboundSpi, String peerAddress, int peerPort, boolean sent,
      boolean received) {}

  public record ActivitySummary(String forwarderId, long sequence, List<SaActivity> activity) {}

  /**
   * @param instanceId the forwarder instance ({@code --esp-instance-id})
   * @param group      the socket's reuseport group: its bound address and port, e.g. {@code 0.0.0.0:4500}
   * @param index      the socket's index in the group, or -1 when the last probe round did not tell
   */
  public record SteeringIndex(String instanceId, String group, int index) {}

  static final List<Class<? extends Record>> RECORDS = List.of(Acquire.class, InvalidSpi.class, SaExpired.class,
      SaIdle.class, SaActivity.class, ActivitySummary.class, NatMapping.class, SteeringIndex.class);

  private FwdMessages() {}
}
