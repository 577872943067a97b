package io.ipsecmesh.ike.v1;

import io.ipsecmesh.proto.bus.IkeMessages;
import io.ipsecmesh.proto.bus.SaMessages;
import io.ipsecmesh.proto.sa.IkeSaSummary;
import io.ipsecmesh.proto.sa.ChildSa;

/**
 * What the IKEv1 engine reports, in the event-bus records IKEv2 uses, so that {@code IkeVerticle} can
 * forward each event to its bus address (and shared map) unchanged. All methods run on the engine's
 * thread; default no-ops let a test or a caller listen to what it needs.
 */
public interface Ikev1Listener {

  /** Quick Mode finished: install (forwarder, {@code sa.child.installed}, Child SA map). */
  default void childSaEstablished(ChildSa sa) {}

  /** A Child SA is gone (peer's DELETE, ours, or its ISAKMP SA was cleared). */
  default void childSaDeleted(SaMessages.ChildSaDeleted deleted) {}

  /**
   * A Child SA moved to a new ISAKMP SA (re-authentication, or adopted after its ISAKMP SA ended): same
   * SPIs and keys, new {@code ikeSaId}; rewrite the Child SA map entry.
   */
  default void childSaRebound(ChildSa sa) {}

  /** A Quick Mode we started was refused or malformed; the ISAKMP SA stays up. */
  default void quickModeFailed(String peerAddress, String reason) {}

  /** Main Mode finished: {@code ike.peer.up} (ikeVersion 1). */
  default void peerUp(IkeMessages.PeerUp up) {}

  /** The ISAKMP SA is gone, or its negotiation failed: {@code ike.peer.down}. */
  default void peerDown(IkeMessages.PeerDown down) {}

  /**
   * A row of {@code show crypto isakmp sa} changed (IOS IKEv1 states MM_NO_STATE, MM_SA_SETUP,
   * MM_KEY_EXCH, QM_IDLE; version 1): the IKE SA map. The id of an SA we initiated changes once the
   * responder cookie is known; {@code connId} stays.
   */
  default void summaryChanged(IkeSaSummary summary) {}

  /** The row's SA is gone (also reported as {@link #peerDown}): remove it from the IKE SA map. */
  default void ikeSaDown(IkeSaSummary summary, String reason) {}

  /**
   * An Easy VPN remote got its Mode Config (draft-dukes-ike-mode-cfg REPLY or SET, with the Cisco Unity
   * attributes): the address and what {@code show crypto ipsec client ezvpn} shows.
   */
  default void modeConfigReceived(String ikeSaId, String peerAddress, String ezvpnName,
      io.ipsecmesh.proto.ikev1.ModeConfigAttributes.ModeConfig config) {}

  /** Any authenticated message from the peer, e.g. an R-U-THERE or its ACK: {@code ike.liveness-proof}. */
  default void livenessProof(IkeMessages.LivenessProof proof) {}
}
