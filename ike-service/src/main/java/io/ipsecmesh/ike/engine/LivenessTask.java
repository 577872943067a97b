package io.ipsecmesh.ike.engine;

import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.ikev2.Payload;
import java.util.List;

/**
 * The liveness check (RFC 7296 §2.4, what IOS calls DPD for IKEv2): an INFORMATIONAL request with no
 * payloads, answered with none. dpd-service owns the schedule — when to probe, when to retransmit, when the
 * peer is dead — so the task manager neither retransmits it nor times it; its acknowledgement is the
 * response's arrival, which the task manager reports to the waiting probe.
 */
final class LivenessTask implements Task {

  @Override
  public Type type() {
    return Type.LIVENESS;
  }

  @Override
  public int exchangeType() {
    return IkeConstants.INFORMATIONAL;
  }

  @Override
  public String name() {
    return "DPD";
  }

  @Override
  public List<Payload> buildI(IkeSa sa) {
    return List.of();
  }

  @Override
  public Status processI(IkeSa sa, Inbound response) {
    return Status.DONE;
  }

  @Override
  public void failed(IkeSa sa) {}

  @Override
  public boolean retransmitted() {
    return false;
  }

  @Override
  public Status processR(IkeSa sa, Inbound request) {
    return Status.DONE;
  }

  @Override
  public List<Payload> buildR(IkeSa sa) {
    return List.of();
  }
}
