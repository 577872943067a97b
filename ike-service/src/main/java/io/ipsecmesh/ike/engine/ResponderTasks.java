package io.ipsecmesh.ike.engine;

import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.ikev2.Payload;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The passive tasks a request creates, chosen by its exchange type and payloads as strongSwan's
 * {@code task_manager_v2.c process_request} does. Each answers the part of the request that is its concern;
 * the response is their answers in this order.
 */
final class ResponderTasks {

  private ResponderTasks() {}

  /**
   * @return the tasks that answer {@code request}; empty when nothing answers it in the SA's state (IKE_AUTH
   *     after the SA is up); null for an exchange type we do not know (answered with INVALID_SYNTAX)
   */
  static List<Task> forRequest(SaServices s, IkeSa sa, Inbound request) {
    return switch (request.header().exchangeType()) {
      case IkeConstants.IKE_SA_INIT -> sa.state == null
          ? List.of(IkeInitTask.responder(s), new NatDetectionTask(s)) : List.of();
      case IkeConstants.IKE_AUTH -> sa.state == IkeSa.State.INIT_DONE ? List.of(new IkeAuthTask(s)) : List.of();
      case IkeConstants.CREATE_CHILD_SA -> List.of(createChildSa(s, sa, request.payloads()));
      case IkeConstants.INFORMATIONAL -> informational(s, sa, request.payloads());
      default -> null;
    };
  }

  /**
   * CREATE_CHILD_SA (RFC 7296 §1.3): an SA payload for protocol IKE rekeys the IKE SA (§1.3.2), N(REKEY_SA)
   * rekeys a Child SA (§1.3.3), anything else is a new Child SA (§1.3.1) — which also refuses what the IKE
   * SA cannot take (not up, already rekeyed, SA or Ni missing).
   */
  private static Task createChildSa(SaServices s, IkeSa sa, List<Payload> payloads) {
    Optional<Payload.SecurityAssociation> saP = payloads.stream().filter(Payload.SecurityAssociation.class::isInstance)
        .map(Payload.SecurityAssociation.class::cast).findFirst();
    boolean nonce = payloads.stream().anyMatch(Payload.Nonce.class::isInstance);
    if (sa.state != IkeSa.State.ESTABLISHED || saP.isEmpty() || !nonce || sa.rekeyedTo != null) {
      return new ChildCreateTask(s);
    }
    if (saP.get().proposals().stream().anyMatch(x -> x.protocolId() == IkeConstants.PROTO_IKE)) {
      return new IkeRekeyTask(s);
    }
    if (payloads.stream().anyMatch(p -> p instanceof Payload.Notify n && n.notifyType() == IkeConstants.REKEY_SA)) {
      return new ChildRekeyTask(s);
    }
    return new ChildCreateTask(s);
  }

  /** INFORMATIONAL (§1.4): deletions, INVALID_SPI, and otherwise a liveness check answered empty (§2.4). */
  private static List<Task> informational(SaServices s, IkeSa sa, List<Payload> payloads) {
    if (sa.state != IkeSa.State.ESTABLISHED) {
      return List.of(new LivenessTask());
    }
    List<Task> tasks = new ArrayList<>();
    if (payloads.stream().anyMatch(p -> p instanceof Payload.Delete
        || p instanceof Payload.Notify n && n.notifyType() == IkeConstants.AUTHENTICATION_FAILED)) {
      tasks.add(new DeleteTask(s));
    }
    if (payloads.stream().anyMatch(p -> p instanceof Payload.Notify n && n.notifyType() == IkeConstants.INVALID_SPI)) {
      tasks.add(new InvalidSpiTask(s));
    }
    if (tasks.isEmpty()) {
      tasks.add(new LivenessTask());
    }
    return tasks;
  }
}
