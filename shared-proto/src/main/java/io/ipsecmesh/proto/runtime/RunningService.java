package io.ipsecmesh.proto.runtime;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A started process: its Vert.x, what was deployed, the metrics endpoint (null when off), the
 * {@code /health} state it serves and the shipper of its log lines to {@code show logging} (null when none).
 */
public record RunningService(Vertx vertx, List<String> deploymentIds, HTTPServer metrics, Health health,
    BusLogShipper logShipper)
    implements AutoCloseable {

  public RunningService {
    deploymentIds = List.copyOf(deploymentIds);
  }

  /** Undeploys, leaves the cluster and stops the metrics endpoint; waits at most 15 s. */
  @Override
  public void close() {
    // a health check during shutdown must not report a member that is leaving the cluster as healthy
    health.stopping();
    if (logShipper != null) {
      logShipper.uninstall();
    }
    try {
      vertx.close().await(15, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("ipsec-mesh: Vert.x did not close cleanly: " + e);
    } finally {
      if (metrics != null) {
        metrics.close();
      }
    }
  }
}
