package io.ipsecmesh.ike.seam;

import io.ipsecmesh.proto.bus.SaMessages.ChildSaDeleted;
import io.ipsecmesh.proto.ikev1.ModeConfigAttributes.ModeConfig;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.IkeSaSummary;

/**
 * What an IKE protocol (IKEv1 or IKEv2, each an {@link IkeProtocol}) tells the outside world, in the records the
 * bus and the shared maps carry, so the verticle forwards every event unchanged whatever version raised it. Both
 * engines report here and only here. Called on the engine's thread (the verticle's event loop). Every method
 * defaults to nothing, so a test or tool listens to what it needs; ike-service's {@code BusEvents} implements all.
 */
public interface IkeEventSink {

  /**
   * A Child SA is negotiated (IKE_AUTH / CREATE_CHILD_SA, Quick Mode): install it. The data plane confirms the inbound
   * SPI back through the engine ({@code IkeEngine.childSaAccepted}), which holds what the peer would act on until then
   * (the responder's answer, RFC 7296 §2.8; a rekey initiator's DELETE of the replaced SA) and at most a bound.
   */
  default void childSaInstalled(ChildSa sa) {}

  /** A Child SA is gone (a DELETE, ours or the peer's, a lifetime, its IKE SA's end). */
  default void childSaDeleted(ChildSaDeleted deleted) {}

  /**
   * The Child SA now belongs to another IKE SA or peer port (an IKE SA rekey, RFC 7296 §2.18; an IKEv1
   * re-authentication or adoption; a NAT port move): same SPIs and keys, the record's other fields changed.
   */
  default void childSaRebound(ChildSa sa) {}

  /**
   * The IKE SA is authenticated (IKE_AUTH done, Main or Aggressive Mode done): {@code ike.peer.up} for
   * {@code summary.version()}, for crypto map entry {@code cryptoMap mapSequence}.
   */
  default void ikeSaUp(IkeSaSummary summary, String cryptoMap, int mapSequence) {}

  /**
   * The IKE SA is gone, or its negotiation failed (reason {@code negotiation-failed: …}): {@code ike.peer.down}
   * and its row leaves the IKE SA map. {@code reason} e.g. "delete", "dpd", "clear", "timeout", "rekeyed".
   */
  default void ikeSaDown(IkeSaSummary summary, String reason) {}

  /**
   * A row of {@code show crypto isakmp sa} / {@code show crypto ikev2 sa} changed. The id of an SA we initiated
   * changes once the responder's SPI (cookie) is known; {@code connId} stays.
   */
  default void summaryChanged(IkeSaSummary summary) {}

  /** An authenticated message arrived from the peer: {@code ike.liveness-proof} for dpd-service. */
  default void livenessProof(String ikeSaId, String peerAddress) {}

  /** A Child SA negotiation we started was refused or failed; the IKE SA stays up. */
  default void childSaFailed(String peerAddress, String reason) {}

  /**
   * An Easy VPN remote got its Mode Config (draft-dukes-ike-mode-cfg REPLY or SET, with the Cisco Unity
   * attributes): the address and what {@code show crypto ipsec client ezvpn} shows. IKEv1 only today.
   */
  default void modeConfigReceived(String ikeSaId, String peerAddress, String ezvpnName, ModeConfig config) {}
}
