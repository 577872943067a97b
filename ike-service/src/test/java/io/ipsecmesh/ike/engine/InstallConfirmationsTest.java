package io.ipsecmesh.ike.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipsecmesh.proto.time.VirtualScheduler;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link InstallConfirmations}: an answer leaves on the last confirmation, or {@value InstallConfirmations#TIMEOUT_MILLIS} ms after it was ready. */
class InstallConfirmationsTest {

  private final VirtualScheduler clock = new VirtualScheduler();
  private final List<String> counted = new ArrayList<>();
  private final InstallConfirmations confirmations = new InstallConfirmations(clock, () -> new EngineStats() {
    @Override
    public void childSaUnconfirmed() {
      counted.add("unconfirmed");
    }

    @Override
    public void childSaAnswerWaited(long millis) {
      counted.add("waited " + millis);
    }
  });
  private final List<Long> sentAt = new ArrayList<>();

  @Test
  void theAnswerLeavesWhenTheLastSpiItInstalledIsConfirmed() {
    InstallConfirmations.Gate g = confirmations.expect(null, 0xc1000001L);
    g = confirmations.expect(g, 0xc1000002L);
    confirmations.release(g, () -> sentAt.add(clock.nowMillis()));
    clock.advance(3);
    confirmations.accepted(0xc1000001L);
    assertEquals(List.of(), sentAt, "one of two confirmed: still held");
    clock.advance(4);
    confirmations.accepted(0xc1000002L);
    assertEquals(List.of(7L), sentAt);
    assertEquals(List.of("waited 7"), counted, "ready at 0, the last confirmation at 7");
    clock.advance(InstallConfirmations.TIMEOUT_MILLIS);
    assertEquals(List.of(7L), sentAt, "answered once");
    assertEquals(0, confirmations.queued());
    assertEquals(0, confirmations.unconfirmed());
    assertEquals(0, confirmations.expected());
  }

  @Test
  void aConfirmationThatCameBeforeTheAnswerWasReadyLetsItLeaveAtOnce() {
    InstallConfirmations.Gate g = confirmations.expect(null, 0xc1000003L);
    confirmations.accepted(0xc1000003L);
    confirmations.release(g, () -> sentAt.add(clock.nowMillis()));
    assertEquals(List.of(0L), sentAt);
    assertEquals(List.of("waited 0"), counted);
  }

  @Test
  void withoutAForwarderTheAnswerLeavesAfterTheBoundAndIsCounted() {
    InstallConfirmations.Gate g = confirmations.expect(null, 0xc1000004L);
    confirmations.release(g, () -> sentAt.add(clock.nowMillis()));
    clock.advance(InstallConfirmations.TIMEOUT_MILLIS - 1);
    assertEquals(List.of(), sentAt);
    clock.advance(1);
    assertEquals(List.of(InstallConfirmations.TIMEOUT_MILLIS), sentAt);
    assertEquals(1, confirmations.unconfirmed());
    assertEquals(List.of("unconfirmed"), counted);
    clock.advance(40);
    confirmations.accepted(0xc1000004L); // late: nothing waits for it any more (logged: 40 ms after the answer)
    assertEquals(1, sentAt.size());
    assertEquals(0, confirmations.expected());
  }

  @Test
  void eachUnconfirmedAnswerLeavesExactlyAtItsOwnBoundWhateverCameBefore() {
    long bound = InstallConfirmations.TIMEOUT_MILLIS;
    InstallConfirmations.Gate first = confirmations.expect(null, 0xc1000011L);
    confirmations.release(first, () -> sentAt.add(clock.nowMillis()));
    clock.advance(400);
    InstallConfirmations.Gate second = confirmations.expect(null, 0xc1000012L);
    confirmations.release(second, () -> sentAt.add(clock.nowMillis()));
    clock.advance(100);
    InstallConfirmations.Gate third = confirmations.expect(null, 0xc1000013L);
    confirmations.release(third, () -> sentAt.add(clock.nowMillis()));
    confirmations.accepted(0xc1000011L); // the oldest is confirmed at 500: the others keep their own deadlines
    clock.advance(bound - 100 - 1); // 1399
    assertEquals(List.of(500L), sentAt);
    clock.advance(1);
    assertEquals(List.of(500L, 400 + bound), sentAt, "the second at 400 + the bound");
    clock.advance(99);
    assertEquals(2, sentAt.size(), "the third not before 500 + the bound");
    clock.advance(1);
    assertEquals(List.of(500L, 400 + bound, 500 + bound), sentAt, "the third at 500 + the bound");
    assertEquals(2, confirmations.unconfirmed());
    assertEquals(0, confirmations.queued());
    assertEquals(0, clock.pending(), "no timer left once nothing waits");
  }

  @Test
  void noInstallsNoWait() {
    confirmations.release(null, () -> sentAt.add(clock.nowMillis()));
    assertEquals(List.of(0L), sentAt);
  }

  @Test
  void aDroppedGateKeepsNothingAndAStrayConfirmationIsIgnored() {
    InstallConfirmations.Gate g = confirmations.expect(null, 0xc1000005L);
    confirmations.drop(g);
    confirmations.accepted(0xc1000005L);
    confirmations.accepted(0xdeadbeefL);
    assertEquals(0, confirmations.expected());
    assertEquals(0, clock.pending());
  }
}
