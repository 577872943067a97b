package io.ipsecmesh.natk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.bus.NatKeepaliveMessages.Target;
import io.ipsecmesh.proto.time.VirtualScheduler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * One instance, 100 000 NAT-T SAs under {@code crypto isakmp nat keepalive 20}: the odd ones carry traffic
 * every 5 s and never need a keepalive, the even ones are idle and get one every 20 s ±5 % (plus at most
 * one tick), in at most one {@code natk.send} per tick.
 */
class NatKeepaliveScaleTest {

  private static final int SAS = 100_000;

  @Test
  void hundredThousandNatTraversalSas() {
    VirtualScheduler clock = new VirtualScheduler();
    long tick = NatKeepaliveTracker.DEFAULT_TICK_MILLIS;
    long[] last = new long[SAS];
    int[] count = new int[SAS];
    long[] worst = {Long.MAX_VALUE, Long.MIN_VALUE};
    int[] batches = {0};
    NatKeepaliveMetrics metrics = NatKeepaliveMetrics.of(new PrometheusRegistry());
    NatKeepaliveTracker natk = new NatKeepaliveTracker(clock, Optional.of(new NatKeepaliveSettings(20)),
        new SplittableRandom(3948), batch -> {
          batches[0]++;
          for (Target t : batch) {
            int i = t.peerPort() - 1024; // one mapped port per SA in this test
            long since = clock.nowMillis() - last[i];
            worst[0] = Math.min(worst[0], since);
            worst[1] = Math.max(worst[1], since);
            last[i] = clock.nowMillis();
            count[i]++;
          }
        }, metrics);
    natk.start();
    for (int i = 0; i < SAS; i++) {
      natk.childSaInstalled(i, new Target("10.1.1.1", 4500, "203.0.113.9", 1024 + i));
    }
    long started = System.nanoTime();
    for (int s = 5; s <= 300; s += 5) {
      clock.advanceTo(s * 1000L);
      for (int i = 1; i < SAS; i += 2) {
        natk.activity(i, true, false);
      }
    }
    long elapsedMillis = (System.nanoTime() - started) / 1_000_000;

    for (int i = 0; i < SAS; i++) {
      if (i % 2 == 1) {
        assertEquals(0, count[i], "SA " + i + " carried traffic");
      } else {
        assertTrue(count[i] >= 14 && count[i] <= 15, "SA " + i + ": " + count[i] + " keepalives in 300 s");
      }
    }
    assertTrue(worst[0] >= 19_000, "earliest keepalive " + worst[0] + " ms after the previous");
    assertTrue(worst[1] <= 21_000 + tick, "latest keepalive " + worst[1] + " ms after the previous");
    assertTrue(batches[0] <= 300_000 / tick, "at most one natk.send per tick: " + batches[0]);
    assertEquals(SAS, natk.armedTimers());
    System.out.printf("NAT keepalive scale: %d SAs, %d keepalives in %d batches over 300 virtual s, %d ms CPU%n",
        SAS, metrics.keepalivesSent(), batches[0], elapsedMillis);
  }
}
