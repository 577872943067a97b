package io.ipsecmesh.ike.engine;

import io.ipsecmesh.proto.bus.RecordJson;
import io.ipsecmesh.proto.sa.ChildSa;

/**
 * A Child SA as its IKE SA remembers it: the installed record (keys only wrapped), and that record as the IKE
 * SA's checkpoints carry it, made once (MAC and sealing cost far more than the rest of a checkpoint, and the
 * record never changes: a NAT move or an IKE SA rekey makes a new state).
 */
final class ChildSaState {

  private final ChildSa sa;
  private String json;

  ChildSaState(ChildSa sa) {
    this.sa = sa;
  }

  /** Adopted from a checkpoint: its record as it was read there (verified). */
  ChildSaState(ChildSa sa, String json) {
    this.sa = sa;
    this.json = json;
  }

  ChildSa sa() {
    return sa;
  }

  long inboundSpi() {
    return sa.inboundSpi();
  }

  long outboundSpi() {
    return sa.outboundSpi();
  }

  /** {@link RecordJson} of the record (MAC'd, keys sealed under the cluster KEK), for checkpoints. */
  String json() {
    if (json == null) {
      json = RecordJson.toJson(sa).encode();
    }
    return json;
  }
}
