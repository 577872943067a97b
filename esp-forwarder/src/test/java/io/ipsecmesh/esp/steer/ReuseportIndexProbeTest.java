package io.ipsecmesh.esp.steer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One socket's index learning, its probes delivered by hand. */
class ReuseportIndexProbeTest {

  private long next = 100;
  private final ReuseportIndexProbe probe = new ReuseportIndexProbe(() -> next++);
  private final List<byte[]> sent = new ArrayList<>();

  private void deliver(int i) {
    byte[] p = sent.get(i);
    probe.received(p, 0, p.length);
  }

  @Test
  void theSmallestIndexOurNonceCameBackAtIsOurs() {
    probe.startRound(8, sent::add);
    assertEquals(8, sent.size());
    for (int i = 0; i < 8; i++) {
      assertEquals(i, SteeringProbe.index(sent.get(i), 0, SteeringProbe.BYTES));
    }
    // indices 5.. fell back to the kernel's hash, which picked this socket too
    deliver(6);
    deliver(2);
    deliver(5);
    deliver(7);
    assertEquals(2, probe.finishRound());
  }

  @Test
  void foreignAndStaleProbesAreCountedAndTeachNothing() {
    double foreign = ReuseportIndexProbe.counted("foreign");
    double stale = ReuseportIndexProbe.counted("stale");
    double own = ReuseportIndexProbe.counted("own");
    probe.startRound(8, sent::add);
    byte[] other = SteeringProbe.encode(0, 999_999L); // another instance's round
    probe.received(other, 0, other.length);
    deliver(3);
    assertEquals(3, probe.finishRound());
    deliver(1); // late: the round is read
    sent.clear();
    probe.startRound(8, sent::add);
    assertEquals(3, probe.finishRound(), "a round with no answer keeps the index learned before");
    assertEquals(foreign + 1, ReuseportIndexProbe.counted("foreign"));
    assertEquals(stale + 1, ReuseportIndexProbe.counted("stale"));
    assertEquals(own + 1, ReuseportIndexProbe.counted("own"));
  }

  @Test
  void beforeAnyAnswerTheIndexIsUnknownAndRoundsAreBounded() {
    assertEquals(ReuseportProgram.UNKNOWN, probe.index());
    probe.startRound(1_000, sent::add);
    assertEquals(256, sent.size());
    assertEquals(ReuseportProgram.UNKNOWN, probe.finishRound());
    assertEquals(ReuseportIndexProbe.MIN_PROBES, ReuseportIndexProbe.probesFor(2));
    assertEquals(21, ReuseportIndexProbe.probesFor(10));
    assertEquals(256, ReuseportIndexProbe.probesFor(500));
  }
}
