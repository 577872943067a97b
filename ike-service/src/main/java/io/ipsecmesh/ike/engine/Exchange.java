package io.ipsecmesh.ike.engine;

import io.ipsecmesh.proto.ikev2.Payload;
import java.util.List;

/**
 * One request/response exchange that an IKE SA runs from its queue (RFC 7296 §2.3: we keep one
 * request outstanding). Built lazily when it reaches the head of the queue, so it sees the SA's state
 * at that moment.
 */
interface Exchange {

  int exchangeType();

  /** The payloads to protect in the SK payload of the request. */
  List<Payload> request(IkeSa sa);

  /** The decrypted payloads of the matching response. */
  void response(IkeSa sa, List<Payload> payloads);

  /** No response after all retransmissions (or, for DPD, after dpd-service's timeout). */
  void failed(IkeSa sa);

  /** DPD probes are retransmitted on dpd-service's schedule, not ours. */
  default boolean retransmittedByEngine() {
    return true;
  }

  /** Short name for {@code debug crypto isakmp}. */
  String name();
}
