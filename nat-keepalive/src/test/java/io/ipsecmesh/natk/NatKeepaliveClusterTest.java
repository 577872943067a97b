package io.ipsecmesh.natk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.bus.BusCodecs;
import io.ipsecmesh.proto.bus.ConfigMessages;
import io.ipsecmesh.proto.bus.ConfigMessages.ConfigChanged;
import io.ipsecmesh.proto.bus.NatKeepaliveMessages;
import io.ipsecmesh.proto.bus.NatKeepaliveMessages.SendKeepalives;
import io.ipsecmesh.proto.bus.NatKeepaliveMessages.Target;
import io.ipsecmesh.proto.bus.SaMessages;
import io.ipsecmesh.proto.bus.SaMessages.ChildSaInstalled;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.runtime.LaunchOptions;
import io.ipsecmesh.proto.runtime.ServiceLauncher;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.time.VirtualScheduler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Two nat-keepalive instances in one Hazelcast cluster on loopback (two clustered Vert.x, real event bus
 * between them; heavy: run under the heavy-test lock). Each instance runs on its own virtual clock, advanced
 * 100 ms every 20 ms on its own event loop, so {@code crypto isakmp nat keepalive 5} takes a second of real
 * time. Twenty NATed paths are installed; the instances find each other on {@code natk.members} and split
 * them, every path's keepalives come from one instance only; then b hangs (its clock stops: no heartbeat, no
 * keepalive) and a claims b's paths, which keep getting keepalives.
 */
class NatKeepaliveClusterTest {

  private static final int PATHS = 20;

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static ChildSa sa(int i) {
    return new ChildSa("ike-" + i, 3000 + i, "green", 1, 0x5000 + i, 0x6000 + i, EspTransform.AES_GCM_128,
        ChildSa.Mode.TUNNEL, true, false, 64, "10.1.1.1", 4500, "203.0.113.9", 20_000 + i, List.of(), List.of(),
        new ChildSa.Lifetime(3240, 3600, 4_147_200, 4_608_000), 0, "copy", new byte[0], new byte[0], 0);
  }

  /** crypto isakmp nat keepalive 5 */
  private static ConfigChanged natKeepalive5() {
    GatewayConfig e = GatewayConfig.empty();
    return new ConfigChanged(1, e.toBuilder().natKeepaliveSeconds(5).build());
  }

  private static <T> T onContext(NatKeepaliveVerticle v, Supplier<T> what) throws Exception {
    CompletableFuture<T> f = new CompletableFuture<>();
    v.context().runOnContext(x -> f.complete(what.get()));
    return f.get(10, TimeUnit.SECONDS);
  }

