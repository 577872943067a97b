package io.ipsecmesh.proto.runtime;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /health} on the metrics port, for container health checks of the services that serve no
 * management API: 503 {@code starting} until the process has joined the cluster and deployed its
 * verticles, then 200 {@code ok}, and 503 {@code stopping} once it is closing. Every other path but
 * {@code /metrics} (and the exporter's own {@code /-/healthy}) answers 404. One per process: the
 * single-JVM gateway's services share it like they share the metrics endpoint.
 */
public final class Health implements HttpHandler {

  enum State { STARTING, UP, STOPPING }

  private volatile State state = State.STARTING;

  void up() {
    state = State.UP;
  }

  void stopping() {
    state = State.STOPPING;
  }

  State state() {
    return state;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      int status;
      String body;
      if (!"/health".equals(path)) {
        status = 404;
        body = "not found: /health and /metrics only\n";
      } else if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
        status = 405;
        body = "GET only\n";
      } else {
        State s = state;
        status = s == State.UP ? 200 : 503;
        body = s == State.UP ? "ok\n" : s.name().toLowerCase(java.util.Locale.ROOT) + "\n";
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
      boolean head = "HEAD".equals(exchange.getRequestMethod());
      exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    }
  }
}
