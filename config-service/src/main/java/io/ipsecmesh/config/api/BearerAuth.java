package io.ipsecmesh.config.api;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** {@code Authorization: Bearer TOKEN} on every management request, compared in constant time. */
final class BearerAuth implements Handler<RoutingContext> {

  private final byte[] token;

  BearerAuth(String token) {
    this.token = token.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String h = ctx.request().getHeader("Authorization");
    byte[] given = h != null && h.regionMatches(true, 0, "Bearer ", 0, 7)
        ? h.substring(7).strip().getBytes(StandardCharsets.UTF_8)
        : new byte[0];
    if (MessageDigest.isEqual(given, token)) {
      ctx.next();
    } else {
      ctx.response().setStatusCode(401)
          .putHeader("WWW-Authenticate", "Bearer realm=\"ipsec-mesh\"")
          .putHeader("Content-Type", "text/plain; charset=utf-8")
          .end(h == null ? "% missing Authorization: Bearer token\n" : "% invalid bearer token\n");
    }
  }
}
