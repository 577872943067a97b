package io.ipsecmesh.ike.engine;

import io.ipsecmesh.proto.bus.SaMessages.ChildSaDeleted;
import io.ipsecmesh.proto.sa.IkeSaSummary;
import io.ipsecmesh.proto.sa.ChildSa;

/** What the engine tells the outside world (the verticle maps these to the bus and Hazelcast). */
public interface IkeEvents {

  void childSaInstalled(ChildSa sa);

  void childSaDeleted(ChildSaDeleted deleted);

  /**
   * The Child SA now belongs to another IKE SA (IKE SA rekey, RFC 7296 §2.18): same SPIs and keys, only
   * {@code ikeSaId} changed. Shared-map update only; the data plane has nothing to do.
   */
  void childSaRebound(ChildSa sa);

  /** The IKE SA is authenticated (IKE_AUTH done). */
  void ikeSaUp(IkeSaSummary summary, String cryptoMap, int mapSequence);

  /** The IKE SA is gone; {@code reason} e.g. "delete", "dpd", "clear", "auth-failed", "timeout". */
  void ikeSaDown(IkeSaSummary summary, String reason);

  /** Any change to the {@code show crypto isakmp sa} row. */
  void summaryChanged(IkeSaSummary summary);

  /** An authenticated message arrived from the peer (liveness for dpd-service). */
  void livenessProof(String ikeSaId, String peerAddress);
}
