package io.ipsecmesh.ike.v1;

import io.ipsecmesh.proto.bus.IkeMessages;
import io.ipsecmesh.proto.bus.SaMessages;
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

  /** Main Mode finished: {@code ike.peer.up} (ikeVersion 1). */
  default void peerUp(IkeMessages.PeerUp up) {}

  /** The ISAKMP SA is gone, or its negotiation failed: {@code ike.peer.down}. */
  default void peerDown(IkeMessages.PeerDown down) {}

  /** Any authenticated message from the peer, e.g. an R-U-THERE or its ACK: {@code ike.liveness-proof}. */
  default void livenessProof(IkeMessages.LivenessProof proof) {}
}
