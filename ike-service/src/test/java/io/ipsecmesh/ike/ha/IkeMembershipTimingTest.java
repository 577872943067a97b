package io.ipsecmesh.ike.ha;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.bus.BusCodecs;
import io.ipsecmesh.proto.bus.IkeMessages;
import io.ipsecmesh.proto.bus.MemberMessages.MemberHeartbeat;
import io.ipsecmesh.proto.cluster.InstanceMembership;
import io.ipsecmesh.proto.cluster.MemberHeartbeats;
import io.ipsecmesh.proto.time.VirtualScheduler;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 1, the first half of "within 3 s of kill -9": when a survivor notices a dead ike-service
 * instance. The survivor's real {@link MemberHeartbeats} (ike-service's timing, {@link IkeScaleOut.Settings}) on
 * a local bus, its clock virtual; the other instance's heartbeats are published by the test at the instants it
 * chooses, and "kill -9" is that they stop. Every step of virtual time is followed by draining the survivor's
 * context, so each heartbeat is heard at the virtual instant it was sent.
 */
class IkeMembershipTimingTest {

  private static final long STEP = 50;
  private Vertx vertx;
  private Context context;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    BusCodecs.register(vertx);
    context = vertx.getOrCreateContext();
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void ikeServiceBeatsEveryHalfSecondAndDropsAMemberAfterThreeMissedHeartbeats() {
    IkeScaleOut.Settings s = IkeScaleOut.Settings.from(new JsonObject().put("ike-instance-id", "ike-1"));
    assertEquals(500, s.heartbeatMillis());
    assertEquals(1500, s.memberTimeoutMillis());
    assertEquals(750, s.listenBeforeJoiningMillis());
    assertEquals(2200, s.adoptionBoundMillis());
    // its own, not the 1 s / 3 s that dpd-service and nat-keepalive share
    assertEquals(3000, MemberHeartbeats.TIMEOUT_MILLIS);
  }

  @Test
  void theTimingIsAParameterAndNonsenseIsRefusedWithTheReason() {
    IkeScaleOut.Settings s = IkeScaleOut.Settings.from(new JsonObject().put("ike-member-heartbeat-millis", "200")
        .put("ike-member-timeout-millis", 700));
    assertEquals(200, s.heartbeatMillis());
    assertEquals(700, s.memberTimeoutMillis());
    var e = assertThrows(IllegalArgumentException.class, () -> IkeScaleOut.Settings.from(
        new JsonObject().put("ike-member-heartbeat-millis", 500).put("ike-member-timeout-millis", 900)));
    assertTrue(e.getMessage().contains("at least two heartbeats"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> IkeScaleOut.Settings.from(
        new JsonObject().put("ike-member-heartbeat-millis", "fast")));
    assertTrue(e.getMessage().contains("ike-member-heartbeat-millis must be a number"), e.getMessage());
  }

  /**
   * The survivor beats at 0, 500, 1000 … ms; the other instance beats at {@code phase} + 500 k and is killed
   * just after its heartbeat at 1000 + {@code phase}. It is dropped at the survivor's first heartbeat more than
   * 1500 ms after the last one heard — exactly — and nothing else changes the member set meanwhile.
   */
  @Test
  void aKilledInstanceIsDroppedAtTheFirstOwnHeartbeatMoreThanTheTimeoutAfterItsLastOne() throws Exception {
    for (long phase = 0; phase < 500; phase += STEP) {
      Observed o = killAt(phase);
      long lastHeard = 1000 + phase;
      long expected = ((lastHeard + 1500) / 500 + 1) * 500; // first multiple of 500 strictly after lastHeard + 1500
      assertEquals(expected, o.droppedAt, "phase " + phase);
      assertTrue(o.droppedAt - lastHeard > 1500 && o.droppedAt - lastHeard <= 2000, "phase " + phase);
      assertEquals(List.of(Set.of("ike-2"), Set.of("ike-1", "ike-2"), Set.of("ike-1")), o.memberSets, "phase " + phase);
    }
  }

  /**
   * The bound the README states: from the kill (any instant between two of the dead instance's heartbeats) to the
   * survivor noticing is at most timeout + one heartbeat, 2 s, so adoption starts within 2.2 s — under issue 13's
   * 3 s with the checkpoint scan and claim on top.
   */
  @Test
  void fromKillToNoticeIsAtMostTheTimeoutPlusOneHeartbeat() throws Exception {
    IkeScaleOut.Settings s = IkeScaleOut.Settings.from(new JsonObject());
    long worst = 0;
    long best = Long.MAX_VALUE;
    for (long phase = 0; phase < 500; phase += STEP) {
      Observed o = killAt(phase);
      long lastHeard = 1000 + phase;
      // the kill falls anywhere in (lastHeard, lastHeard + 500): worst just after the heartbeat, best just before the next
      worst = Math.max(worst, o.droppedAt - lastHeard);
      best = Math.min(best, o.droppedAt - (lastHeard + 500));
    }
    assertEquals(2000, worst);
    assertEquals(s.memberTimeoutMillis() + s.heartbeatMillis(), worst);
    assertTrue(best >= 1000, "never before the timeout minus one heartbeat: " + best);
    assertTrue(worst + IkeScaleOut.ADOPT_SETTLE_MILLIS <= s.adoptionBoundMillis());
  }

  private record Observed(long droppedAt, List<Set<String>> memberSets) {}

  private Observed killAt(long phase) throws Exception {
    VirtualScheduler clock = new VirtualScheduler();
    IkeScaleOut.Settings s = IkeScaleOut.Settings.from(new JsonObject().put("ike-instance-id", "ike-1"));
    InstanceMembership membership = new InstanceMembership("ike-1", s.memberTimeoutMillis());
    List<Set<String>> sets = new ArrayList<>();
    long[] droppedAt = {-1};
    MemberHeartbeats hb = IkeScaleOut.heartbeats(vertx, clock, s, membership, () -> {
      Set<String> now = membership.members();
      if (!sets.isEmpty() && sets.getLast().contains("ike-2") && !now.contains("ike-2")) {
        droppedAt[0] = clock.nowMillis();
      }
      sets.add(now);
    });
    onContext(() -> hb.start());
    for (long t = STEP; t <= 5000; t += STEP) {
      long at = t;
      onContext(() -> {
        clock.advanceTo(at);
        // the other instance beats from phase on, every 500 ms, and dies after its beat at 1000 + phase
        if (at >= phase && (at - phase) % 500 == 0 && at <= 1000 + phase) {
          vertx.eventBus().publish(IkeMessages.MEMBERS, new MemberHeartbeat("ike-2", false));
        }
      });
    }
    onContext(hb::stop);
    // the changes: ike-2 heard (before joining), joining at 750 ms, the drop
    return new Observed(droppedAt[0], List.copyOf(sets));
  }

  /** Runs {@code r} on the survivor's context, then waits until what it queued there (bus deliveries) has run. */
  private void onContext(Runnable r) throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    context.runOnContext(v -> {
      try {
        r.run();
      } catch (RuntimeException e) {
        done.completeExceptionally(e);
        return;
      }
      context.runOnContext(w -> context.runOnContext(x -> done.complete(null)));
    });
    done.get(10, TimeUnit.SECONDS);
  }
}
