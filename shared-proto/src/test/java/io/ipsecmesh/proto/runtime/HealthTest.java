package io.ipsecmesh.proto.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** {@code /health} next to {@code /metrics} on the metrics port: 503 while starting, 200 when up, 503 when stopping. */
class HealthTest {

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void healthFollowsTheProcessAndMetricsStayServed() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Health health = new Health();
    HTTPServer server = Metrics.serve("127.0.0.1", port, health);
    try {
      assertEquals("503 starting\n", get(port, "/health"));
      health.up();
      assertEquals("200 ok\n", get(port, "/health"));
      String metrics = get(port, "/metrics");
      assertTrue(metrics.startsWith("200 "), metrics);
      assertEquals("404 not found: /health and /metrics only\n", get(port, "/healthz"));
      health.stopping();
      assertEquals("503 stopping\n", get(port, "/health"));
    } finally {
      server.close();
    }
  }

  private String get(int port, String path) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
    return r.statusCode() + " " + r.body();
  }
}
