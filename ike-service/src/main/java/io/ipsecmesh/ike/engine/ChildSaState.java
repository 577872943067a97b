package io.ipsecmesh.ike.engine;

import io.ipsecmesh.proto.sa.ChildSa;

/** A Child SA as its IKE SA remembers it: the installed record (keys only wrapped). */
record ChildSaState(ChildSa sa) {
  long inboundSpi() {
    return sa.inboundSpi();
  }

  long outboundSpi() {
    return sa.outboundSpi();
  }
}
