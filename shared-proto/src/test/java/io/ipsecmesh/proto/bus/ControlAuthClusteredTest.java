package io.ipsecmesh.proto.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipsecmesh.proto.runtime.LaunchOptions;
import io.ipsecmesh.proto.runtime.ServiceLauncher;
import io.vertx.core.Vertx;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
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
}
