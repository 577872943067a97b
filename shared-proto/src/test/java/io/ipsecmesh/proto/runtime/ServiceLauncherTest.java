package io.ipsecmesh.proto.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ServiceLauncherTest {

  static final class ProbeVerticle extends AbstractVerticle {
    static final AtomicReference<String> SEEN_CONFIG = new AtomicReference<>();

    @Override
    public void start() {
      SEEN_CONFIG.set(config().getString("probe"));
    }
  }

  @Test
  void startsAClusteredMemberDeploysTheVerticleAndServesMetrics() throws Exception {
    int metricsPort = freePort();
    // a cluster name of its own so a concurrently running test JVM never joins this member
    LaunchOptions options = LaunchOptions.defaults()
        .withClusterName("launcher-test-" + UUID.randomUUID())
        .withMetricsPort(metricsPort)
        .withServiceConfig(new io.vertx.core.json.JsonObject().put("probe", "hello"));
    try (RunningService running = ServiceLauncher.start(options, "probe", List.of(ProbeVerticle::new))
        .await(60, TimeUnit.SECONDS)) {
      assertEquals(1, running.deploymentIds().size());
      assertEquals("hello", ProbeVerticle.SEEN_CONFIG.get());
      assertNotNull(Cluster.hazelcast(running.vertx()));
      Cluster.map(running.vertx(), "launcher-test").put("k", "v");
      assertEquals("v", Cluster.hazelcast(running.vertx()).getMap("launcher-test").get("k"));

      HttpResponse<String> r = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      assertTrue(r.body().contains("ipsecmesh_build_info{"), r.body());
      assertTrue(r.body().contains("service=\"probe\""), r.body());
      assertTrue(r.body().contains("jvm_memory_used_bytes"), r.body());
    }
  }

  static final class FailingVerticle extends AbstractVerticle {
    @Override
    public void start() {
      throw new IllegalStateException("port 500 is taken");
    }
  }

  @Test
  void aVerticleThatFailsToStartFailsTheStartAndLeavesTheCluster() {
    LaunchOptions options = LaunchOptions.defaults().withClusterName("launcher-fail-" + UUID.randomUUID());
    Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
        () -> ServiceLauncher.start(options, "probe", List.of(ProbeVerticle::new, FailingVerticle::new))
            .await(60, TimeUnit.SECONDS));
    assertEquals("port 500 is taken", ServiceLauncher.rootMessage(e));
  }

  @Test
  void withoutAClusterSharedMapsAreLocalToTheVertxInstance() {
    Vertx vertx = Vertx.vertx();
    try {
      assertNull(Cluster.hazelcast(vertx));
      Cluster.map(vertx, "m").put("a", "1");
      assertEquals("1", Cluster.map(vertx, "m").get("a"));
      assertTrue(Cluster.map(vertx, "m").replace("a", "1", "2"));
      assertEquals("2", Cluster.map(vertx, "m").get("a"));
    } finally {
      vertx.close().await();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
