package io.ipsecmesh.dpd;

import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The {@code ipsecmesh_dpd_*} metrics. One set per registry: several detectors in one JVM (the gateway
 * deploys every service into one Vertx, tests deploy more) share it instead of failing on a duplicate name.
 */
public final class DpdMetrics {

  private static final Map<PrometheusRegistry, DpdMetrics> BY_REGISTRY = new WeakHashMap<>();

  private final Gauge peers;
  private final Counter probes;
  private final Counter retransmissions;
  private final Counter acknowledgements;
  private final Counter inconclusive;
  private final Counter deaths;
  private final Histogram detectionLatency;
  private final GaugeDataPoint alive;
  private final GaugeDataPoint probing;
  private final GaugeDataPoint dead;

  private DpdMetrics(PrometheusRegistry registry) {
    peers = Gauge.builder().name("ipsecmesh_dpd_peers")
        .help("IKE peers watched by this instance, by liveness state")
        .labelNames("state").withoutExemplars().register(registry);
    probes = Counter.builder().name("ipsecmesh_dpd_probes_sent")
        .help("first DPD probes (R-U-THERE / empty INFORMATIONAL) requested, without retransmissions")
        .withoutExemplars().register(registry);
    retransmissions = Counter.builder().name("ipsecmesh_dpd_retransmissions")
        .help("DPD probe retransmissions at the retry interval").withoutExemplars().register(registry);
    acknowledgements = Counter.builder().name("ipsecmesh_dpd_acks")
        .help("DPD probes the peer acknowledged (R-U-THERE-ACK / INFORMATIONAL response)")
        .withoutExemplars().register(registry);
    inconclusive = Counter.builder().name("ipsecmesh_dpd_probes_inconclusive")
        .help("unanswered DPD probes not counted against the peer because ike-service's IKE socket dropped datagrams "
            + "meanwhile; each is sent again after the DPD interval").withoutExemplars().register(registry);
    deaths = Counter.builder().name("ipsecmesh_dpd_peers_declared_dead")
        .help("peers declared dead after the first probe and four retransmissions went unanswered")
        .withoutExemplars().register(registry);
    detectionLatency = Histogram.builder().name("ipsecmesh_dpd_detection_latency_seconds")
        .help("time from the last sign of life of a peer to its declaration as dead")
        .classicOnly().classicUpperBounds(5, 10, 15, 20, 30, 45, 60, 120, 300, 900, 3600)
        .withoutExemplars().register(registry);
    alive = peers.labelValues(LivenessState.ALIVE.name().toLowerCase());
    probing = peers.labelValues(LivenessState.PROBING.name().toLowerCase());
    dead = peers.labelValues(LivenessState.DEAD.name().toLowerCase());
  }

  public static DpdMetrics of(PrometheusRegistry registry) {
    synchronized (BY_REGISTRY) {
      return BY_REGISTRY.computeIfAbsent(registry, DpdMetrics::new);
    }
  }

  void entered(LivenessState state) {
    stateGauge(state).inc();
  }

  void left(LivenessState state) {
    stateGauge(state).dec();
  }

  void probeSent(int attempt) {
    (attempt == 0 ? probes : retransmissions).inc();
  }

  void acknowledged() {
    acknowledgements.inc();
  }

  void inconclusive() {
    inconclusive.inc();
  }

  void declaredDead(long silentForMillis) {
    deaths.inc();
    detectionLatency.observe(silentForMillis / 1000.0);
  }

  private GaugeDataPoint stateGauge(LivenessState state) {
    return switch (state) {
      case ALIVE -> alive;
      case PROBING -> probing;
      case DEAD -> dead;
    };
  }

  public double peers(LivenessState state) {
    return stateGauge(state).get();
  }

  public long probesSent() {
    return probes.getLongValue();
  }

  public long retransmissions() {
    return retransmissions.getLongValue();
  }

  public long acknowledgements() {
    return acknowledgements.getLongValue();
  }

  public long inconclusiveProbes() {
    return inconclusive.getLongValue();
  }

  public long deaths() {
    return deaths.getLongValue();
  }

  public long detectionsObserved() {
    return detectionLatency.getCount();
  }

  public double detectionLatencySumSeconds() {
    return detectionLatency.getSum();
  }
}
