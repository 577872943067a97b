package io.ipsecmesh.ike.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.ike.engine.RetransmitPolicy;
import io.ipsecmesh.proto.time.VirtualScheduler;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The one retransmission schedule of both IKE versions (RFC 7296 §2.1, RFC 2408 §5) in virtual time: resends at
 * the policy's exact instants with the bytes first sent, a give-up after the last one, and nothing once answered
 * or replaced.
 */
class RetransmitterTest {

  private final VirtualScheduler clock = new VirtualScheduler();
  private final Retransmitter retransmitter = new Retransmitter(clock, RetransmitPolicy.DEFAULT);
  /** "n@instant" per resend, "gave up after n@instant". */
  private final List<String> events = new ArrayList<>();

  private Retransmitter.Owner recording(byte[] expected) {
    return new Retransmitter.Owner() {
      @Override
      public void retransmit(int n, List<byte[]> request) {
        assertEquals(1, request.size());
        assertSame(expected, request.getFirst(), "the bytes first sent, not a copy re-encoded");
        events.add(n + "@" + clock.nowMillis());
      }

      @Override
      public void gaveUp(int retransmissions) {
        events.add("gave up after " + retransmissions + "@" + clock.nowMillis());
      }
    };
  }

  @Test
  void resendsAtTwoFourEightSixteenThirtyTwoSecondsThenGivesUpAfterTheDefaultPolicysTotal() {
    byte[] request = {1, 2, 3};
    retransmitter.start(request, recording(request));
    clock.advance(200_000);
    assertEquals(List.of("1@2000", "2@6000", "3@14000", "4@30000", "5@62000", "gave up after 5@126000"), events);
    assertEquals(RetransmitPolicy.DEFAULT.giveUpAfter(), 126_000);
    assertFalse(retransmitter.outstanding());
    assertEquals(0, clock.pending(), "no timer left behind");
  }

  @Test
  void anAnsweredRequestIsNotResentAgain() {
    byte[] request = {1};
    retransmitter.start(request, recording(request));
    clock.advance(2_000);
    assertTrue(retransmitter.outstanding());
    retransmitter.stop();
    clock.advance(200_000);
    assertEquals(List.of("1@2000"), events);
    assertFalse(retransmitter.outstanding());
  }

  @Test
  void aNewRequestRestartsTheScheduleAndSilencesTheOldOne() {
    byte[] first = {1};
    byte[] second = {2};
    retransmitter.start(first, recording(first));
    clock.advance(3_000);
    retransmitter.start(second, recording(second));
    clock.advance(3_000);
    assertEquals(List.of("1@2000", "1@5000"), events, "the second request's first resend 2 s after it");
  }

  @Test
  void anOwnerThatThrowsDoesNotEscapeOntoTheEventLoop() {
    retransmitter.start(new byte[] {1}, new Retransmitter.Owner() {
      @Override
      public void retransmit(int n, List<byte[]> request) {
        throw new IllegalStateException("send failed");
      }

      @Override
      public void gaveUp(int retransmissions) {}
    });
    clock.advance(2_000);
    assertEquals(0, clock.pending(), "the schedule ends with the failure");
  }
}
