package io.ipsecmesh.esp.qos;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipsecmesh.esp.EspForwarderVerticle;
import io.ipsecmesh.esp.ManualKeyConfigs;
import io.ipsecmesh.esp.Packets;
import io.ipsecmesh.esp.tun.InProcessPacketPort;
import io.ipsecmesh.proto.bus.BusCodecs;
import io.ipsecmesh.proto.bus.ConfigMessages;
import io.ipsecmesh.proto.runtime.Metrics;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The forwarder option {@code llqPriorityDscp}: forwarder A runs its encryption behind the LLQ stage,
 * B without; an EF and a best-effort packet from A's inner side both arrive at B's (real UDP sockets on
 * loopback, manual keys), and A's LLQ metrics counted one of each class. No root needed.
 */
class LlqForwarderOptionTest {

  private static final String A = "127.0.0.93";
  private static final String B = "127.0.0.94";
  private Vertx va;
  private Vertx vb;

  @AfterEach
  void stop() throws Exception {
    for (Vertx v : new Vertx[] {va, vb}) {
      if (v != null) {
        v.close().await(20, TimeUnit.SECONDS);
      }
    }
  }

  private static EspForwarderVerticle deploy(Vertx v, InProcessPacketPort port, JsonObject cfg) throws Exception {
    BusCodecs.register(v);
    EspForwarderVerticle f = new EspForwarderVerticle(port);
    cfg.put("stateDir", io.ipsecmesh.testsupport.Sh.runDirectory("llq-state").toString());
    v.deployVerticle(f, new DeploymentOptions().setConfig(cfg)).await(20, TimeUnit.SECONDS);
    return f;
  }

  private static void await(Vertx v, BooleanSupplier condition) throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    long timer = v.setPeriodic(10, t -> {
      if (condition.getAsBoolean()) {
        done.complete(null);
      }
    });
    try {
      done.get(20, TimeUnit.SECONDS);
    } finally {
      v.cancelTimer(timer);
    }
  }

  private static double queued(String forwarder, String cls) {
    for (MetricSnapshot m : Metrics.registry().scrape()) {
      if (m.getMetadata().getName().equals("ipsecmesh_esp_llq_queued")) {
        for (DataPointSnapshot p : m.getDataPoints()) {
          if (forwarder.equals(p.getLabels().get("forwarder")) && cls.equals(p.getLabels().get("class"))) {
            return ((CounterSnapshot.CounterDataPointSnapshot) p).getValue();
          }
        }
      }
    }
    throw new AssertionError("no ipsecmesh_esp_llq_queued for " + forwarder + " " + cls);
  }

  @Test
  void bothClassesCrossTheTunnelThroughTheLlqStage() throws Exception {
    va = Vertx.vertx();
    vb = Vertx.vertx();
    InProcessPacketPort portA = new InProcessPacketPort("a");
    InProcessPacketPort portB = new InProcessPacketPort("b");
    EspForwarderVerticle fa = deploy(va, portA, new JsonObject().put("bindAddress", A).put("port", 4500)
        .put("forwarderId", "fwd-llq-a").put("llqPriorityDscp", "ef"));
    EspForwarderVerticle fb = deploy(vb, portB, new JsonObject().put("bindAddress", B).put("port", 4500)
        .put("forwarderId", "fwd-llq-b"));
    va.eventBus().publish(ConfigMessages.CONFIG_CHANGED,
        new ConfigMessages.ConfigChanged(1, ManualKeyConfigs.gatewayA(A, B, "10.91.11.0", "10.91.12.0")));
    vb.eventBus().publish(ConfigMessages.CONFIG_CHANGED,
        new ConfigMessages.ConfigChanged(1, ManualKeyConfigs.gatewayB(B, A, "10.91.12.0", "10.91.11.0")));
    await(va, () -> fa.dataPlane().sad().pairs().size() == 1 && fb.dataPlane().sad().pairs().size() == 1);

    byte[] ef = Packets.udp4(new int[] {10, 91, 11, 5}, new int[] {10, 91, 12, 5}, 1, 5004, 160);
    ef[1] = (byte) (46 << 2);
    ef[10] = 0;
    ef[11] = 0;
    int c = Packets.checksum(ef, 0, 20);
    ef[10] = (byte) (c >>> 8);
    ef[11] = (byte) c;
    byte[] bulk = Packets.udp4(new int[] {10, 91, 11, 5}, new int[] {10, 91, 12, 5}, 1, 80, 1200);
    portA.inject(ef);
    assertArrayEquals(ef, portB.poll(10_000));
    portA.inject(bulk);
    assertArrayEquals(bulk, portB.poll(10_000));
    assertEquals(1, queued("fwd-llq-a", "priority"));
    assertEquals(1, queued("fwd-llq-a", "bulk"));
  }
}
