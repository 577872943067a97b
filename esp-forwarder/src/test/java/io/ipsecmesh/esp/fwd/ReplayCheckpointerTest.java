package io.ipsecmesh.esp.fwd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.bus.FwdMessages;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.SaCounters;
import io.ipsecmesh.proto.time.VirtualScheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The owner's replay checkpoints in virtual time, exactly: the supervisor's row once a second carries the window's
 * edge; between those, a sample every 100 ms writes the row at once when the edge moved 2^10 or more (or for the
 * first time). The packet thread's part is only {@code ReplayWindow#update}, driven directly here.
 */
class ReplayCheckpointerTest {

  private final VirtualScheduler clock = new VirtualScheduler();
  /** Every row written: "time edge", in order. */
  private final List<String> rows = new ArrayList<>();
  /** The highest edge in a row written so far (what an adopter would read, the put taking no time). */
  private long stored;
  private TestGateway gw;
  private SaSupervisor supervisor;
  private ReplayCheckpointer checkpointer;

  @BeforeEach
  void setUp() {
    gw = new TestGateway();
    supervisor = new SaSupervisor("esp-a", gw.sad, gw.plane.acquires(), gw.plane.invalidSpis(), clock,
        new SaSupervisor.Sink() {
          public void acquire(FwdMessages.Acquire a) {}

          public void invalidSpi(FwdMessages.InvalidSpi i) {}

          public void expired(FwdMessages.SaExpired e) {}

          public void idle(FwdMessages.SaIdle i) {}

          public void activity(FwdMessages.ActivitySummary s) {}

          public void counters(List<SaCounters> all) {
            for (SaCounters c : all) {
              rows.add(clock.nowMillis() + " " + c.inboundCheckpoint());
              stored = Math.max(stored, c.inboundCheckpoint());
            }
          }

          public void log(String line) {}

          public void reserveSequences(SaPair pair) {}
        }, () -> "172.31.250.1");
    supervisor.start();
    checkpointer = new ReplayCheckpointer(gw.sad, clock, supervisor::publishCounters);
    checkpointer.start();
  }

  private SaPair install() {
    SaPair p = gw.factory.build(SaSupervisorTest.ikeSa(0x3101, 0x4101, new ChildSa.Lifetime(0, 0, 0, 0), 0), false,
        gw.sad.spd());
    supervisor.started(p);
    return gw.install(p);
  }

  @Test
  void theEdgeIsWrittenOnceASecondAndAtTheNextSampleWhenItMovedFar() {
    SaPair p = install();
    clock.advanceTo(1000);
    assertEquals(List.of("1000 0"), rows, "the once-a-second row; no packet, nothing sampled");
    clock.advanceTo(1050);
    p.in.replay.update(1); // the first packet
    clock.advanceTo(1100);
    assertEquals(List.of("1000 0", "1100 1"), rows, "a first edge is written at the next sample");
    clock.advanceTo(1150);
    p.in.replay.update(1024); // 1023 past the last row: below 2^10
    clock.advanceTo(1250);
    assertEquals(2, rows.size(), "1023 numbers past the row: it waits for the once-a-second row");
    p.in.replay.update(1025); // 2^10 past the last row
    clock.advanceTo(1299);
    assertEquals(2, rows.size());
    clock.advanceTo(1300);
    assertEquals("1300 1025", rows.get(2));
    clock.advanceTo(1999);
    assertEquals(3, rows.size(), "nothing moved: nothing written");
    p.in.replay.update(1030);
    clock.advanceTo(2000);
    assertEquals(List.of("1000 0", "1100 1", "1300 1025", "2000 1030"), rows, "the once-a-second row");
    clock.advanceTo(2950);
    p.in.replay.update(6030);
    clock.advanceTo(3000); // the tick's row comes first (scheduled earlier) and the sample then has nothing to add
    assertEquals("3000 6030", rows.get(4));
    assertEquals(5, rows.size());
    p.in.replay.update(7053); // 1023 past the tick's row
    clock.advanceTo(3100);
    assertEquals(5, rows.size());
    p.in.replay.update(7054);
    clock.advanceTo(3200);
    assertEquals(List.of("1000 0", "1100 1", "1300 1025", "2000 1030", "3000 6030", "3200 7054"), rows);
  }

  @Test
  void anotherInstancesPairIsNotSampled() {
    SaPair p = install();
    p.remoteOwner = "esp-b";
    clock.advanceTo(50);
    p.in.replay.update(5000);
    clock.advanceTo(999);
    assertEquals(List.of(), rows);
  }

  /**
   * The bound docs state, checked every millisecond of 20 s of bursty traffic: the owner's edge E and the stored
   * edge C satisfy E − C &lt; 2^10 + the numbers accepted in the last 100 ms, and E − C ≤ those of the last second.
   */
  @Test
  void theUnwrittenEdgeStaysWithinTheStatedBound() {
    SaPair p = install();
    Random r = new Random(4303);
    long[] upTo = new long[20_002]; // upTo[t]: numbers accepted in the milliseconds before t
    long edge = 0;
    long worst = 0;
    for (int t = 1; t <= 20_000; t++) {
      clock.advanceTo(t);
      long last100 = upTo[t] - upTo[Math.max(0, t - 100)];
      long last1000 = upTo[t] - upTo[Math.max(0, t - 1000)];
      long exposure = edge - stored;
      assertTrue(exposure < ReplayCheckpointer.ADVANCE + last100, "t=" + t + ": " + exposure);
      assertTrue(exposure <= last1000, "t=" + t + ": " + exposure);
      worst = Math.max(worst, exposure);
      // this millisecond's packets: quiet, a trickle, or a burst of up to 60/ms (60 000 packets/s)
      int phase = (t / 700) % 3;
      int n = phase == 0 ? 0 : phase == 1 ? (r.nextInt(50) == 0 ? 1 : 0) : r.nextInt(61);
      upTo[t + 1] = upTo[t] + n;
      edge += n;
      if (n > 0) {
        p.in.replay.update(edge);
      }
    }
    assertTrue(worst > ReplayCheckpointer.ADVANCE, "the bursts did exercise the sampled rule: " + worst);
  }
}
