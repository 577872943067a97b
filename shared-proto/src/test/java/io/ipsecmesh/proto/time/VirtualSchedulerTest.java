package io.ipsecmesh.proto.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VirtualSchedulerTest {

  @Test
  void runsTasksInDueOrderAtTheirInstant() {
    VirtualScheduler s = new VirtualScheduler();
    List<String> log = new ArrayList<>();
    s.schedule(2000, () -> log.add("b@" + s.nowMillis()));
    s.schedule(1000, () -> {
      log.add("a@" + s.nowMillis());
      s.schedule(500, () -> log.add("c@" + s.nowMillis()));
    });
    s.advance(1999);
    assertEquals(List.of("a@1000", "c@1500"), log);
    s.advance(1);
    assertEquals(List.of("a@1000", "c@1500", "b@2000"), log);
    assertEquals(2000, s.nowMillis());
  }

  @Test
  void cancelledTaskNeverRuns() {
    VirtualScheduler s = new VirtualScheduler();
    List<String> log = new ArrayList<>();
    Scheduler.Timer t = s.schedule(10, () -> log.add("x"));
    t.cancel();
    s.advance(100);
    assertEquals(List.of(), log);
    assertFalse(t.cancel());
    assertEquals(0, s.pending());
  }
}
