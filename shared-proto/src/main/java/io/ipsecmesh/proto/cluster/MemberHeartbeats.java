package io.ipsecmesh.proto.cluster;

import io.ipsecmesh.proto.bus.MemberMessages.MemberHeartbeat;
import io.ipsecmesh.proto.time.Scheduler;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;

/**
 * The heartbeat protocol of a scalable service on the bus: every instance publishes a
 * {@link MemberHeartbeat} on the service's members address every heartbeat period (by default
 * {@link #HEARTBEAT_MILLIS}; a service whose takeover must be faster passes its own, ike-service does), drops
 * an instance silent for the membership's timeout (by default {@link #TIMEOUT_MILLIS}, three missed
 * heartbeats: it died, its work moves) and one that says it is leaving at once, and calls {@code onChange} on its context whenever the member set
 * changed. An instance may listen for {@code listenFirstMillis} before it announces itself and joins, so
 * that it has heard every live member before it claims work (a claim before that would own every key for a
 * moment). Runs on the caller's context; its clock is the caller's {@link Scheduler}.
 */
public final class MemberHeartbeats {

  private static final System.Logger LOG = System.getLogger(MemberHeartbeats.class.getName());
  public static final long HEARTBEAT_MILLIS = 1_000;
  /** Three missed heartbeats: an instance is dead and its work moves. */
  public static final long TIMEOUT_MILLIS = 3 * HEARTBEAT_MILLIS;
  /** Long enough to hear every live member at least once (heartbeats are 1 s apart on every instance). */
  public static final long LISTEN_BEFORE_JOINING_MILLIS = HEARTBEAT_MILLIS + HEARTBEAT_MILLIS / 2;

  private final Vertx vertx;
  private final Scheduler scheduler;
  private final String address;
  private final InstanceMembership membership;
  private final long listenFirstMillis;
  private final long heartbeatMillis;
  private final Runnable onChange;
  private MessageConsumer<MemberHeartbeat> consumer;
  private Scheduler.Timer timer;
  private long joinAt;
  private boolean stopped;

  public MemberHeartbeats(Vertx vertx, Scheduler scheduler, String address, InstanceMembership membership,
      long listenFirstMillis, Runnable onChange) {
    this(vertx, scheduler, address, membership, HEARTBEAT_MILLIS, listenFirstMillis, onChange);
  }

  /**
   * With a heartbeat period of its own: a member is then noticed dead between {@code timeout} and
   * {@code timeout + heartbeatMillis} after its last heartbeat (expiry is checked at each own heartbeat).
   */
  public MemberHeartbeats(Vertx vertx, Scheduler scheduler, String address, InstanceMembership membership,
      long heartbeatMillis, long listenFirstMillis, Runnable onChange) {
    if (heartbeatMillis <= 0) {
      throw new IllegalArgumentException("heartbeat period must be positive: " + heartbeatMillis);
    }
    this.heartbeatMillis = heartbeatMillis;
    this.vertx = vertx;
    this.scheduler = scheduler;
    this.address = address;
    this.membership = membership;
    this.listenFirstMillis = listenFirstMillis;
    this.onChange = onChange;
  }

  /** Starts listening and beating; completes once the consumer is registered. */
  public Future<Void> start() {
    consumer = vertx.eventBus().consumer(address, m -> guarded("heartbeat received", () -> {
      MemberHeartbeat h = m.body();
      if (h != null && h.instanceId() != null
          && membership.heard(h.instanceId(), h.leaving(), scheduler.nowMillis())) {
        onChange.run();
      }
    }));
    joinAt = scheduler.nowMillis() + listenFirstMillis;
    beat();
    return consumer.completion();
  }

  /** Orderly leave: the others take this instance's work over now rather than after the timeout. */
  public void stop() {
    stopped = true;
    if (timer != null) {
      timer.cancel();
    }
    if (membership.joined()) {
      vertx.eventBus().publish(address, new MemberHeartbeat(membership.self(), true));
    }
    if (consumer != null) {
      consumer.unregister();
    }
  }

  public InstanceMembership membership() {
    return membership;
  }

  private void beat() {
    if (stopped) {
      return;
    }
    guarded("heartbeat", () -> {
      long now = scheduler.nowMillis();
      boolean changed = now >= joinAt && membership.join();
      if (membership.joined()) {
        vertx.eventBus().publish(address, new MemberHeartbeat(membership.self(), false));
      }
      changed |= membership.expire(now);
      if (changed) {
        onChange.run();
      }
    });
    timer = scheduler.schedule(heartbeatMillis, this::beat);
  }

  private static void guarded(String what, Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "members: " + what + " failed", e);
    }
  }
}
