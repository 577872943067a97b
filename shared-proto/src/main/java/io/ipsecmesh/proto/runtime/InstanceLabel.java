package io.ipsecmesh.proto.runtime;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot.InfoDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot.SummaryDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot.UnknownDataPointSnapshot;
import java.util.List;
import java.util.function.Supplier;

/**
 * Every metric of a registry with an {@code instance} label naming the service instance that serves it (issue 13
 * item 5: with several instances of a service, each series says whose it is). Added at scrape time, in one place,
 * so no counter has to know its instance: the endpoint serves this collector, which scrapes the process's registry
 * and adds the label to every data point that has none (the IKE scale-out metrics name their instance themselves,
 * with the same value). Prometheus keeps it as {@code instance} with {@code honor_labels: true}
 * ({@code docker/prometheus.yml}), else as {@code exported_instance}.
 */
final class InstanceLabel implements MultiCollector {

  static final String NAME = "instance";

  private final PrometheusRegistry source;
  private final Supplier<String> instance;

  InstanceLabel(PrometheusRegistry source, Supplier<String> instance) {
    this.source = source;
    this.instance = instance;
  }

  /** A registry for the endpoint: {@code source}'s metrics, labelled. */
  static PrometheusRegistry over(PrometheusRegistry source, Supplier<String> instance) {
    PrometheusRegistry r = new PrometheusRegistry();
    r.register(new InstanceLabel(source, instance));
    return r;
  }

  @Override
  public MetricSnapshots collect() {
    String id = instance.get();
    MetricSnapshots.Builder out = MetricSnapshots.builder();
    for (MetricSnapshot m : source.scrape()) {
      out.metricSnapshot(label(m, id));
    }
    return out.build();
  }

  static MetricSnapshot label(MetricSnapshot m, String id) {
    return switch (m) {
      case CounterSnapshot c -> new CounterSnapshot(c.getMetadata(), c.getDataPoints().stream()
          .map(p -> new CounterDataPointSnapshot(p.getValue(), with(p, id), p.getExemplar(), created(p), scraped(p)))
          .toList());
      case GaugeSnapshot g -> new GaugeSnapshot(g.getMetadata(), g.getDataPoints().stream()
          .map(p -> new GaugeDataPointSnapshot(p.getValue(), with(p, id), p.getExemplar(), scraped(p))).toList());
      case InfoSnapshot i -> new InfoSnapshot(i.getMetadata(), i.getDataPoints().stream()
          .map(p -> new InfoDataPointSnapshot(with(p, id), scraped(p))).toList());
      case SummarySnapshot s -> new SummarySnapshot(s.getMetadata(), s.getDataPoints().stream()
          .map(p -> new SummaryDataPointSnapshot(p.hasCount() ? p.getCount() : -1, p.hasSum() ? p.getSum() : Double.NaN,
              p.getQuantiles(), with(p, id), p.getExemplars(), created(p), scraped(p)))
          .toList());
      case HistogramSnapshot h -> new HistogramSnapshot(h.isGaugeHistogram(), h.getMetadata(), h.getDataPoints()
          .stream().map(p -> new HistogramDataPointSnapshot(p.getClassicBuckets(), p.getNativeSchema(),
              p.getNativeZeroCount(), p.getNativeZeroThreshold(), p.getNativeBucketsForPositiveValues(),
              p.getNativeBucketsForNegativeValues(), p.hasSum() ? p.getSum() : Double.NaN, with(p, id),
              p.getExemplars(), created(p), scraped(p)))
          .toList());
      case UnknownSnapshot u -> new UnknownSnapshot(u.getMetadata(), u.getDataPoints().stream()
          .map(p -> new UnknownDataPointSnapshot(p.getValue(), with(p, id), p.getExemplar(), scraped(p))).toList());
      // a state set (none here) passes unlabelled rather than being rebuilt wrongly
      default -> m;
    };
  }

  private static Labels with(DataPointSnapshot p, String id) {
    Labels l = p.getLabels();
    return l.stream().anyMatch(x -> x.getName().equals(NAME)) ? l : l.add(NAME, id);
  }

  private static long created(DataPointSnapshot p) {
    return p.hasCreatedTimestamp() ? p.getCreatedTimestampMillis() : 0L;
  }

  private static long scraped(DataPointSnapshot p) {
    return p.hasScrapeTimestamp() ? p.getScrapeTimestampMillis() : 0L;
  }

  static List<String> labelNames(MetricSnapshot m) {
    return m.getDataPoints().stream().flatMap(p -> p.getLabels().stream().map(x -> x.getName())).distinct().toList();
  }
}
