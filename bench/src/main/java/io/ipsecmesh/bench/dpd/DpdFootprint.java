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
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * Heap retained per DPD peer: the used heap after full GCs with N peers watched under periodic DPD, minus
 * the same without them, divided by N. Counts everything a peer costs here — the state machine (its own
 * wheel timer), the {@link IkePeer} record with its strings, and the two index map entries.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.ipsecmesh.bench.dpd.DpdFootprint 100000</pre>
 */
public final class DpdFootprint {

  private DpdFootprint() {}

  public static void main(String[] args) {
    int peers = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    VirtualScheduler clock = new VirtualScheduler();
    DeadPeerDetector dpd = new DeadPeerDetector(clock,
        DpdPolicy.global(DpdSettings.keepalive(10, DpdMode.PERIODIC)), new DpdActions() {
          @Override
          public void sendProbe(IkePeer peer, int attempt, long timeoutMillis) {}

          @Override
          public void peerDead(IkePeer peer, long silentForMillis) {}
        }, DpdMetrics.of(new PrometheusRegistry()));
    dpd.start();
    long before = usedAfterGc();
    for (int i = 0; i < peers; i++) {
      dpd.peerUp(DpdWheelBenchmark.peer(i));
    }
    long after = usedAfterGc();
    System.out.printf("%d peers: %.1f bytes of heap per peer (%d armed timers)%n", dpd.peers(),
        (after - before) / (double) peers, dpd.armedTimers());
  }

  private static long usedAfterGc() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
