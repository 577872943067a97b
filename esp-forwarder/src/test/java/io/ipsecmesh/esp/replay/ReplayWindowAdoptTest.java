package io.ipsecmesh.esp.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * A forwarder that takes an SA over (scale-out) starts its window at the old owner's checkpoint: every number at
 * or below it counts as received (RFC 4303 §3.4.3, RFC 6479), numbers above it are accepted, reordered ones
 * above it too; with ESN the checkpoint anchors the high half (RFC 4303 Appendix A).
 */
class ReplayWindowAdoptTest {
  private static final long REJECT = ReplayWindow.REJECT;
  private static final long TWO_32 = 1L << 32;

  /** Receives one packet the way the forwarder does: check, (ICV ok), update. */
  private static boolean receive(ReplayWindow w, long seq64) {
    long inferred = w.checkAndInferSeq((int) seq64);
    if (inferred == REJECT) {
      return false;
    }
    assertEquals(seq64, inferred, "inferred sequence number");
    w.update(inferred);
    return true;
  }

  @ParameterizedTest
  @ValueSource(ints = {64, 128, 1024, 65536})
  void everyNumberAtOrBelowTheCheckpointIsRefusedAndEveryOneAboveAccepted(int size) {
    ReplayWindow w = new ReplayWindow(size, false);
    w.adopt(1000);
    assertEquals(1000, w.top());
    assertEquals(1000, w.checkpointTop());
    for (long seq = 1; seq <= 1000; seq++) {
      assertEquals(REJECT, w.checkAndInferSeq((int) seq), "replay of " + seq);
    }
    // reordered above the checkpoint, inside the checkpoint's own 64-bit word and beyond it
    assertTrue(receive(w, 1003));
    assertTrue(receive(w, 1001));
    assertTrue(receive(w, 1002));
    assertTrue(receive(w, 1100));
    assertTrue(receive(w, 1050));
    assertFalse(receive(w, 1050), "a duplicate above the checkpoint is still one");
    assertFalse(receive(w, 1000));
    assertEquals(1100, w.top());
  }

  @Test
  void aCheckpointOnAWordBoundaryLeavesTheNextWordOpen() {
    for (long edge : new long[] {63, 64, 127, 128}) {
      ReplayWindow w = new ReplayWindow(64, false);
      w.adopt(edge);
      assertEquals(REJECT, w.checkAndInferSeq((int) edge));
      assertEquals(REJECT, w.checkAndInferSeq((int) edge - 1));
      assertTrue(receive(w, edge + 2));
      assertTrue(receive(w, edge + 1), "reordered just above the checkpoint " + edge);
    }
  }

  @Test
  void aHigherEdgeOfItsOwnStaysAndEverythingBelowItCountsAsSeen() {
    ReplayWindow w = new ReplayWindow(64, false);
    assertTrue(receive(w, 500));
    // an instance that owned the SA before: its edge is above the checkpoint, but it never saw 499 (another owner
    // may have accepted it meanwhile): refused now
    w.adopt(300);
    assertEquals(500, w.top());
    assertEquals(REJECT, w.checkAndInferSeq(499));
    assertEquals(REJECT, w.checkAndInferSeq(450));
    assertTrue(receive(w, 501));
  }

  @Test
  void aCheckpointOfZeroLeavesAnEmptyWindowEmpty() {
    ReplayWindow w = new ReplayWindow(64, false);
    w.adopt(0);
    assertEquals(0, w.top());
    assertTrue(receive(w, 1));
  }

  @Test
  void withoutEsnACheckpointNearTheEndOfThe32BitSpaceLeavesOnlyTheNumbersAboveIt() {
    ReplayWindow w = new ReplayWindow(64, false);
    w.adopt(TWO_32 - 4); // 4294967292
    assertEquals(REJECT, w.checkAndInferSeq((int) (TWO_32 - 4)));
    assertEquals(REJECT, w.checkAndInferSeq((int) (TWO_32 - 70)), "behind the window");
    assertEquals(REJECT, w.checkAndInferSeq(5), "no wrap without ESN");
    assertTrue(receive(w, TWO_32 - 1));
    assertTrue(receive(w, TWO_32 - 3));
    assertTrue(receive(w, TWO_32 - 2));
  }

  @Test
  void withEsnACheckpointBelow2To32InfersTheNextSubspaceForSmallNumbers() {
    ReplayWindow w = new ReplayWindow(128, true);
    w.adopt(TWO_32 - 10);
    assertEquals(REJECT, w.checkAndInferSeq((int) (TWO_32 - 10)));
    assertEquals(REJECT, w.checkAndInferSeq((int) (TWO_32 - 100)), "a replay inside the window");
    // the low half 3 lies below the window: it has wrapped, 2^32 + 3 (a recorded packet 3 of the first subspace
    // would claim this number and fail its ICV, which covers the high half)
    assertEquals(TWO_32 + 3, w.checkAndInferSeq(3));
    assertTrue(receive(w, TWO_32 - 5));
    assertTrue(receive(w, TWO_32 + 3));
    assertEquals(TWO_32 + 3, w.top());
  }

  @Test
  void withEsnACheckpointAbove2To32AnchorsTheHighHalf() {
    ReplayWindow w = new ReplayWindow(64, true);
    long edge = 3 * TWO_32 + 20;
    w.adopt(edge);
    assertEquals(REJECT, w.checkAndInferSeq(20));
    assertEquals(REJECT, w.checkAndInferSeq(1), "3 * 2^32 + 1: at or below the checkpoint");
    assertEquals(REJECT, w.checkAndInferSeq((int) (TWO_32 - 5)), "2 * 2^32 + 2^32 - 5: inside the window, seen");
    assertEquals(edge + 1, w.checkAndInferSeq(21));
    assertTrue(receive(w, edge + 1));
    // an empty ESN window would have guessed the high half as 0 or 1 and every packet would fail its ICV
    ReplayWindow empty = new ReplayWindow(64, true);
    assertEquals(21, empty.checkAndInferSeq(21));
  }

  @Test
  void aDisabledWindowTakesTheCheckpointOnlyAsTheEsnAnchor() {
    ReplayWindow w = new ReplayWindow(0, true);
    w.adopt(5 * TWO_32 + 7);
    assertEquals(5 * TWO_32 + 7, w.checkAndInferSeq(7), "replay disable: a duplicate is accepted by configuration");
    assertEquals(5 * TWO_32 + 8, w.checkAndInferSeq(8));
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aClosedWindowRefusesEveryNumber(boolean esn) {
    ReplayWindow w = new ReplayWindow(64, esn);
    assertTrue(receive(w, 10));
    w.close();
    assertTrue(w.closed());
    for (long low : new long[] {1, 11, 12, 1000, 0x7FFF_FFFFL, 0x8000_0000L, TWO_32 - 64, TWO_32 - 1}) {
      assertEquals(REJECT, w.checkAndInferSeq((int) low), "low half " + low);
    }
    ReplayWindow open = new ReplayWindow(64, esn);
    open.adopt(10);
    assertFalse(open.closed());
  }
}
