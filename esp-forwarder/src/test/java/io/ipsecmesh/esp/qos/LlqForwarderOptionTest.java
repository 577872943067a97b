package io.ipsecmesh.esp.qos;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipsecmesh.esp.ForwarderPairTestBase;
import io.ipsecmesh.esp.Packets;
import io.ipsecmesh.proto.runtime.Metrics;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * The forwarder option {@code llqPriorityDscp}: forwarder A runs its encryption behind the LLQ stage,
 * B without; an EF and a best-effort packet from A's inner side both arrive at B's (real UDP sockets on
 * loopback, manual keys), and A's LLQ metrics counted one of each class. No root needed.
 */
class LlqForwarderOptionTest extends ForwarderPairTestBase {

  private static final String A = "127.0.0.93";
  private static final String B = "127.0.0.94";

  private static JsonObject options(String bind, String id) throws java.io.IOException {
    return new JsonObject().put("bindAddress", bind).put("port", 4500).put("forwarderId", id)
        .put("stateDir", io.ipsecmesh.testsupport.Sh.runDirectory("llq-state").toString());
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
    fa = deploy(va, portA, options(A, "fwd-llq-a").put("llqPriorityDscp", "ef"));
    fb = deploy(vb, portB, options(B, "fwd-llq-b"));
    manuallyKeyed(A, B, "10.91.11.0", "10.91.12.0");

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
