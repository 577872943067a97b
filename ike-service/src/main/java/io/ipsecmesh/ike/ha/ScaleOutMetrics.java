package io.ipsecmesh.ike.ha;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The {@code ipsecmesh_ike_scale_out_*} metrics, labelled with the ike-service {@code instance} that counts them
 * (several instances may share one JVM in tests, one registry each process otherwise): hand-offs, adoptions,
 * releases and checkpoints, and the member count each instance sees — what an operator watches when an owner
 * dies. One set per registry, like {@code IkeMetrics}.
 */
final class ScaleOutMetrics {

  private static final Map<PrometheusRegistry, ScaleOutMetrics> BY_REGISTRY = new WeakHashMap<>();

  /** Event names of {@link #events}. */
  static final String HANDED_OFF = "handed-off";
  static final String HANDOFF_DROPPED = "handoff-dropped";
  static final String ADOPTED = "adopted";
  static final String RELEASED = "released";
  static final String CHECKPOINT_STORED = "checkpoint-stored";

  final Counter events;
  final Gauge members;

  private ScaleOutMetrics(PrometheusRegistry r) {
    events = Counter.builder().name("ipsecmesh_ike_scale_out_events")
        .help("IKE scale-out: datagrams handed to the owner (or dropped above the rate), IKE SAs adopted from a "
            + "checkpoint or released to another instance, checkpoints stored in ike.checkpoints")
        .labelNames("instance", "event").withoutExemplars().register(r);
    members = Gauge.builder().name("ipsecmesh_ike_scale_out_members")
        .help("live ike-service instances as this one hears them").labelNames("instance").withoutExemplars()
        .register(r);
  }

  static ScaleOutMetrics of(PrometheusRegistry registry) {
    synchronized (BY_REGISTRY) {
      return BY_REGISTRY.computeIfAbsent(registry, ScaleOutMetrics::new);
    }
  }
}
