package io.ipsecmesh.bench.esp;

import io.ipsecmesh.esp.replay.ReplayWindow;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Anti-replay cost per packet (check before decryption + update after the ICV) for window sizes
 * 64 … 65536: in order, reordered within 64 positions, and a rejected duplicate. RFC 6479's ring
 * should make all of them flat in the window size.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ReplayWindowBenchmark {
  @Param({"64", "1024", "4096", "65536"})
  public int window;

  @Param({"false", "true"})
  public boolean esn;

  private ReplayWindow w;
  private long next;
  /** A permutation of 0..1023 that moves each number by less than 64 positions. */
  private final int[] shuffle = new int[1024];
  private int i;
  private long base;

  @Setup(Level.Trial)
  public void setUp() {
    w = new ReplayWindow(window, esn);
    next = esn ? 0xFFFF_0000L : 1; // ESN runs cross the 2^32 boundary
    for (int k = 0; k < shuffle.length; k++) {
      shuffle[k] = k;
    }
    Random rnd = new Random(6479);
    for (int blk = 0; blk < shuffle.length; blk += 64) {
      for (int k = blk + 63; k > blk; k--) {
        int j = blk + rnd.nextInt(k - blk + 1);
        int t = shuffle[k];
        shuffle[k] = shuffle[j];
        shuffle[j] = t;
      }
    }
    for (int k = 0; k < 100; k++) {
      w.update(next++);
    }
    base = next;
  }

  @Benchmark
  public long inOrder() {
    long s = w.checkAndInferSeq((int) next++);
    w.update(s);
    return s;
  }

  @Benchmark
  public long reordered() {
    long s = w.checkAndInferSeq((int) (base + shuffle[i]));
    if (++i == shuffle.length) {
      i = 0;
      base += shuffle.length;
    }
    w.update(s);
    return s;
  }

  @Benchmark
  public long duplicate() {
    return w.checkAndInferSeq((int) (w.top() - 1));
  }
}
