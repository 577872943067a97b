package io.ipsecmesh.ike.engine;

import io.ipsecmesh.proto.ikev2.IkeHeader;
import io.ipsecmesh.proto.ikev2.IkeMessage;
import io.ipsecmesh.proto.ikev2.Payload;
import java.util.List;

/**
 * A request or response as a task sees it: the datagram it came in (addresses for NAT detection, the raw
 * bytes IKE_SA_INIT's AUTH signs), its header, and its payloads — decrypted from SK for every exchange but
 * IKE_SA_INIT, which is not protected (RFC 7296 §1.2).
 */
record Inbound(Datagram datagram, IkeHeader header, List<Payload> payloads) {

  IkeMessage message() {
    return new IkeMessage(header, payloads);
  }
}
