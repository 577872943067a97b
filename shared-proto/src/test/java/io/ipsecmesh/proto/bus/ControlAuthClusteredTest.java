package io.ipsecmesh.proto.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.runtime.LaunchOptions;
import io.ipsecmesh.proto.runtime.ServiceLauncher;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryContext;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The interceptors on a clustered Vert.x (whose outbound message keeps the sent body apart): a request gets through. */
class ControlAuthClusteredTest {
  @Test
  void aControlRequestOnAClusteredBusIsDeliveredWithItsTag() throws Exception {
    Vertx v = ServiceLauncher.startVertx(LaunchOptions.defaults().withClusterName("control-auth-" + UUID.randomUUID()))
        .await(60, TimeUnit.SECONDS);
    try {
      BusCodecs.register(v);
      v.eventBus().<ConfigMessages.GetConfig>consumer(ConfigMessages.CONFIG_GET, m -> m.reply("ok"));
      double refused = ControlAuth.refused("bad-mac");
      assertEquals("ok", v.eventBus().request(ConfigMessages.CONFIG_GET, new ConfigMessages.GetConfig("t"))
          .await(10, TimeUnit.SECONDS).body());
      assertEquals(refused, ControlAuth.refused("bad-mac"));
    } finally {
      v.close().await();
    }
  }

  /**
   * Over the wire between two members: one publish reaches both consumers on the receiving member (Vert.x runs
   * the inbound interceptor once per consumer), the same bytes sent again reach neither.
   */
  @Test
  void aPublishFromAnotherMemberReachesEveryConsumerAndItsReplayNone() throws Exception {
    LaunchOptions options = LaunchOptions.defaults().withClusterName("control-replay-" + UUID.randomUUID());
    Vertx a = ServiceLauncher.startVertx(options).await(60, TimeUnit.SECONDS);
    Vertx b = null;
    try {
      b = ServiceLauncher.startVertx(options).await(60, TimeUnit.SECONDS);
      BusCodecs.register(a);
      BusCodecs.register(b);
      String[] captured = new String[1];
      a.eventBus().addOutboundInterceptor((DeliveryContext<Object> ctx) -> {
        if (ctx.message().address().equals(MgmtMessages.DEBUG)) {
          if (captured[0] == null) {
            captured[0] = ctx.message().headers().get(ControlAuth.HEADER);
          } else {
            ctx.message().headers().set(ControlAuth.HEADER, captured[0]); // the captured message again
          }
        }
        ctx.next();
      });
      AtomicInteger delivered = new AtomicInteger();
      CountDownLatch two = new CountDownLatch(2);
      for (int i = 0; i < 2; i++) {
        b.eventBus().consumer(MgmtMessages.DEBUG, m -> {
          delivered.incrementAndGet();
          two.countDown();
        }).completion().await(10, TimeUnit.SECONDS);
      }
      double replayed = ControlAuth.refused("replayed");
      MgmtMessages.Debug debug = new MgmtMessages.Debug(MgmtMessages.Facility.IPSEC, true);
      // the subscriptions reach a's view of the cluster asynchronously: a probe registered after them answers first
      b.eventBus().consumer("control-replay.probe", m -> m.reply("up")).completion().await(10, TimeUnit.SECONDS);
      for (int i = 0; i < 50; i++) {
        try {
          a.eventBus().request("control-replay.probe", "?").await(200, TimeUnit.MILLISECONDS);
          break;
        } catch (Exception notYet) {
          // NO_HANDLERS until the subscription is seen: try again
        }
      }
      a.eventBus().publish(MgmtMessages.DEBUG, debug);
      assertTrue(two.await(10, TimeUnit.SECONDS));
      assertEquals(2, delivered.get());
      a.eventBus().publish(MgmtMessages.DEBUG, debug);
      for (int i = 0; i < 100 && ControlAuth.refused("replayed") < replayed + 2; i++) {
        Thread.sleep(50); // the refusal happens on b's event loops; bounded wait, no timing asserted
      }
      assertEquals(replayed + 2, ControlAuth.refused("replayed"));
      assertEquals(2, delivered.get());
    } finally {
      if (b != null) {
        b.close().await();
      }
      a.close().await();
    }
  }
}