  private static void await(String what, Check check) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!check.ok()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out: " + what);
      }
      Thread.sleep(50);
    }
  }

  interface Check {
    boolean ok() throws Exception;
  }

  @Test
  void twoInstancesInOneClusterSplitThePaths_andTheSurvivorClaimsAHungInstancesPaths() throws Exception {
    int port = freePort();
    int port2 = freePort();
    LaunchOptions options = LaunchOptions.defaults().withClusterName("natk-cluster-" + ProcessHandle.current().pid())
        .withCluster(port, List.of("127.0.0.1:" + port, "127.0.0.1:" + port2));
    Vertx va = ServiceLauncher.startVertx(options).await(90, TimeUnit.SECONDS);
    Vertx vb = null;
    try {
      vb = ServiceLauncher.startVertx(options.withCluster(port2, List.of("127.0.0.1:" + port, "127.0.0.1:" + port2)))
          .await(90, TimeUnit.SECONDS);
      BusCodecs.register(va);
      BusCodecs.register(vb);
      VirtualScheduler clockA = new VirtualScheduler();
      VirtualScheduler clockB = new VirtualScheduler();
      PrometheusRegistry registryA = new PrometheusRegistry();
      PrometheusRegistry registryB = new PrometheusRegistry();
      NatKeepaliveVerticle a = new NatKeepaliveVerticle(clockA, new SplittableRandom(1), registryA);
      NatKeepaliveVerticle b = new NatKeepaliveVerticle(clockB, new SplittableRandom(2), registryB);
      // the forwarder's side of natk.send, on a: b's batches cross the cluster to it
      Map<Target, AtomicInteger> received = new ConcurrentHashMap<>();
      va.eventBus().<SendKeepalives>consumer(NatKeepaliveMessages.SEND,
          m -> m.body().targets().forEach(t -> received.computeIfAbsent(t, x -> new AtomicInteger()).incrementAndGet()))
          .completion().await(10, TimeUnit.SECONDS);
      va.deployVerticle(a).await(30, TimeUnit.SECONDS);
      vb.deployVerticle(b).await(30, TimeUnit.SECONDS);
      AtomicBoolean bRuns = new AtomicBoolean(true);
      long driveA = va.setPeriodic(20, t -> a.context().runOnContext(x -> clockA.advance(100)));
      Vertx vbFinal = vb;
      long driveB = vb.setPeriodic(20, t -> {
        if (bRuns.get()) {
          b.context().runOnContext(x -> clockB.advance(100));
        }
      });
      try {
        // a's view of the cluster's subscriptions is updated asynchronously: once a probe registered on b after
        // b's verticle answers a, a's publications reach b's consumers too
        vbFinal.eventBus().consumer("natk-cluster.probe", m -> m.reply("up")).completion().await(10, TimeUnit.SECONDS);
        await("b's subscriptions are visible at a", () -> {
          try {
            va.eventBus().request("natk-cluster.probe", "?").await(200, TimeUnit.MILLISECONDS);
            return true;
          } catch (Exception notYet) {
            return false; // NO_HANDLERS until the subscription is seen
          }
        });
        va.eventBus().publish(ConfigMessages.CONFIG_CHANGED, natKeepalive5());
        List<Target> paths = new ArrayList<>();
        for (int i = 0; i < PATHS; i++) {
          ChildSa sa = sa(i);
          paths.add(new Target(sa.localAddress(), sa.localPort(), sa.peerAddress(), sa.peerPort()));
          va.eventBus().publish(SaMessages.CHILD_INSTALLED, new ChildSaInstalled(sa));
        }
        await("the paths split between a and b", () -> {
          int ofA = onContext(a, () -> a.tracker().ownedMappings());
          int ofB = onContext(b, () -> b.tracker().ownedMappings());
          return ofA + ofB == PATHS && ofA > 0 && ofB > 0
              && onContext(a, () -> a.tracker().mappings()) == PATHS
              && onContext(b, () -> b.tracker().mappings()) == PATHS;
        });
        List<Target> ofB = new ArrayList<>();
        for (Target p : paths) {
          boolean byA = onContext(a, () -> a.tracker().sendsFor(p));
          boolean byB = onContext(b, () -> b.tracker().sendsFor(p));
          assertTrue(byA ^ byB, p + " has exactly one sender");
          if (byB) {
            ofB.add(p);
          }
        }
        // three rounds of keepalives (5 s each in virtual time)
        await("every path got three keepalives", () -> paths.stream().allMatch(p -> count(received, p) >= 3));
        long sentA = NatKeepaliveMetrics.of(registryA).keepalivesSent();
        long sentB = NatKeepaliveMetrics.of(registryB).keepalivesSent();
        long virtualSeconds = onContext(a, clockA::nowMillis) / 1000;
        for (Target p : paths) {
          // one sender: at most one keepalive per 4.75 s (5 s - 5 % jitter) since the install, never two
          assertTrue(count(received, p) <= virtualSeconds / 4.75 + 1,
              p + ": " + count(received, p) + " keepalives in " + virtualSeconds + " virtual s");
        }
        assertTrue(sentA > 0 && sentB > 0, "both instances send: a " + sentA + ", b " + sentB);
        System.out.printf("natk cluster: a owns %d paths, b %d; keepalives sent by a %d, by b %d%n",
            PATHS - ofB.size(), ofB.size(), sentA, sentB);

        // b hangs: no heartbeat, no keepalive from it any more; a notices after 3 s (virtual) and claims
        bRuns.set(false);
        Thread.sleep(100);
        Map<Target, Integer> before = new ConcurrentHashMap<>();
        paths.forEach(p -> before.put(p, count(received, p)));
        long sentByBBefore = NatKeepaliveMetrics.of(registryB).keepalivesSent();
        await("a claims b's paths", () -> onContext(a, () -> a.tracker().ownedMappings()) == PATHS);
        await("b's former paths keep getting keepalives, from a",
            () -> ofB.stream().allMatch(p -> count(received, p) >= before.get(p) + 2));
        assertEquals(sentByBBefore, NatKeepaliveMetrics.of(registryB).keepalivesSent(), "b is hung");
        assertEquals(PATHS, (int) NatKeepaliveMetrics.of(registryA).ownedMappings());
      } finally {
        va.cancelTimer(driveA);
        vb.cancelTimer(driveB);
      }
    } finally {
      List<Future<Void>> closing = new ArrayList<>();
      if (vb != null) {
        closing.add(vb.close());
      }
      closing.add(va.close());
      Future.join(closing).await(60, TimeUnit.SECONDS);
    }
  }

  private static int count(Map<Target, AtomicInteger> received, Target p) {
    AtomicInteger n = received.get(p);
    return n == null ? 0 : n.get();
  }

}
