package io.ipsecmesh.natk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.bus.NatKeepaliveMessages.Target;
import io.ipsecmesh.proto.cluster.InstanceMembership;
import io.ipsecmesh.proto.cluster.Ownership;
import io.ipsecmesh.proto.time.VirtualScheduler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two nat-keepalive instances a and b, one virtual clock, {@code crypto isakmp nat keepalive 20} (no jitter:
 * exact instants), 40 idle NAT-T paths installed at 0 s (both instances hear every install and every activity
 * summary). Each path gets its keepalives from exactly one instance; when b dies, a claims b's paths.
 */
class NatKeepaliveOwnershipTest {

  private static final int PATHS = 40;
  private static final long TICK = NatKeepaliveTracker.DEFAULT_TICK_MILLIS;

  private final VirtualScheduler clock = new VirtualScheduler();
  /** Per path: the instants (ms) of its keepalives and the instance that sent each. */
  private final Map<Target, List<String>> sent = new HashMap<>();
  private InstanceMembership ma;
  private InstanceMembership mb;
  private Ownership oa;
  private NatKeepaliveTracker a;
  private NatKeepaliveTracker b;
  private NatKeepaliveMetrics metricsA;
  private NatKeepaliveMetrics metricsB;
  private final List<Target> paths = new ArrayList<>();

  private NatKeepaliveTracker instance(String name, Ownership ownership, NatKeepaliveMetrics metrics) {
    NatKeepaliveTracker t = new NatKeepaliveTracker(clock, Optional.of(new NatKeepaliveSettings(20)), NoJitter.INSTANCE,
        batch -> batch.forEach(p -> sent.computeIfAbsent(p, x -> new ArrayList<>())
            .add(name + "@" + clock.nowMillis())), metrics, p -> ownership.ownedHere(NatMapping.ownershipKey(p)));
    t.start();
    return t;
  }

  @BeforeEach
  void twoInstances() {
    ma = new InstanceMembership("natk-a", 3_000);
    mb = new InstanceMembership("natk-b", 3_000);
    ma.join();
    mb.join();
    ma.heard("natk-b", false, 0);
    mb.heard("natk-a", false, 0);
    oa = new Ownership(ma);
    metricsA = NatKeepaliveMetrics.of(new PrometheusRegistry());
    metricsB = NatKeepaliveMetrics.of(new PrometheusRegistry());
    a = instance("a", oa, metricsA);
    b = instance("b", new Ownership(mb), metricsB);
    for (int i = 0; i < PATHS; i++) {
      Target p = new Target("10.1.1.1", 4500, "203.0.113.9", 1024 + i);
      paths.add(p);
      a.childSaInstalled(i, p); // sa.child.installed is published: both hear it
      b.childSaInstalled(i, p);
    }
  }

  private List<String> of(Target p) {
    return sent.getOrDefault(p, List.of());
  }

  private void heartbeatsUntil(long millis, boolean bAlive) {
    for (long t = clock.nowMillis() + 1_000 - clock.nowMillis() % 1_000; t <= millis; t += 1_000) {
      clock.advanceTo(t);
      if (bAlive) {
        ma.heard("natk-b", false, t);
      }
      if (ma.expire(t)) {
        oa.refresh();
        a.ownershipChanged();
      }
    }
    clock.advanceTo(millis);
  }

  @Test
  void everyPathGetsItsKeepalivesFromExactlyOneInstance() {
    heartbeatsUntil(65_000, true);
    assertEquals(PATHS, a.ownedMappings() + b.ownedMappings());
    assertTrue(a.ownedMappings() > 5 && b.ownedMappings() > 5, "split: " + a.ownedMappings());
    for (Target p : paths) {
      String owner = a.sendsFor(p) ? "a" : "b";
      assertTrue(a.sendsFor(p) ^ b.sendsFor(p), p + " has exactly one sender");
      assertEquals(List.of(owner + "@20000", owner + "@40000", owner + "@60000"), of(p), p.toString());
    }
    assertEquals(3L * PATHS, metricsA.keepalivesSent() + metricsB.keepalivesSent());
    assertEquals(a.ownedMappings(), metricsA.ownedMappings());
    assertEquals(b.ownedMappings(), metricsB.ownedMappings());
    assertEquals(PATHS, a.mappings(), "every instance knows every path");
  }

  @Test
  void deadInstance_survivorClaimsItsPathsAndSendsFromTheLastTrafficItHeard() {
    heartbeatsUntil(45_000, true);
    List<Target> ofB = paths.stream().filter(b::sendsFor).toList();
    Target busy = ofB.get(0);
    // b crashes just after 45 s (its last heartbeat at 45 s); traffic on one of b's paths at 46 s, heard by a
    b.stop();
    clock.advanceTo(46_000);
    a.activity(0 + paths.indexOf(busy), true, false);
    // a's heartbeat ticks: at 48 s b has been silent for 3 s, at 49 s for more: dropped, a claims
    heartbeatsUntil(100_000, false);
    assertEquals(PATHS, a.ownedMappings());
    long claimed = 49_000;
    for (Target p : ofB) {
      if (p.equals(busy)) {
        // traffic at 46 s: idle again only at 66 s, then every 20 s
        assertEquals(List.of("b@20000", "b@40000", "a@66000", "a@86000"), of(p));
      } else {
        // a never heard b's keepalives: the path is overdue, one at the tick after the claim, then every 20 s.
        // The binding went 49.1 - 40 = 9.1 s without one: never more than the interval plus the 4 s to notice
        long first = claimed + TICK;
        assertEquals(List.of("b@20000", "b@40000", "a@" + first, "a@" + (first + 20_000), "a@" + (first + 40_000)),
            of(p));
      }
    }
    for (Target p : paths) {
      if (!ofB.contains(p)) {
        assertEquals(List.of("a@20000", "a@40000", "a@60000", "a@80000", "a@100000"), of(p), "a's own path");
      }
    }
  }

  @Test
  void orderlyLeave_survivorClaimsAtOnce() {
    heartbeatsUntil(50_000, true);
    List<Target> ofB = paths.stream().filter(b::sendsFor).toList();
    b.stop();
    ma.heard("natk-b", true, 50_000); // b's leaving heartbeat
    oa.refresh();
    a.ownershipChanged();
    heartbeatsUntil(75_000, false);
    for (Target p : ofB) {
      assertEquals(List.of("b@20000", "b@40000", "a@" + (50_000 + TICK), "a@" + (70_000 + TICK)), of(p));
    }
  }

  @Test
  void pathLoadedAtStart_isDueAtOnceUnlessTrafficWasHeard() {
    NatKeepaliveTracker late = new NatKeepaliveTracker(clock, Optional.of(new NatKeepaliveSettings(20)),
        NoJitter.INSTANCE, batch -> batch.forEach(p -> sent.computeIfAbsent(p, x -> new ArrayList<>())
            .add("late@" + clock.nowMillis())), NatKeepaliveMetrics.of(new PrometheusRegistry()));
    late.start();
    clock.advanceTo(30_000);
    Target quiet = new Target("10.1.1.1", 4500, "198.51.100.1", 4500);
    Target busy = new Target("10.1.1.1", 4500, "198.51.100.2", 4500);
    late.childSaLoaded(1000, quiet);
    late.childSaLoaded(1001, busy);
    late.activity(1001, false, true);
    clock.advanceTo(50_000 + TICK);
    assertEquals(List.of("late@" + (30_000 + TICK), "late@" + (50_000 + TICK)), of(quiet));
    assertEquals(List.of("late@50000"), of(busy), "traffic at 30 s: idle only at 50 s");
  }
}
