package io.ipsecmesh.bench.dpd;

import io.ipsecmesh.dpd.DeadPeerDetector;
import io.ipsecmesh.dpd.DpdActions;
import io.ipsecmesh.dpd.DpdMetrics;
import io.ipsecmesh.dpd.DpdMode;
import io.ipsecmesh.dpd.DpdPolicy;
import io.ipsecmesh.dpd.DpdSettings;
import io.ipsecmesh.dpd.IkePeer;
import io.ipsecmesh.proto.time.Scheduler;
import io.ipsecmesh.proto.time.TimingWheel;
import io.ipsecmesh.proto.time.VirtualScheduler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * CPU of periodic DPD at scale: {@code crypto isakmp keepalive 10 periodic} for N peers that answer at once,
 * spread evenly over the 10 s interval, as one dpd-service instance runs them. One benchmark operation is
 * one 100 ms wheel tick (N/100 probes, acknowledgements and re-arms, plus the bucket walk); divide by N for
 * the CPU per peer per tick. For the ratio of the timer mechanism alone: {@code bareWheelTick} re-arms N
 * plain wheel timeouts, {@code perPeerTimersTick} N scheduler timers (a priority queue, like Vert.x/Netty
 * scheduled tasks), neither with DPD logic or metrics.
 *
 * <pre>java -jar bench/target/benchmarks.jar 'bench.dpd' -f 1 -wi 3 -i 5 -w 1s -r 1s -prof gc</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DpdWheelBenchmark {

  static final long INTERVAL_MILLIS = 10_000;
  static final long TICK_MILLIS = DeadPeerDetector.DEFAULT_TICK_MILLIS;

  /** Peers brought up evenly over one interval, then run for two intervals to reach the steady state. */
  @State(Scope.Thread)
  public static class Wheel {
    @Param({"10000", "100000"})
    public int peers;

    VirtualScheduler clock;
    DeadPeerDetector dpd;
    long probes;

    @Setup(Level.Trial)
    public void setUp() {
      clock = new VirtualScheduler();
      DeadPeerDetector[] self = new DeadPeerDetector[1];
      DpdActions answering = new DpdActions() {
        @Override
        public void sendProbe(IkePeer peer, int attempt, long timeoutMillis) {
          probes++;
          self[0].probeAcknowledged(peer.ikeSaId());
        }

        @Override
        public void peerDead(IkePeer peer, long silentForMillis) {
          throw new IllegalStateException("answering peer declared dead");
        }
      };
      dpd = new DeadPeerDetector(clock, DpdPolicy.global(DpdSettings.keepalive(10, DpdMode.PERIODIC)), answering,
          DpdMetrics.of(new PrometheusRegistry()));
      self[0] = dpd;
      dpd.start();
      for (int i = 0; i < peers; i++) {
        clock.advanceTo(i * INTERVAL_MILLIS / peers);
        dpd.peerUp(peer(i));
      }
      clock.advance(2 * INTERVAL_MILLIS);
    }
  }

  /** The same load on one scheduler timer per peer. */
  @State(Scope.Thread)
  public static class PerPeerTimers {
    @Param({"10000", "100000"})
    public int peers;

    VirtualScheduler clock;
    long probes;

    @Setup(Level.Trial)
    public void setUp() {
      clock = new VirtualScheduler();
      for (int i = 0; i < peers; i++) {
        clock.advanceTo(i * INTERVAL_MILLIS / peers);
        new PeerTimer(clock, this).arm();
      }
      clock.advance(2 * INTERVAL_MILLIS);
    }
  }

  /** The wheel alone: N timeouts that re-arm themselves every 10 s, no DPD logic, no metrics. */
  @State(Scope.Thread)
  public static class BareWheel {
    @Param({"10000", "100000"})
    public int peers;

    VirtualScheduler clock;
    TimingWheel wheel;
    long expiries;

    @Setup(Level.Trial)
    public void setUp() {
      clock = new VirtualScheduler();
      wheel = new TimingWheel(clock, TICK_MILLIS, DeadPeerDetector.DEFAULT_WHEEL_SIZE, null);
      wheel.start();
      for (int i = 0; i < peers; i++) {
        clock.advanceTo(i * INTERVAL_MILLIS / peers);
        TimingWheel.Timeout t = new TimingWheel.Timeout() {
          @Override
          protected void expire(long nowMillis) {
            expiries++;
            wheel.schedule(this, nowMillis + INTERVAL_MILLIS);
          }
        };
        wheel.schedule(t, clock.nowMillis() + INTERVAL_MILLIS);
      }
      clock.advance(2 * INTERVAL_MILLIS);
    }
  }

  /** Baseline per-peer timer: probe, immediate answer, re-arm 10 s later. */
  static final class PeerTimer implements Runnable {
    private final Scheduler clock;
    private final PerPeerTimers owner;

    PeerTimer(Scheduler clock, PerPeerTimers owner) {
      this.clock = clock;
      this.owner = owner;
    }

    void arm() {
      clock.schedule(INTERVAL_MILLIS, this);
    }

    @Override
    public void run() {
      owner.probes++;
      arm();
    }
  }

  static IkePeer peer(int i) {
    String address = "10." + (i >> 16) + "." + ((i >> 8) & 0xff) + "." + (i & 0xff);
    return new IkePeer("ike-" + i, address, 500, address, 1, "hub", 10);
  }

  @Benchmark
  public long wheelTick(Wheel s) {
    s.clock.advance(TICK_MILLIS);
    return s.probes;
  }

  @Benchmark
  public long bareWheelTick(BareWheel s) {
    s.clock.advance(TICK_MILLIS);
    return s.expiries;
  }

  @Benchmark
  public long perPeerTimersTick(PerPeerTimers s) {
    s.clock.advance(TICK_MILLIS);
    return s.probes;
  }
}
