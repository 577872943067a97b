package io.ipsecmesh.proto.runtime;

import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Prometheus for every service: JVM metrics, {@code ipsecmesh_build_info{service,version,java}} and
 * an HTTP exposition endpoint ({@code /metrics}, and {@code /health} from {@link Health}). Services register their own counters in {@link #registry()}; in the
 * single-JVM gateway all services share that registry and one endpoint.
 */
public final class Metrics {

  private static final PrometheusRegistry REGISTRY = PrometheusRegistry.defaultRegistry;
  private static Info buildInfo;
  private static boolean jvmRegistered;

  private Metrics() {}

  public static PrometheusRegistry registry() {
    return REGISTRY;
  }

  /** Idempotent: the gateway calls it once per deployed service. */
  public static synchronized void describe(String service) {
    if (!jvmRegistered) {
      JvmMetrics.builder().register(REGISTRY);
      jvmRegistered = true;
    }
    if (buildInfo == null) {
      buildInfo = Info.builder()
          .name("ipsecmesh_build_info")
          .help("ipsec-mesh build running in this process")
          .labelNames("service", "version", "java")
          .register(REGISTRY);
    }
    buildInfo.addLabelValues(service, version(), Runtime.version().toString());
  }

  /** The project version from the jar manifest, "dev" when run from classes (IDE, unit tests). */
  public static String version() {
    String v = Metrics.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /**
   * Starts the {@code /metrics} endpoint, or returns null when {@code port} is 0 (metrics off, the
   * default in tests so parallel JVMs never fight over a port).
   */
  public static HTTPServer serve(String host, int port) {
    return serve(host, port, new Health());
  }

  /** As {@link #serve(String, int)}, with {@code /health} answered by {@code health}. */
  public static HTTPServer serve(String host, int port, Health health) {
    if (port == 0) {
      return null;
    }
    try {
      // the exporter's default handler is its "/" context, which gets every path without a context of
      // its own: /health lands there (the exporter itself has only /metrics and /-/healthy)
      return HTTPServer.builder().hostname(host).port(port).registry(REGISTRY).defaultHandler(health)
          .buildAndStart();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve Prometheus metrics on " + host + ":" + port, e);
    }
  }
}
