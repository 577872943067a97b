package io.ipsecmesh.esp.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.PriorityQueue;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReplayWindowTest {
  private static final long REJECT = ReplayWindow.REJECT;

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

  @Test
  void reorderingInsideTheWindowIsAcceptedDuplicatesAndTooOldAreNot() {
    ReplayWindow w = new ReplayWindow(64, false);
    assertTrue(receive(w, 100));
    assertTrue(receive(w, 98));
    assertTrue(receive(w, 37)); // 100 - 63: the window's last slot
    assertEquals(REJECT, w.checkAndInferSeq(36)); // 100 - 64: behind the window
    assertEquals(REJECT, w.checkAndInferSeq(98));
    assertEquals(REJECT, w.checkAndInferSeq(100));
    assertTrue(receive(w, 99));
    assertTrue(receive(w, 101));
    assertEquals(REJECT, w.checkAndInferSeq(37));
    assertEquals(REJECT, w.checkAndInferSeq(0), "sequence number 0 is never sent");
    assertEquals(101, w.top());
  }

  @Test
  void checkAloneDoesNotMoveTheWindow() {
    ReplayWindow w = new ReplayWindow(64, false);
    assertEquals(5, w.checkAndInferSeq(5));
    assertEquals(5, w.checkAndInferSeq(5), "a forged packet that failed its ICV must not burn the number");
    assertEquals(1_000_000, w.checkAndInferSeq(1_000_000));
    assertEquals(0, w.top());
  }

  @Test
  void aBigJumpForgetsTheWholeOldWindow() {
    ReplayWindow w = new ReplayWindow(1024, false);
    for (int s = 1; s <= 2000; s++) {
      assertTrue(receive(w, s));
    }
    assertTrue(receive(w, 2000 + 5000));
    for (long s = 7000 - 1023; s < 7000; s++) {
      assertTrue(receive(w, s), "fresh slot " + s);
    }
    assertEquals(REJECT, w.checkAndInferSeq(7000 - 1024));
  }

  @Test
  void aLateUpdateBehindTheWindowIsIgnored() {
    ReplayWindow w = new ReplayWindow(64, false);
    long a = w.checkAndInferSeq(10);
    receive(w, 500);
    w.update(a); // packet 10 finished decrypting after 500 moved the window
    assertEquals(REJECT, w.checkAndInferSeq(10));
    assertEquals(450, w.checkAndInferSeq(450));
  }

  @Test
  void thousandPacketsReorderedByAPriorityQueue() {
    record Pkt(long key, long seq) {}
    Random rnd = new Random(42);
    PriorityQueue<Pkt> queue = new PriorityQueue<>((x, y) -> Long.compare(x.key, y.key));
    // A packet's random key is its send index plus a delay of up to 600 slots: reordered by
    // at most 600 positions, so a 1024 window takes all and a 64 window must drop some.
    for (long seq = 1; seq <= 1000; seq++) {
      queue.add(new Pkt(seq + rnd.nextInt(600), seq));
    }
    ReplayWindow wide = new ReplayWindow(1024, false);
    ReplayWindow narrow = new ReplayWindow(64, false);
    int wideOk = 0;
    int narrowOk = 0;
    while (!queue.isEmpty()) {
      long seq = queue.poll().seq;
      wideOk += receive(wide, seq) ? 1 : 0;
      narrowOk += receive(narrow, seq) ? 1 : 0;
      assertEquals(REJECT, wide.checkAndInferSeq((int) seq), "replayed copy");
    }
    assertEquals(1000, wideOk);
    assertTrue(narrowOk < 1000 && narrowOk > 0, "64 window accepted " + narrowOk);
  }

  @ParameterizedTest
  @ValueSource(ints = {64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536})
  void everySizeKeepsExactlyItsWidth(int size) {
    ReplayWindow w = new ReplayWindow(size, false);
    long top = 3L * size + 17;
    assertTrue(receive(w, top));
    // every slot inside the window is fresh once and only once, whatever the order
    for (long s = top - 1; s > top - size + 1; s -= 3) {
      assertTrue(receive(w, s));
      assertEquals(REJECT, w.checkAndInferSeq((int) s));
    }
    assertEquals(top - size + 1, w.checkAndInferSeq((int) (top - size + 1)));
    assertEquals(REJECT, w.checkAndInferSeq((int) (top - size)));
    // slide by half a window: the upper half of the old bits must survive, the new slots be free
    assertTrue(receive(w, top + size / 2));
    assertEquals(REJECT, w.checkAndInferSeq((int) (top - 1)));
    assertEquals(top + 1, w.checkAndInferSeq((int) (top + 1)));
  }

  @Test
  void illegalSizesAreRefused() {
    for (int bad : new int[] {-1, 1, 32, 63, 100, 131072}) {
      assertThrows(IllegalArgumentException.class, () -> new ReplayWindow(bad, false));
    }
  }

  @Test
  void disabledWindowAcceptsEverything() {
    ReplayWindow w = new ReplayWindow(0, false);
    assertTrue(!w.enabled());
    for (int i = 0; i < 3; i++) {
      assertEquals(7, w.checkAndInferSeq(7));
      w.update(7);
    }
    assertEquals(1, w.checkAndInferSeq(1));
    assertEquals(0xFFFF_FFFFL, w.checkAndInferSeq(-1));
  }

  @Test
  void esnWrapsTheLow32BitsIntoTheNextSubspace() {
    ReplayWindow w = new ReplayWindow(128, true);
    long s = 0xFFFF_FF00L;
    assertTrue(receive(w, s));
    for (long n = s + 1; n <= 0x1_0000_0010L; n++) {
      assertTrue(receive(w, n), Long.toHexString(n));
    }
    assertEquals(0x1_0000_0010L, w.top());
    // window spans both subspaces now (Case B): old low numbers map to high-1
    assertEquals(REJECT, w.checkAndInferSeq(0xFFFF_FFF0)); // 0x0_FFFF_FFF0, already seen
    assertEquals(0x1_0000_0011L, w.checkAndInferSeq(0x11));
    // Case B maps every low number outside [bottom, 2^32) to the current subspace
    assertEquals(0x1_0000_1000L, w.checkAndInferSeq(0x1000));
    // Case A: once the window lies within subspace 1, a low number below it is from subspace 2
    assertTrue(receive(w, 0x1_8000_0000L));
    assertEquals(0x2_0000_0005L, w.checkAndInferSeq(5));
    assertEquals(0x1_8000_0000L - 5, w.checkAndInferSeq((int) (0x8000_0000L - 5)));
  }

  @Test
  void esnBeforeAnyPacketNeverInfersANegativeSubspace() {
    ReplayWindow w = new ReplayWindow(64, true);
    assertEquals(REJECT, w.checkAndInferSeq(0xFFFF_FFF0)); // would be subspace -1
    assertEquals(1, w.checkAndInferSeq(1));
  }

  @Test
  void esnWithDisabledWindowStillInfersTheHighHalf() {
    ReplayWindow w = new ReplayWindow(0, true);
    w.update(0x5_FFFF_FFF0L);
    assertEquals(0x6_0000_0002L, w.checkAndInferSeq(2));
    assertEquals(0x5_FFFF_FFF0L, w.checkAndInferSeq(0xFFFF_FFF0), "a duplicate is accepted: no anti-replay");
    assertEquals(0x5_8000_0000L, w.checkAndInferSeq(0x8000_0000));
  }
}
