package io.ipsecmesh.esp.ha;

import io.ipsecmesh.esp.fwd.SaOwnership;
import io.ipsecmesh.proto.bus.FwdMessages;
import io.ipsecmesh.proto.cluster.InstanceMembership;
import io.ipsecmesh.proto.cluster.MemberHeartbeats;
import io.ipsecmesh.proto.time.Scheduler;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.logging.Logger;

/**
 * The forwarder's side of scale-out on the bus: its heartbeats on {@code fwd.members} (the shared
 * {@link MemberHeartbeats}, with the forwarder's shorter timeout {@link SaOwnership#MEMBER_TIMEOUT_MILLIS}), the
 * packets other instances hand to it ({@code fwd.handoff.<instance>}), and the quorum fence: every
 * {@link #QUORUM_CHECK_MILLIS} the Hazelcast member count is compared with {@code cluster-quorum}; below it
 * {@link SaOwnership#fence} releases every SA. Runs on the verticle's context; the decisions are
 * {@link SaOwnership}'s.
 */
public final class EspScaleOut {

  private static final Logger LOG = Logger.getLogger(EspScaleOut.class.getName());
  public static final long QUORUM_CHECK_MILLIS = 500;

  private final Vertx vertx;
  private final Scheduler scheduler;
  private final EspScaleOutSettings settings;
  private final SaOwnership ownership;
  private final EspHandoff.Target delivery;
  /** The Hazelcast cluster's member count now; null without a cluster (no fence). */
  private final IntSupplier clusterSize;
  private Consumer<Set<String>> membersListener = live -> { };
  private MemberHeartbeats heartbeats;
  private MessageConsumer<Buffer> handoff;
  private Scheduler.Timer quorumTimer;
  private boolean stopped;

  public EspScaleOut(Vertx vertx, Scheduler scheduler, EspScaleOutSettings settings, SaOwnership ownership,
      EspHandoff.Target delivery, IntSupplier clusterSize) {
    this.vertx = vertx;
    this.scheduler = scheduler;
    this.settings = settings;
    this.ownership = ownership;
    this.delivery = delivery;
    this.clusterSize = clusterSize;
  }

  /** The bus side of {@link EspHandoff}: one frame to {@code fwd.handoff.<owner>} (thread-safe). */
  public static EspHandoff.Bus bus(Vertx vertx) {
    return (owner, frame) -> vertx.eventBus().send(FwdMessages.HANDOFF_PREFIX + owner, Buffer.buffer(frame));
  }

  /** Who else follows the member set (the reuseport steering); before {@link #start()}. */
  public void onMembers(Consumer<Set<String>> listener) {
    this.membersListener = listener;
  }

  public Future<Void> start() {
    handoff = vertx.eventBus().consumer(FwdMessages.HANDOFF_PREFIX + settings.instanceId(),
        m -> EspHandoff.received(m.body() == null ? null : m.body().getBytes(), delivery));
    InstanceMembership membership = new InstanceMembership(settings.instanceId(), SaOwnership.MEMBER_TIMEOUT_MILLIS);
    heartbeats = new MemberHeartbeats(vertx, scheduler, FwdMessages.MEMBERS, membership,
        MemberHeartbeats.LISTEN_BEFORE_JOINING_MILLIS, () -> {
          ownership.members(membership.members());
          membersListener.accept(membership.members());
          LOG.info(() -> "esp-forwarder " + settings.instanceId() + ": forwarder instances now "
              + membership.members());
        });
    if (settings.quorum() > 0 && clusterSize != null) {
      checkQuorum();
    }
    return Future.all(handoff.completion(), heartbeats.start()).mapEmpty();
  }

  private void checkQuorum() {
    if (stopped) {
      return;
    }
    int size = clusterSize.getAsInt();
    boolean lost = size < settings.quorum();
    if (lost != ownership.fenced()) {
      LOG.warning("esp-forwarder " + settings.instanceId() + ": " + size + " cluster members, quorum "
          + settings.quorum() + (lost ? ": fenced, sending on no SA" : ": quorum back, taking my SAs over"));
      ownership.fence(lost);
    }
    quorumTimer = scheduler.schedule(QUORUM_CHECK_MILLIS, this::checkQuorum);
  }

  /** Orderly stop: the others take this instance's SAs over now, not after the timeout. */
  public void leave() {
    stopped = true;
    ownership.fence(true); // this instance sends on no SA from now on: the others reserve fresh blocks
    if (quorumTimer != null) {
      quorumTimer.cancel();
    }
    if (heartbeats != null) {
      heartbeats.stop();
    }
    if (handoff != null) {
      handoff.unregister();
    }
  }
}
