package io.ipsecmesh.dpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.time.VirtualScheduler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * One instance, 100 000 IKE peers under {@code crypto isakmp keepalive 10 periodic}, one timing wheel. The
 * peers come up at arbitrary milliseconds over the first 10 s and answer every probe at once; over two
 * virtual minutes each must be probed 10 s after coming up and then every 10 s, give or take one tick.
 */
class DpdScaleTest {

  private static final int PEERS = 100_000;
  private static final long INTERVAL = 10_000;

  @Test
  void hundredThousandPeriodicPeers_eachProbedEvery10SecondsPlusOrMinusOneTick() {
    VirtualScheduler clock = new VirtualScheduler();
    long tick = DeadPeerDetector.DEFAULT_TICK_MILLIS;
    long[] upAt = new long[PEERS];
    long[] lastProbe = new long[PEERS];
    int[] probes = new int[PEERS];
    long[] worst = {Long.MAX_VALUE, Long.MIN_VALUE};
    // the largest number of probes sent at one instant (one tick's expiries leave together)
    long[] burst = {-1, 0, 0}; // instant, probes at it, largest so far
    DeadPeerDetector[] dpd = new DeadPeerDetector[1];
    DpdActions answering = new DpdActions() {
      @Override
      public void sendProbe(IkePeer peer, int attempt, long timeoutMillis) {
        int i = Integer.parseInt(peer.peerId());
        long now = clock.nowMillis();
        long since = now - (probes[i] == 0 ? upAt[i] : lastProbe[i]);
        worst[0] = Math.min(worst[0], since);
        worst[1] = Math.max(worst[1], since);
        lastProbe[i] = now;
        probes[i]++;
        if (now != burst[0]) {
          burst[0] = now;
          burst[1] = 0;
        }
        burst[2] = Math.max(burst[2], ++burst[1]);
        dpd[0].probeAcknowledged(peer.ikeSaId()); // R-U-THERE-ACK
      }

      @Override
      public void peerDead(IkePeer peer, long silentForMillis) {
        throw new AssertionError("an answering peer was declared dead: " + peer);
      }
    };
    DpdMetrics metrics = DpdMetrics.of(new PrometheusRegistry());
    dpd[0] = new DeadPeerDetector(clock, DpdPolicy.global(DpdSettings.keepalive(10, DpdMode.PERIODIC)), answering,
        metrics);
    dpd[0].start();

    SplittableRandom random = new SplittableRandom(3706);
    long[] order = new long[PEERS];
    for (int i = 0; i < PEERS; i++) {
      order[i] = (random.nextLong(INTERVAL) << 20) | i; // up instant in the high bits, peer index low
    }
    Arrays.sort(order);
    for (long o : order) {
      int i = (int) (o & 0xFFFFF);
      clock.advanceTo(o >>> 20);
      upAt[i] = clock.nowMillis();
      dpd[0].peerUp(new IkePeer("ike-" + i, "10." + (i >> 16) + "." + ((i >> 8) & 0xff) + "." + (i & 0xff), 500,
          Integer.toString(i), 1, "hub", 10));
    }
    long started = System.nanoTime();
    clock.advanceTo(120_000);
    long elapsedMillis = (System.nanoTime() - started) / 1_000_000;

    assertEquals(PEERS, dpd[0].peers());
    assertTrue(worst[0] >= INTERVAL - tick, "earliest probe " + worst[0] + " ms after the previous");
    assertTrue(worst[1] <= INTERVAL + tick, "latest probe " + worst[1] + " ms after the previous");
    for (int i = 0; i < PEERS; i++) {
      // Up in [0, 10 s), so 11 or 12 probes by 120 s: 10 s after up, then every 10 s.
      long expected = (120_000 - upAt[i]) / INTERVAL;
      assertTrue(probes[i] == expected || probes[i] == expected - 1 && lastProbe[i] + INTERVAL + tick > 120_000,
          "peer " + i + " up at " + upAt[i] + " probed " + probes[i] + " times");
    }
    assertEquals(metrics.probesSent(), metrics.acknowledgements());
    // 100 000 peers / 10 s = 100 probes per 10 ms tick on average; a peer that terminates many of these SAs
    // receives each tick's probes at once (the 100 ms tick made that 1 000, beyond a 208 KB socket buffer)
    assertEquals(10, tick);
    assertTrue(burst[2] <= 200, "largest burst " + burst[2] + " probes at one instant (100 ms ticks: about 1 000)");
    assertEquals(0, metrics.retransmissions());
    assertEquals(PEERS, dpd[0].armedTimers(), "one timer per peer, no more");
    System.out.printf("DPD scale: %d peers, %d probes in 120 virtual s, %d ms of CPU%n", PEERS,
        metrics.probesSent(), elapsedMillis);
  }
}
