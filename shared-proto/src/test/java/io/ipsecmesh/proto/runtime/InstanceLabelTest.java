package io.ipsecmesh.proto.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.core.metrics.Summary;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 5: every metric served carries the {@code instance} label of the process's service instance,
 * added in one place at scrape time — counters, gauges, infos, summaries, histograms and the JVM's own — and a
 * metric that names its instance itself keeps its value.
 */
class InstanceLabelTest {

  @Test
  void everyDataPointOfEveryKindCarriesTheInstanceLabel() throws Exception {
    PrometheusRegistry source = new PrometheusRegistry();
    Counter c = Counter.builder().name("t_requests_total").help("h").labelNames("exchange").register(source);
    c.labelValues("INFORMATIONAL").inc(3);
    Gauge.builder().name("t_sas").help("h").register(source).set(2);
    Info.builder().name("t_build_info").help("h").labelNames("version").register(source).addLabelValues("1");
    Summary.builder().name("t_seconds").help("h").register(source).observe(0.5);
    Histogram.builder().name("t_size").help("h").classicUpperBounds(1, 10).register(source).observe(4);
    Counter.builder().name("t_events_total").help("h").labelNames("instance", "event").register(source)
        .labelValues("ike-2", "adopted").inc();
    JvmMetrics.builder().register(source);

    PrometheusRegistry served = InstanceLabel.over(source, () -> "ike-2");
    int points = 0;
    for (MetricSnapshot m : served.scrape()) {
      for (var p : m.getDataPoints()) {
        points++;
        assertEquals(1, p.getLabels().stream().filter(l -> l.getName().equals("instance")).count(),
            m.getMetadata().getName() + " has exactly one instance label");
        assertEquals("ike-2", p.getLabels().get("instance"), m.getMetadata().getName());
      }
    }
    assertTrue(points > 20, "the JVM's metrics too: " + points);

    ByteArrayOutputStream text = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(text, served.scrape());
    String out = text.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains("t_requests_total{exchange=\"INFORMATIONAL\",instance=\"ike-2\"} 3.0"), out);
    assertTrue(out.contains("t_sas{instance=\"ike-2\"} 2.0"), out);
    assertTrue(out.contains("t_size_bucket{instance=\"ike-2\",le=\"10.0\"} 1"), out);
    assertTrue(out.contains("t_events_total{event=\"adopted\",instance=\"ike-2\"} 1.0"), out);
  }

  @Test
  void theLabelFollowsTheNameTheProcessGivesItself() {
    String before = Metrics.instance();
    try {
      Metrics.instance("dpd-1");
      assertEquals("dpd-1", Metrics.instance());
      Metrics.instance(" ");
      assertEquals("dpd-1", Metrics.instance(), "a blank name leaves it");
    } finally {
      Metrics.instance(before);
    }
    assertTrue(Metrics.defaultInstance().matches(".+-\\d+"), Metrics.defaultInstance());
  }
}
