package io.ipsecmesh.natk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.bus.BusCodecs;
import io.ipsecmesh.proto.bus.ConfigMessages;
import io.ipsecmesh.proto.bus.ConfigMessages.ConfigChanged;
import io.ipsecmesh.proto.bus.FwdMessages;
import io.ipsecmesh.proto.bus.FwdMessages.ActivitySummary;
import io.ipsecmesh.proto.bus.FwdMessages.SaActivity;
import io.ipsecmesh.proto.bus.NatKeepaliveMessages;
import io.ipsecmesh.proto.bus.NatKeepaliveMessages.SendKeepalives;
import io.ipsecmesh.proto.bus.NatKeepaliveMessages.Target;
import io.ipsecmesh.proto.bus.SaMessages;
import io.ipsecmesh.proto.bus.SaMessages.ChildSaDeleted;
import io.ipsecmesh.proto.bus.SaMessages.ChildSaInstalled;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.time.VirtualScheduler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The bus wiring with a real Vert.x; a real periodic timer advances the virtual clock half a second every
 * 20 ms on the verticle's event loop. Exact instants are {@link NatKeepaliveTrackerTest}'s business.
 */
@ExtendWith(VertxExtension.class)
class NatKeepaliveVerticleTest {

  private final VirtualScheduler clock = new VirtualScheduler();
  private NatKeepaliveVerticle natk;
  private NatKeepaliveMetrics metrics;

  private static ChildSa sa(long inboundSpi, String peer, boolean udpEncapsulation, int peerPort) {
    return new ChildSa("ike-1", 2001, "green", 1, inboundSpi, inboundSpi + 0x100, EspTransform.AES_GCM_128,
        ChildSa.Mode.TUNNEL, udpEncapsulation, false, 64, "10.1.1.1", udpEncapsulation ? 4500 : 0, peer, peerPort,
        List.of(), List.of(), new ChildSa.Lifetime(3240, 3600, 4_147_200, 4_608_000), 0, "copy", new byte[0],
        new byte[0], 0);
  }

  /** crypto isakmp nat keepalive 20 */
  private static ConfigChanged natKeepalive20() {
    GatewayConfig e = GatewayConfig.empty();
    return new ConfigChanged(1, e.toBuilder().natKeepaliveSeconds(20).build());
  }

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext ctx) {
    BusCodecs.register(vertx);
    PrometheusRegistry registry = new PrometheusRegistry();
    metrics = NatKeepaliveMetrics.of(registry);
    natk = new NatKeepaliveVerticle(clock, new SplittableRandom(3948), registry);
    vertx.deployVerticle(natk).onComplete(ctx.succeedingThenComplete());
  }

  /**
   * Advances virtual time once the first SA is installed, so that virtual 0 is the install instant however
   * late the bus delivers it on a loaded machine.
   */
  private void drive(Vertx vertx, Consumer<Long> eachStep) {
    boolean[] installed = {false};
    vertx.setPeriodic(20, id -> natk.context().runOnContext(v -> {
      installed[0] |= natk.tracker().mappings() > 0;
      if (installed[0]) {
        clock.advance(500);
        eachStep.accept(clock.nowMillis());
      }
    }));
  }

  @Test
  void idleUdpEncapsulatedSa_getsKeepalivesOnItsMappedPort_rawEspSaDoesNot(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    // Two findings, from two threads: the message's content and the instant it left at.
    AtomicInteger findings = new AtomicInteger();
    Runnable found = () -> {
      if (findings.incrementAndGet() == 2) {
        ctx.completeNow();
      }
    };
    boolean[] first = {true};
    boolean[] firstMessage = {true};
    vertx.eventBus().<SendKeepalives>consumer(NatKeepaliveMessages.SEND, m -> ctx.verify(() -> {
      assertEquals(List.of(new Target("10.1.1.1", 4500, "203.0.113.9", 61022)), m.body().targets());
      if (firstMessage[0]) {
        firstMessage[0] = false;
        found.run();
      }
    }));
    vertx.eventBus().publish(ConfigMessages.CONFIG_CHANGED, natKeepalive20());
    vertx.eventBus().publish(SaMessages.CHILD_INSTALLED, new ChildSaInstalled(sa(0x1000, "203.0.113.9", true, 61022)));
    vertx.eventBus().publish(SaMessages.CHILD_INSTALLED, new ChildSaInstalled(sa(0x2000, "198.51.100.4", false, 0)));
    // Read the instant on the verticle's loop right after the step that sent it: the step is 500 ms long.
    drive(vertx, now -> {
      if (first[0] && metrics.keepalivesSent() > 0) {
        first[0] = false;
        ctx.verify(() -> {
          assertTrue(now >= 19_000 && now <= 21_500, "20 s ±5 %: " + now);
          assertEquals(1, natk.tracker().mappings(), "the raw ESP SA needs no NAT keepalive");
          found.run();
        });
      }
    });
    assertTrue(ctx.awaitCompletion(20, TimeUnit.SECONDS));
  }

  @Test
  void trafficSuppresses_deletionStops(Vertx vertx, VertxTestContext ctx) throws Exception {
    vertx.eventBus().<SendKeepalives>consumer(NatKeepaliveMessages.SEND,
        m -> ctx.failNow("keepalive at " + clock.nowMillis() + " despite traffic/deletion: " + m.body()));
    vertx.eventBus().publish(ConfigMessages.CONFIG_CHANGED, natKeepalive20());
    vertx.eventBus().publish(SaMessages.CHILD_INSTALLED, new ChildSaInstalled(sa(0x1000, "203.0.113.9", true, 4500)));
    drive(vertx, now -> {
      if (now <= 60_000) {
        vertx.eventBus().publish(FwdMessages.ACTIVITY, new ActivitySummary("fwd-1", now,
            List.of(new SaActivity(0x1000, 0x1100, "203.0.113.9", 4500, now % 1000 == 0, now % 1000 != 0))));
      } else if (now == 61_000) {
        vertx.eventBus().publish(SaMessages.CHILD_DELETED, new ChildSaDeleted(0x1000, 0x1100, "203.0.113.9", "delete"));
      } else if (now == 100_000) {
        ctx.verify(() -> assertEquals(0, natk.tracker().mappings()));
        ctx.completeNow();
      }
    });
    assertTrue(ctx.awaitCompletion(20, TimeUnit.SECONDS));
  }
}
