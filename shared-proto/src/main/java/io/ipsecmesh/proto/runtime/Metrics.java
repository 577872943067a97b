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
  /** This process's instance of its service, the {@code instance} label of every metric ({@link InstanceLabel}). */
  private static volatile String instance = defaultInstance();
  private static boolean jvmRegistered;

  private Metrics() {}

  public static PrometheusRegistry registry() {
    return REGISTRY;
  }

  /**
   * Names this process's instance (the launcher's {@code --instance-id}; an ike-service in scale-out mode its
   * {@code ike-instance-id}): the {@code instance} label of every metric served from here on.
   */
  public static void instance(String id) {
    if (id != null && !id.isBlank()) {
      instance = id;
    }
  }

  public static String instance() {
    return instance;
  }

  /** host-pid: unique per process, readable next to the container or host it runs on. */
  static String defaultInstance() {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException | RuntimeException e) {
      host = "localhost";
    }
    return host + "-" + ProcessHandle.current().pid();
  }

  /** What the endpoint serves: the registry, each data point labelled with {@link #instance()}. */
  static io.prometheus.metrics.model.registry.PrometheusRegistry served() {
    return InstanceLabel.over(REGISTRY, Metrics::instance);
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
      return HTTPServer.builder().hostname(host).port(port).registry(served()).defaultHandler(health)
          .buildAndStart();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve Prometheus metrics on " + host + ":" + port, e);
    }
  }
}
