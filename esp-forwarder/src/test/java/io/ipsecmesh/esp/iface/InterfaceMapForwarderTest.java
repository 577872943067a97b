package io.ipsecmesh.esp.iface;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.esp.EspForwarderVerticle;
import io.ipsecmesh.esp.ManualKeyConfigs;
import io.ipsecmesh.esp.tun.InProcessPacketPort;
import io.ipsecmesh.proto.bus.BusCodecs;
import io.ipsecmesh.proto.bus.ConfigMessages;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.InterfaceConfig;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The forwarder with {@code interfaceMap}: a configuration whose crypto map sits on an IOS interface
 * without a host interface is refused with the fix in the log (the previous one stays); mapped, it is
 * applied. A bad mapping stops the deployment. Loopback sockets, no root.
 */
class InterfaceMapForwarderTest {

  private static final String A = "127.0.0.91";
  private Vertx vertx;

  @AfterEach
  void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(20, TimeUnit.SECONDS);
    }
  }

  private static GatewayConfig onGigabitEthernet() {
    GatewayConfig c = ManualKeyConfigs.gatewayA(A, "127.0.0.92", "10.91.21.0", "10.91.22.0");
    InterfaceConfig w = c.interfaces().get(0);
    return c.toBuilder()
        .interfaces(List.of(new InterfaceConfig("GigabitEthernet0/0", w.ipAddress(), w.mask(), null,
            w.cryptoMap(), null, null)))
        .build();
  }

  private EspForwarderVerticle deploy(JsonObject cfg) throws Exception {
    vertx = Vertx.vertx();
    BusCodecs.register(vertx);
    EspForwarderVerticle f = new EspForwarderVerticle(new InProcessPacketPort("a"));
    vertx.deployVerticle(f, new DeploymentOptions().setConfig(cfg.put("bindAddress", A).put("port", 0)
        .put("forwarderId", "fwd-ifmap"))).await(20, TimeUnit.SECONDS);
    return f;
  }

  private static void settle(Vertx v) throws Exception {
    // the configuration is applied on the verticle's context: a timer after the publication runs after it
    java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
    v.setTimer(300, t -> done.complete(null));
    done.get(10, TimeUnit.SECONDS);
  }

  @Test
  void unmappedIosInterfaceIsRefusedWithTheFix() throws Exception {
    List<String> severe = new java.util.concurrent.CopyOnWriteArrayList<>();
    Logger log = Logger.getLogger(EspForwarderVerticle.class.getName());
    Handler h = new Handler() {
      @Override
      public void publish(LogRecord r) {
        severe.add(r.getLevel() + " " + r.getMessage());
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    log.addHandler(h);
    try {
      EspForwarderVerticle f = deploy(new JsonObject());
      vertx.eventBus().publish(ConfigMessages.CONFIG_CHANGED, new ConfigMessages.ConfigChanged(1, onGigabitEthernet()));
      settle(vertx);
      assertEquals(0, f.dataPlane().sad().spd().size(), "the configuration was not applied");
      assertTrue(severe.contains("SEVERE esp-forwarder: configuration 1 refused: interface GigabitEthernet0/0 (crypto"
          + " map VPN) is no host interface: IOS interface names are not Linux names; map it with the forwarder"
          + " option --interfaceMap GigabitEthernet0/0=HOST-INTERFACE (e.g. eth0)"), severe.toString());
    } finally {
      log.removeHandler(h);
    }
  }

  @Test
  void mappedIosInterfaceIsApplied() throws Exception {
    EspForwarderVerticle f = deploy(new JsonObject().put("interfaceMap", "GigabitEthernet0/0=lo"));
    vertx.eventBus().publish(ConfigMessages.CONFIG_CHANGED, new ConfigMessages.ConfigChanged(1, onGigabitEthernet()));
    settle(vertx);
    assertEquals(1, f.dataPlane().sad().spd().size());
  }

  @Test
  void aBadMappingStopsTheDeployment() {
    Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
        () -> deploy(new JsonObject().put("interfaceMap", "GigabitEthernet0/0")));
    assertTrue(String.valueOf(e.getMessage()).contains("is not IOS-NAME=HOST-INTERFACE"), String.valueOf(e));
  }
}
