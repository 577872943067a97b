package io.ipsecmesh.proto.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TimingWheelTest {

  private final List<String> fired = new ArrayList<>();
  private VirtualScheduler clock;
  private TimingWheel wheel;
  private int ticksEnded;

  private final class Named extends TimingWheel.Timeout {
    final String name;
    Runnable onExpire = () -> {};

    Named(String name) {
      this.name = name;
    }

    @Override
    protected void expire(long nowMillis) {
      fired.add(name + "@" + nowMillis);
      onExpire.run();
    }
  }

  @BeforeEach
  void setUp() {
    clock = new VirtualScheduler();
    wheel = new TimingWheel(clock, 100, 16, () -> ticksEnded++);
    wheel.start();
  }

  @Test
  void tickAlignedDeadline_expiresExactlyOnTime() {
    wheel.schedule(new Named("a"), 10_000);
    clock.advanceTo(9_999);
    assertTrue(fired.isEmpty());
    clock.advanceTo(10_000);
    assertEquals(List.of("a@10000"), fired);
    assertEquals(0, wheel.size());
  }

  @Test
  void unalignedDeadline_neverEarlyAndAtMostOneTickLate() {
    wheel.schedule(new Named("a"), 1_234);
    clock.advanceTo(1_299);
    assertTrue(fired.isEmpty());
    clock.advanceTo(1_300);
    assertEquals(List.of("a@1300"), fired);
  }

  @Test
  void deadlineBeyondOneTurnOfTheWheel_waitsItsRounds() {
    // 16 buckets of 100 ms turn in 1.6 s; 5 s needs several rounds through the same bucket.
    wheel.schedule(new Named("long"), 5_000);
    wheel.schedule(new Named("short"), 200);
    clock.advanceTo(4_900);
    assertEquals(List.of("short@200"), fired);
    clock.advanceTo(5_000);
    assertEquals(List.of("short@200", "long@5000"), fired);
  }

  @Test
  void rescheduleAndCancel() {
    Named a = new Named("a");
    Named b = new Named("b");
    wheel.schedule(a, 1_000);
    wheel.schedule(b, 1_000);
    wheel.schedule(a, 3_000);
    assertTrue(wheel.cancel(b));
    assertFalse(wheel.cancel(b));
    assertEquals(1, wheel.size());
    clock.advanceTo(3_000);
    assertEquals(List.of("a@3000"), fired);
  }

  @Test
  void pastDeadline_expiresAtTheNextTick() {
    clock.advanceTo(1_050);
    wheel.schedule(new Named("late"), 500);
    clock.advanceTo(1_100);
    assertEquals(List.of("late@1100"), fired);
  }

  @Test
  void expiryMayRescheduleItselfAndCancelAnotherDueInTheSameTick() {
    Named periodic = new Named("p");
    Named victim = new Named("v");
    periodic.onExpire = () -> {
      wheel.schedule(periodic, clock.nowMillis() + 1_000);
      wheel.cancel(victim);
    };
    victim.onExpire = () -> wheel.schedule(victim, clock.nowMillis() + 1_000);
    wheel.schedule(victim, 1_000);
    wheel.schedule(periodic, 1_000);
    clock.advanceTo(3_000);
    // Whichever of the two runs first at 1 s, the victim never runs after being cancelled.
    assertTrue(fired.containsAll(List.of("p@1000", "p@2000", "p@3000")));
    assertTrue(fired.stream().filter(f -> f.startsWith("v")).count() <= 1);
    assertTrue(fired.stream().noneMatch(f -> f.equals("v@2000") || f.equals("v@3000")));
  }

  @Test
  void expiryThatThrows_doesNotStopTheWheel() {
    Named bad = new Named("bad");
    bad.onExpire = () -> {
      throw new IllegalStateException("boom");
    };
    wheel.schedule(bad, 100);
    wheel.schedule(new Named("good"), 200);
    clock.advanceTo(200);
    assertEquals(List.of("bad@100", "good@200"), fired);
  }

  @Test
  void lateSchedulerCallback_catchesUpEveryTick() {
    // The Vert.x timer behind the tick may fire late; every tick in between still runs, in order.
    for (int i = 1; i <= 5; i++) {
      wheel.schedule(new Named("t" + i), i * 100L);
    }
    clock.advanceTo(500);
    assertEquals(List.of("t1@100", "t2@200", "t3@300", "t4@400", "t5@500"), fired);
    assertEquals(5, ticksEnded);
  }

  @Test
  void stop_suspendsExpiry() {
    wheel.schedule(new Named("a"), 1_000);
    wheel.stop();
    clock.advanceTo(5_000);
    assertTrue(fired.isEmpty());
    assertEquals(1, wheel.size());
  }

  /** The wheel's own timer, fired {@code stall} ms late once, as after a stop-the-world pause. */
  private static final class StallingScheduler implements Scheduler {
    final VirtualScheduler clock = new VirtualScheduler();
    long stallNext;

    @Override
    public long nowMillis() {
      return clock.nowMillis();
    }

    @Override
    public Timer schedule(long delayMillis, Runnable task) {
      long stall = stallNext;
      stallNext = 0;
      return clock.schedule(delayMillis + stall, task);
    }
  }

  @Test
  void aStallOfTheProcess_postponesEveryTimeoutByItsLength() {
    StallingScheduler stalling = new StallingScheduler();
    TimingWheel w = new TimingWheel(stalling, 100, 64, null);
    w.start();
    w.schedule(new Named("a"), 300);
    w.schedule(new Named("b"), 5_000);
    stalling.stallNext = 2_000; // tick 1 runs at 100 and arms tick 2, whose timer fires 2 000 ms late, at 2 200
    stalling.clock.advanceTo(2_299);
    assertTrue(fired.isEmpty(), "nothing expires for the time the process did not run: " + fired);
    assertEquals(2_000, w.stalledMillis());
    stalling.clock.advanceTo(7_000);
    assertEquals(List.of("a@2300", "b@7000"), fired);
  }

  @Test
  void lateButNotStalled_catchesUpEveryTickAsBefore() {
    StallingScheduler stalling = new StallingScheduler();
    TimingWheel w = new TimingWheel(stalling, 100, 64, null);
    w.start();
    w.schedule(new Named("a"), 300);
    stalling.stallNext = TimingWheel.STALL_MILLIS - 200; // tick 2's timer fires 800 ms late, at 1 000
    stalling.clock.advanceTo(1_000);
    assertEquals(0, w.stalledMillis());
    assertEquals(List.of("a@1000"), fired);
  }
}
