package io.ipsecmesh.config.api;

import io.ipsecmesh.config.store.ActiveConfig;
import io.ipsecmesh.config.store.ApplyOutcome;
import io.ipsecmesh.config.store.ConfigApplier;
import io.ipsecmesh.config.store.Validation;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The management REST API, bearer-token protected, answering in plain text:
 *
 * <pre>
 * POST /exec             body: one IOS exec command (text/plain, or JSON {"command": "…"})
 * GET  /config           the active running-config
 * POST /config[?check=true][&amp;name=FILE]   body: a whole configuration; replaces the active one when
 *                        valid (200), else 422 with every error as FILE:LINE: message
 * GET  /health           "ok", without token (container health checks)
 * </pre>
 */
public final class ManagementApi {

  private static final Logger LOG = Logger.getLogger(ManagementApi.class.getName());
  private static final long EXEC_BODY_LIMIT = 4 * 1024;
  private static final long CONFIG_BODY_LIMIT = 1024 * 1024;
  private static final Pattern SOURCE_NAME = Pattern.compile("[\\w./-]{1,100}");
  private static final String TEXT = "text/plain; charset=utf-8";

  private final Vertx vertx;
  private final ExecService exec;
  private final ConfigApplier applier;
  private final Supplier<ActiveConfig> active;
  private final String token;
  private final IntConsumer execObserver;

  /** @param execObserver told the HTTP status of every exec command (metrics) */
  public ManagementApi(Vertx vertx, ExecService exec, ConfigApplier applier, Supplier<ActiveConfig> active,
      String token, IntConsumer execObserver) {
    this.vertx = vertx;
    this.exec = exec;
    this.applier = applier;
    this.active = active;
    this.token = token;
    this.execObserver = execObserver;
  }

  public Future<HttpServer> listen(String host, int port) {
    return vertx.createHttpServer().requestHandler(router()).listen(port, host);
  }

  Router router() {
    Router r = Router.router(vertx);
    r.get("/health").handler(ctx -> text(ctx, 200, "ok\n"));
    r.route().handler(new BearerAuth(token));
    r.post("/exec").handler(BodyHandler.create(false).setBodyLimit(EXEC_BODY_LIMIT)).handler(this::exec);
    r.get("/config").handler(this::getConfig);
    r.post("/config").handler(BodyHandler.create(false).setBodyLimit(CONFIG_BODY_LIMIT)).handler(this::postConfig);
    r.route().handler(ctx -> text(ctx, ctx.request().method() == HttpMethod.GET || ctx.request().method() == HttpMethod.POST
        ? 404 : 405, "% no such endpoint: " + ctx.request().method() + " " + ctx.request().path()
        + " (use POST /exec, GET /config, POST /config)\n"));
    r.route().failureHandler(this::failure);
    return r;
  }

  private void exec(RoutingContext ctx) {
    String command;
    try {
      command = ExecRequest.commandLine(ctx.request().getHeader("Content-Type"), ctx.body().asString());
    } catch (ExecSyntaxException e) {
      text(ctx, 400, e.getMessage() + "\n");
      return;
    }
    exec.execute(command).onComplete(ar -> {
      if (ar.succeeded()) {
        execObserver.accept(ar.result().status());
        text(ctx, ar.result().status(), ar.result().parts());
      } else {
        ctx.fail(ar.cause());
      }
    });
  }

  private void getConfig(RoutingContext ctx) {
    ActiveConfig a = active.get();
    if (a == null) {
      text(ctx, 404, "% no valid configuration is active yet\n");
    } else {
      ctx.response().putHeader("X-Config-Version", Long.toString(a.version()));
      text(ctx, 200, a.config().renderSealed());
    }
  }

  private void postConfig(RoutingContext ctx) {
    String body = ctx.body().asString();
    if (body == null || body.isBlank()) {
      text(ctx, 400, "% empty configuration: POST the whole configuration text as the request body\n");
      return;
    }
    String name = ctx.request().getParam("name", "api");
    if (!SOURCE_NAME.matcher(name).matches()) {
      text(ctx, 400, "% name must be 1-100 characters of letters, digits, '.', '/', '_' or '-'\n");
      return;
    }
    if ("true".equals(ctx.request().getParam("check"))) {
      applier.check(name, body).onComplete(ar -> {
        if (ar.failed()) {
          ctx.fail(ar.cause());
          return;
        }
        Validation v = ar.result();
        text(ctx, v.valid() ? 200 : 422, v.valid()
            ? "% configuration is valid (not applied)\n" + warnings(v.warnings())
            : lines(v.errors()) + warnings(v.warnings()) + "% configuration is invalid: " + v.errors().size()
                + " error(s)\n");
      });
      return;
    }
    applier.apply(name, body).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      switch (ar.result()) {
        case ApplyOutcome.Applied a ->
            text(ctx, 200, "% configuration version " + a.version() + " is active\n" + warnings(a.warnings()));
        case ApplyOutcome.Unchanged u ->
            text(ctx, 200, "% configuration unchanged, version " + u.version() + " stays active\n"
                + warnings(u.warnings()));
        case ApplyOutcome.Rejected rej -> {
          ActiveConfig a = active.get();
          text(ctx, 422, lines(rej.errors()) + warnings(rej.warnings()) + "% configuration rejected: "
              + rej.errors().size() + " error(s); " + (a == null ? "no configuration is active"
              : "version " + a.version() + " stays active") + "\n");
        }
      }
    });
  }

  private void failure(RoutingContext ctx) {
    int status = ctx.statusCode();
    if (status == 413) {
      text(ctx, 413, "% request body too large\n");
      return;
    }
    if (status >= 400 && status < 500) {
      text(ctx, status, "% bad request\n");
      return;
    }
    LOG.log(Level.WARNING, "management API request failed: " + ctx.request().path(), ctx.failure());
    text(ctx, 500, "% internal error: " + (ctx.failure() == null ? "unknown" : ctx.failure().getMessage()) + "\n");
  }

  private static String lines(List<String> l) {
    return l.isEmpty() ? "" : String.join("\n", l) + "\n";
  }

  private static String warnings(List<String> w) {
    return lines(w);
  }

  private static void text(RoutingContext ctx, int status, String body) {
    if (!ctx.response().ended()) {
      ctx.response().setStatusCode(status).putHeader("Content-Type", TEXT).end(body);
    }
  }

  /** An answer in parts: one HTTP chunk each, so that no buffer holds the whole of a long listing. */
  private static void text(RoutingContext ctx, int status, List<String> parts) {
    if (parts.size() == 1) {
      text(ctx, status, parts.getFirst());
    } else if (!ctx.response().ended()) {
      ctx.response().setStatusCode(status).putHeader("Content-Type", TEXT).setChunked(true);
      parts.forEach(ctx.response()::write);
      ctx.response().end();
    }
  }
}
