package io.ipsecmesh.bench.dpd;

import io.ipsecmesh.dpd.DeadPeerDetector;
import io.ipsecmesh.dpd.DpdActions;
import io.ipsecmesh.dpd.DpdMetrics;
import io.ipsecmesh.dpd.DpdMode;
import io.ipsecmesh.dpd.DpdPolicy;
import io.ipsecmesh.dpd.DpdSettings;
import io.ipsecmesh.dpd.IkePeer;
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
 * CPU of applying one {@code fwd.activity} summary in which every one of N peers received traffic: the
 * once-a-second cost of "any inbound ESP proves liveness". One operation is the whole summary; divide by
 * N for the cost per SA line. Busy peers need no timer work: the line only stamps the peer.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class DpdActivityBenchmark {

  @Param({"100000"})
  public int peers;

  private VirtualScheduler clock;
  private DeadPeerDetector dpd;
  private String[] addresses;

  @Setup(Level.Trial)
  public void setUp() {
    clock = new VirtualScheduler();
    dpd = new DeadPeerDetector(clock, DpdPolicy.global(DpdSettings.keepalive(10, DpdMode.PERIODIC)),
        new DpdActions() {
          @Override
          public void sendProbe(IkePeer peer, int attempt, long timeoutMillis) {}

          @Override
          public void peerDead(IkePeer peer, long silentForMillis) {}
        }, DpdMetrics.of(new PrometheusRegistry()));
    dpd.start();
    addresses = new String[peers];
    for (int i = 0; i < peers; i++) {
      IkePeer p = DpdWheelBenchmark.peer(i);
      addresses[i] = p.peerAddress();
      dpd.peerUp(p);
    }
  }

  @Benchmark
  public int activitySummary() {
    clock.advance(1);
    for (String a : addresses) {
      dpd.activity(a, 4500, false, true);
    }
    return dpd.peers();
  }
}
