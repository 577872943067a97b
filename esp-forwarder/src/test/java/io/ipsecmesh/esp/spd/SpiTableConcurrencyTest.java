package io.ipsecmesh.esp.spd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The control thread installs and deletes SAs in place while packet threads look SPIs up: a reader
 * must never miss an SA that was live before its lookup began, nor get another SPI's SA, across
 * tombstones, revived tombstones, value replacement (rekey) and rehashes (growth and shrinkage).
 */
class SpiTableConcurrencyTest {

  /** An SA stand-in that knows its SPI, so a reader can tell a wrong answer. */
  record Sa(int spi, int generation) {}

  private static final int STABLE = 3000;
  private static final int CHURN_PER_ROUND = 300;
  /** How long the writer keeps changing the table once the stable SPIs are in. */
  private static final Duration BOUND = Duration.ofSeconds(2);

  @Test
  @Timeout(60)
  void readersNeverMissALiveSpiNorSeeAnotherSpisSa() throws Exception {
    SpiTable<Sa> table = SpiTable.empty();
    Random rnd = new Random(4303);
    int[] stable = distinctSpis(rnd, STABLE, 0);
    // disjoint from stable (odd vs even); each round takes fresh ones, so deletes leave tombstones of
    // keys not seen again soon and the table rehashes every few rounds
    int[] churn = distinctSpis(rnd, 50_000, 1);
    // stable[0..published) are installed and never removed; the reader checks exactly those
    AtomicInteger published = new AtomicInteger();
    AtomicBoolean done = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicLong lookups = new AtomicLong();
    long deadline = System.nanoTime() + BOUND.toNanos();

    AtomicBoolean readerRunning = new AtomicBoolean();
    Thread writer = new Thread(() -> {
      try {
        while (!readerRunning.get()) {
          Thread.onSpinWait(); // the growth rehashes must happen under a running reader
        }
        Random w = new Random(7);
        int next = 0;
        for (int round = 0; next < STABLE || System.nanoTime() < deadline; round++) {
          // grow: a slice of stable SPIs, interleaved with churn installs and deletes (tombstones)
          for (int i = 0; i < STABLE / 40 && next < STABLE; i++) {
            table.put(stable[next], new Sa(stable[next], round));
            next++;
            published.set(next);
          }
          int first = round * CHURN_PER_ROUND;
          for (int i = 0; i < CHURN_PER_ROUND; i++) {
            int c = churn[(first + i) % churn.length];
            table.put(c, new Sa(c, round));
            if (w.nextInt(3) == 0) {
              table.remove(churn[(first + w.nextInt(i + 1)) % churn.length]);
            }
          }
          // rekey: replace values of live stable SPIs in place
          for (int i = 0; i < 200; i++) {
            int s = stable[w.nextInt(next)];
            table.put(s, new Sa(s, round + 1));
          }
          // the round's churn SPIs deleted: tombstones, then a rehash on later puts
          for (int i = 0; i < CHURN_PER_ROUND; i++) {
            table.remove(churn[(first + i) % churn.length]);
          }
        }
      } catch (Throwable t) {
        failure.compareAndSet(null, t);
      } finally {
        done.set(true);
      }
    }, "sad-writer");

    Thread reader = new Thread(() -> {
      try {
        Random r = new Random(11);
        long n = 0;
        readerRunning.set(true);
        do {
          int visible = published.get();
          for (int i = 0; i < visible; i++) {
            int spi = stable[i];
            Sa sa = table.get(spi);
            if (sa == null || sa.spi() != spi) {
              throw new AssertionError("live SPI " + Integer.toHexString(spi) + " looked up as " + sa
                  + " (" + visible + " live)");
            }
            int c = churn[r.nextInt(churn.length)];
            Sa other = table.get(c);
            if (other != null && other.spi() != c) {
              throw new AssertionError("SPI " + Integer.toHexString(c) + " looked up as " + other);
            }
            n++;
          }
        } while (!done.get() && failure.get() == null);
        lookups.set(n);
      } catch (Throwable t) {
        failure.compareAndSet(null, t);
      } finally {
        readerRunning.set(true); // a reader that failed early must not leave the writer spinning
      }
    }, "packet-reader");

    writer.start();
    reader.start();
    writer.join();
    reader.join();
    if (failure.get() != null) {
      throw new AssertionError(failure.get());
    }
    assertTrue(lookups.get() > 0, "the reader ran concurrently");
    int installed = published.get();
    assertEquals(STABLE, installed, "the writer grew the table through several rehashes");
    assertEquals(installed, table.size(), "only the stable SPIs remain");
    for (int i = 0; i < installed; i++) {
      assertEquals(stable[i], table.get(stable[i]).spi());
    }
    for (int c : churn) {
      assertNull(table.get(c));
    }
  }

  @Test
  void inPlaceChangesBehaveLikeAMap() {
    Random rnd = new Random(3948);
    Map<Integer, Sa> model = new HashMap<>();
    SpiTable<Sa> t = SpiTable.empty();
    for (int i = 0; i < 20_000; i++) {
      int spi = rnd.nextInt(2000) + 256; // re-insertions into tombstones, growth and shrinkage on purpose
      if (rnd.nextInt(3) == 0) {
        model.remove(spi);
        t.remove(spi);
      } else {
        Sa sa = new Sa(spi, i);
        model.put(spi, sa);
        t.put(spi, sa);
      }
      assertEquals(model.size(), t.size());
    }
    for (int spi = 0; spi < 2500; spi++) {
      assertEquals(model.get(spi), t.get(spi), "spi " + spi);
    }
    Map<Integer, Sa> seen = new HashMap<>();
    t.forEach(seen::put);
    assertEquals(model, seen);
  }

  /** {@code count} distinct non-zero SPIs, all with low bit {@code parity}, some above 2^31. */
  private static int[] distinctSpis(Random rnd, int count, int parity) {
    Set<Integer> seen = new HashSet<>();
    int[] out = new int[count];
    int n = 0;
    while (n < count) {
      int spi = (rnd.nextInt() & ~1) | parity;
      if (spi != 0 && seen.add(spi)) {
        out[n++] = spi;
      }
    }
    return out;
  }
}
