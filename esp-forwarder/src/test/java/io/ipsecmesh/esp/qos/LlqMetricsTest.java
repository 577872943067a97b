package io.ipsecmesh.esp.qos;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipsecmesh.esp.Packets;
import io.ipsecmesh.esp.io.PacketBuffer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import org.junit.jupiter.api.Test;

/** The LLQ counters reach Prometheus per forwarder and class. */
class LlqMetricsTest {

  private static double value(PrometheusRegistry r, String name, String forwarder, String cls) {
    for (MetricSnapshot m : r.scrape()) {
      if (!m.getMetadata().getName().equals(name)) {
        continue;
      }
      for (DataPointSnapshot p : m.getDataPoints()) {
        if (forwarder.equals(p.getLabels().get("forwarder")) && (cls == null || cls.equals(p.getLabels().get("class")))) {
          return p instanceof CounterSnapshot.CounterDataPointSnapshot c ? c.getValue()
              : ((GaugeSnapshot.GaugeDataPointSnapshot) p).getValue();
        }
      }
    }
    throw new AssertionError("no " + name + " for " + forwarder + " " + cls);
  }

  @Test
  void queuedDroppedAndDepthPerClass() throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    LlqCryptoQueue q = new LlqCryptoQueue((b, o, l) -> { }, new int[] {46}, 2, 2, 1500);
    LlqMetrics.register(registry, "fwd-llq-test", q);
    try {
      PacketBuffer buf = new PacketBuffer();
      byte[] ef = Packets.udp4(new int[] {10, 0, 0, 1}, new int[] {10, 0, 0, 2}, 1, 2, 100);
      ef[1] = (byte) (46 << 2);
      byte[] bulk = Packets.udp4(new int[] {10, 0, 0, 1}, new int[] {10, 0, 0, 2}, 1, 2, 100);
      for (byte[] p : new byte[][] {ef, ef, ef, bulk, bulk, bulk, bulk}) {
        System.arraycopy(p, 0, buf.array(), PacketBuffer.HEADROOM, p.length);
        q.onInnerPacket(buf, PacketBuffer.HEADROOM, p.length);
      }
      assertEquals(2, value(registry, "ipsecmesh_esp_llq_queued", "fwd-llq-test", "priority"));
      assertEquals(1, value(registry, "ipsecmesh_esp_llq_dropped", "fwd-llq-test", "priority"));
      assertEquals(2, value(registry, "ipsecmesh_esp_llq_queued", "fwd-llq-test", "bulk"));
      assertEquals(2, value(registry, "ipsecmesh_esp_llq_dropped", "fwd-llq-test", "bulk"));
      assertEquals(4, value(registry, "ipsecmesh_esp_llq_depth", "fwd-llq-test", null));
    } finally {
      LlqMetrics.unregister(q);
    }
  }
}
