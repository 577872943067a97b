package io.ipsecmesh.natk;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.WeakHashMap;

/** The {@code ipsecmesh_natk_*} metrics, one set per registry (several trackers may share a JVM). */
public final class NatKeepaliveMetrics {

  private static final Map<PrometheusRegistry, NatKeepaliveMetrics> BY_REGISTRY = new WeakHashMap<>();

  private final Counter keepalives;
  private final Counter batches;
  private final Gauge mappings;
  private final Gauge owned;

  private NatKeepaliveMetrics(PrometheusRegistry registry) {
    keepalives = Counter.builder().name("ipsecmesh_natk_keepalives_sent")
        .help("NAT keepalives (one byte 0xFF, RFC 3948 section 2.3) the forwarder was asked to send")
        .withoutExemplars().register(registry);
    batches = Counter.builder().name("ipsecmesh_natk_send_batches")
        .help("natk.send messages, one per timer tick with keepalives due").withoutExemplars().register(registry);
    mappings = Gauge.builder().name("ipsecmesh_natk_mappings")
        .help("NAT-T paths (local address:port to peer address:port) watched for idleness")
        .withoutExemplars().register(registry);
    owned = Gauge.builder().name("ipsecmesh_natk_mappings_owned")
        .help("NAT-T paths whose keepalives this instance sends (each path has one owner among the instances)")
        .withoutExemplars().register(registry);
  }

  public static NatKeepaliveMetrics of(PrometheusRegistry registry) {
    synchronized (BY_REGISTRY) {
      return BY_REGISTRY.computeIfAbsent(registry, NatKeepaliveMetrics::new);
    }
  }

  void sent(int count) {
    keepalives.inc(count);
    batches.inc();
  }

  void mappingAdded() {
    mappings.inc();
  }

  void mappingRemoved() {
    mappings.dec();
  }

  void ownedAdded() {
    owned.inc();
  }

  void ownedRemoved() {
    owned.dec();
  }

  public double ownedMappings() {
    return owned.get();
  }

  public long keepalivesSent() {
    return keepalives.getLongValue();
  }

  public long batches() {
    return batches.getLongValue();
  }

  public double mappings() {
    return mappings.get();
  }
}
