package io.ipsecmesh.config;

import io.ipsecmesh.proto.runtime.Metrics;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;

/** config-service's own Prometheus metrics, registered once per JVM (tests deploy the verticle often). */
final class ConfigMetrics {

  static final ConfigMetrics INSTANCE = new ConfigMetrics();

  final Counter applied = Counter.builder()
      .name("ipsecmesh_config_applied_total")
      .help("validated configurations that became active")
      .register(Metrics.registry());
  final Counter rejected = Counter.builder()
      .name("ipsecmesh_config_rejected_total")
      .help("configurations refused by validation (the active one stayed)")
      .register(Metrics.registry());
  final Gauge version = Gauge.builder()
      .name("ipsecmesh_config_version")
      .help("version of the active configuration")
      .register(Metrics.registry());
  final Counter execs = Counter.builder()
      .name("ipsecmesh_mgmt_exec_total")
      .help("exec commands run through the management API, by HTTP status")
      .labelNames("status")
      .register(Metrics.registry());

  private ConfigMetrics() {}
}
