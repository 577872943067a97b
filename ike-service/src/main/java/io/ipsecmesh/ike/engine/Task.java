package io.ipsecmesh.ike.engine;

import io.ipsecmesh.proto.ikev2.Payload;
import java.util.List;

/**
 * One IKE concern with both of its roles, after strongSwan libcharon's {@code task_t}
 * ({@code src/libcharon/sa/ikev2/tasks/}): as initiator the {@link TaskManager} asks it for the request
 * ({@link #buildI}) and hands it the response ({@link #processI}); as responder it is created from the
 * peer's request ({@link ResponderTasks}), reads it ({@link #processR}) and builds the answer
 * ({@link #buildR}). A task knows nothing of message IDs, retransmission, encryption or the wire: those
 * are the task manager's. Adding an exchange means adding a task.
 */
interface Task {

  /** What a task is, for collisions (RFC 7296 §2.8.1, §2.8.2) and for the trace: never found by downcasting. */
  enum Type {
    IKE_INIT, NAT_DETECTION, IKE_AUTH, CHILD_CREATE, CHILD_REKEY, IKE_REKEY, DELETE, LIVENESS, INVALID_SPI
  }

  /** What the task manager does next with the exchange. */
  enum Status {
    /** The exchange is over for this task (answered, or the answer was acted on). */
    DONE,
    /** Initiator: send a new request for this task at once (IKE_SA_INIT after COOKIE or INVALID_KE_PAYLOAD). */
    RETRY,
    /** Initiator: the response is not acceptable (maybe forged); keep the request outstanding and retransmitting. */
    WAIT,
    /** Responder: the answer waits for something off the event loop (a CRL); the task calls {@link TaskManager#answer}. */
    DEFERRED
  }

  Type type();

  /** The exchange type of the request this task's initiator sends (RFC 7296 §3.1). */
  int exchangeType();

  /** Short name for {@code debug crypto ikev2}. */
  default String name() {
    return type().name();
  }

  /** Initiator: the payloads of the request (strongSwan's {@code build_i}); SK protection is added by the manager. */
  List<Payload> buildI(IkeSa sa);

  /** Initiator: the matching response ({@code process_i}). */
  Status processI(IkeSa sa, Inbound response);

  /** Initiator: no response after every retransmission; the manager deletes the IKE SA afterwards if still up. */
  void failed(IkeSa sa);

  /** Whether the manager retransmits the request on its policy; a liveness check is retransmitted by dpd-service. */
  default boolean retransmitted() {
    return true;
  }

  /** Responder: the request ({@code process_r}). */
  Status processR(IkeSa sa, Inbound request);

  /** Responder: the payloads of the response ({@code build_r}). */
  List<Payload> buildR(IkeSa sa);

  /** Responder: the response went out; what must follow it (deleting the SA it deleted) happens here. */
  default void responded(IkeSa sa) {}

  /** Initiator: the bytes of the request went out (IKE_SA_INIT keeps them: AUTH signs them, RFC 7296 §2.15). */
  default void sent(IkeSa sa, byte[] request) {}

  /**
   * Initiator: the peer's request {@code passive}, of this task's {@link #type()}, ran while this task's request
   * was outstanding (strongSwan's {@code collide}); the task decides the winner when its own response comes.
   */
  default void collide(Task passive) {}
}
