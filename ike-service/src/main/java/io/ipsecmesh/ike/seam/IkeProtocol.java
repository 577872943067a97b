package io.ipsecmesh.ike.seam;

import io.ipsecmesh.ike.policy.CurrentPeers;
import io.ipsecmesh.proto.bus.DpdMessages.PeerDead;
import io.ipsecmesh.proto.bus.DpdMessages.ProbeOutcome;
import io.ipsecmesh.proto.bus.DpdMessages.ProbeRequest;
import io.ipsecmesh.proto.bus.FwdMessages;
import io.ipsecmesh.proto.bus.IkeMessages.IkeDatagram;
import io.ipsecmesh.proto.bus.MgmtMessages;
import io.ipsecmesh.proto.config.GatewayConfig;
import java.util.function.Consumer;

/**
 * One IKE protocol version as ike-service drives it: IKEv2 ({@code engine.IkeEngine}, RFC 7296) and IKEv1
 * ({@code v1.Ikev1Service}, RFC 2408/2409) both implement it, and {@link IkeProtocols} routes to them by who owns
 * the SA a datagram or command names. Nothing outside an implementation asks which version it is: a datagram's
 * header version only picks the protocol of a brand-new SA ({@link #majorVersion}), a {@code debug crypto}
 * facility the protocol that traces under it ({@link #trace}). Events go to the {@link IkeEventSink} the
 * implementation was built with. Single-threaded: every method runs on the verticle's event loop, and nothing a
 * peer or a command brings may throw out of it.
 */
public interface IkeProtocol {

  /** The IKE header's major version of this protocol's messages (RFC 2408 §3.1: 1; RFC 7296 §3.1: 2). */
  int majorVersion();

  /**
   * This protocol's IOS trace: {@code debug crypto isakmp} for IKEv1, {@code debug crypto ikev2} for IKEv2 (its
   * {@link DebugTrace#facility()}), which the verticle switches; the protocol writes its lines to it.
   */
  DebugTrace trace();

  // ============================================================================ ownership

  /** Whether a live IKE SA here carries these SPIs (cookies) in its header: its datagrams are ours. */
  boolean ownsIkeSa(long initiatorSpi, long responderSpi);

  /** Whether the IKE SA with this id ({@code SPIi:SPIr} in hex) is ours: DPD's commands name it. */
  boolean ownsIkeSa(String ikeSaId);

  /** Whether the Child SA with this inbound SPI is ours (also one that outlived its IKE SA). */
  boolean ownsChildSa(long inboundSpi);

  /** Whether crypto map entry {@code cryptoMap mapSequence} is negotiated by this protocol. */
  boolean ownsMapEntry(String cryptoMap, int mapSequence);

  // ============================================================================ inbound

  /** One datagram (non-ESP marker removed) for an SA of ours or a new one of this version. */
  void receive(IkeDatagram datagram);

  // ============================================================================ commands

  /** {@code config.changed}: this protocol's peers and settings from the new configuration. */
  void configure(GatewayConfig config, String localAddress);

  /** The peer policies in force, for the configuration log line. */
  int policyCount();

  /**
   * {@code fwd.acquire} for a crypto map entry of ours: negotiate with its current peer ({@code current}: the peer a DPD
   * failover reached, else the first {@code set peer}).
   */
  void acquire(FwdMessages.Acquire acquire, CurrentPeers current);

  /** {@code dpd.probe} for an IKE SA of ours; {@code reply} gets the outcome exactly once. */
  void probe(ProbeRequest request, Consumer<ProbeOutcome> reply);

  /**
   * {@code dpd.peer.dead} for an IKE SA of ours: it goes with its Child SAs, and with a next {@code set peer} the
   * entry fails over to it ({@code current} remembers that for later ACQUIREs).
   */
  void peerDead(PeerDead dead, CurrentPeers current);

  /**
   * Failover to {@code nextPeer} for a dead IKE SA nobody here holds (one from before a restart): true when
   * {@code nextPeer} is a peer of this protocol's, which then negotiates with it unless it has an SA already.
   */
  boolean failOver(String nextPeer, CurrentPeers current);

  /** {@code clear crypto session …}: DELETEs, then gone. Returns {IKE SAs, Child SAs} cleared. */
  int[] clearSession(MgmtMessages.ClearSession which);

  /** {@code fwd.sa-expired} for a Child SA of ours: SOFT rekeys it, HARD deletes it. */
  void childSaExpired(long inboundSpi, FwdMessages.Limit limit);

  /** {@code fwd.sa-idle} for a Child SA of ours: delete it, and its IKE SA when it was the peer's last. */
  void childSaIdle(long inboundSpi);

  /**
   * {@code fwd.invalid-spi}: ESP for an SPI nobody knows from {@code peerAddress}. True when this protocol took
   * it on (an IKE SA with the peer carries the notify, or with {@code recovery} one is being set up for it).
   */
  boolean invalidSpi(String peerAddress, long spi, boolean recovery);

  /**
   * {@code fwd.nat-mapping}: authenticated ESP of a Child SA came from a new peer port; false when the Child SA
   * is not one of ours.
   */
  boolean natMappingSeenInEsp(long inboundSpi, String peerAddress, int peerPort);

  /** ike-service stops: DELETE to every peer, then every SA is gone. */
  void shutdown();
}
