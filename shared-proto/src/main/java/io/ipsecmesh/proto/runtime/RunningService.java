package io.ipsecmesh.proto.runtime;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A started process: its Vert.x, what was deployed, and the metrics endpoint (null when off). */
public record RunningService(Vertx vertx, List<String> deploymentIds, HTTPServer metrics, BusLogShipper logShipper)
    implements AutoCloseable {

  public RunningService {
    deploymentIds = List.copyOf(deploymentIds);
  }

  public RunningService(Vertx vertx, List<String> deploymentIds, HTTPServer metrics) {
    this(vertx, deploymentIds, metrics, null);
  }

  /** Undeploys, leaves the cluster and stops the metrics endpoint; waits at most 15 s. */
  @Override
  public void close() {
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
