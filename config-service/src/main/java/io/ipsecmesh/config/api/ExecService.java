package io.ipsecmesh.config.api;

import io.ipsecmesh.config.api.ExecCommand.ClearSession;
import io.ipsecmesh.config.api.ExecCommand.Debug;
import io.ipsecmesh.config.api.ExecCommand.ShowIkev2Sa;
import io.ipsecmesh.config.api.ExecCommand.ShowLogging;
import io.ipsecmesh.config.api.ExecCommand.ShowIpsecSa;
import io.ipsecmesh.config.api.ExecCommand.ShowIsakmpSa;
import io.ipsecmesh.config.api.ExecCommand.ShowRunningConfig;
import io.ipsecmesh.config.api.ExecCommand.ShowSession;
import io.ipsecmesh.config.api.ExecCommand.UndebugAll;
import io.ipsecmesh.config.show.LogBuffer;
import io.ipsecmesh.config.show.SaTables;
import io.ipsecmesh.config.show.ShowCryptoIkev2Sa;
import io.ipsecmesh.config.show.ShowLoggingBuffer;
import io.ipsecmesh.config.show.ShowCryptoIpsecSa;
import io.ipsecmesh.config.show.ShowCryptoIsakmpSa;
import io.ipsecmesh.proto.bus.EzvpnMessages;
import io.ipsecmesh.proto.bus.MgmtMessages;
import io.ipsecmesh.proto.bus.MgmtMessages.ClearSessionResult;
import io.ipsecmesh.proto.bus.MgmtMessages.Facility;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.nio.charset.StandardCharsets;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Runs exec commands: {@code show} reads the active configuration and the SA maps in Hazelcast,
 * {@code show logging} the {@link LogBuffer} fed from {@link MgmtMessages#LOG}, {@code clear crypto
 * session} asks ike-service ({@link MgmtMessages#CLEAR_SESSION}), {@code debug} publishes
 * {@link MgmtMessages#DEBUG} to every service.
 */
public final class ExecService {

  private final Vertx vertx;
  private final Supplier<GatewayConfig> activeConfig;
  private final SaTables tables;
  private final long requestTimeoutMillis;
  private final LongSupplier wallClock;
  private final LogBuffer log;

  public ExecService(Vertx vertx, Supplier<GatewayConfig> activeConfig, SaTables tables, long requestTimeoutMillis,
      LongSupplier wallClock) {
    this(vertx, activeConfig, tables, requestTimeoutMillis, wallClock, new LogBuffer(LogBuffer.DEFAULT_BYTES));
  }

  public ExecService(Vertx vertx, Supplier<GatewayConfig> activeConfig, SaTables tables, long requestTimeoutMillis,
      LongSupplier wallClock, LogBuffer log) {
    this.log = log;
    this.vertx = vertx;
    this.activeConfig = activeConfig;
    this.tables = tables;
    this.requestTimeoutMillis = requestTimeoutMillis;
    this.wallClock = wallClock;
  }

  /** Never fails: syntax errors and unreachable services become IOS-style text with a 4xx/5xx status. */
  public Future<ExecResult> execute(String line) {
    ExecCommand command;
    try {
      command = ExecParser.parse(line);
    } catch (ExecSyntaxException e) {
      return Future.succeededFuture(new ExecResult(400, e.getMessage() + "\n"));
    }
    return switch (command) {
      case ShowRunningConfig c -> Future.succeededFuture(ExecResult.ok(runningConfig()));
      case ShowIsakmpSa c -> show(() -> ExecResult.ok(c.detail()
          ? ShowCryptoIsakmpSa.renderDetail(tables.ikeSas(), wallClock.getAsLong())
          : ShowCryptoIsakmpSa.render(tables.ikeSas())));
      case ShowIpsecSa c -> show(() -> ExecResult.ok(ShowCryptoIpsecSa.render(activeConfig.get(),
          tables.childSas(), tables.counters(), c.query(), wallClock.getAsLong())));
      case ShowIkev2Sa c -> show(() -> ExecResult.ok(ShowCryptoIkev2Sa.render(activeConfig.get(),
          tables.ikeSas(), c.detailed(), wallClock.getAsLong())));
      case ShowLogging c -> Future.succeededFuture(ExecResult.ok(ShowLoggingBuffer.render(log)));
      case ExecCommand.ShowCryptoMap c -> show(() -> ExecResult.ok(
          io.ipsecmesh.config.show.ShowCryptoMap.render(activeConfig.get(), tables.childSas(), c.tag(), c.dynamic())));
      case ShowSession c -> show(() -> new ExecResult(200,
          tables.cryptoSession(activeConfig.get())));
      case ClearSession c -> clear(new MgmtMessages.ClearSession(c.remoteAddress(), c.remotePort(),
          c.localAddress(), c.localPort()));
      case Debug c -> Future.succeededFuture(ExecResult.ok(debug(c.facility(), c.enabled())));
      case ExecCommand.ShowInterfaces c -> show(() -> interfaces(c.name(), () ->
          io.ipsecmesh.config.show.ShowInterfaces.interfaces(activeConfig.get(), tables.childSas(), tables.counters(),
              c.name())));
      case ExecCommand.ShowIpInterface c -> show(() -> c.brief()
          ? ExecResult.ok(io.ipsecmesh.config.show.ShowInterfaces.brief(activeConfig.get(), tables.childSas()))
          : interfaces(c.name(), () -> io.ipsecmesh.config.show.ShowInterfaces.ipInterface(activeConfig.get(),
              tables.childSas(), c.name())));
      case ExecCommand.ShowEzvpn c -> show(() -> ExecResult.ok(
          io.ipsecmesh.config.show.ShowCryptoIpsecClientEzvpn.render(activeConfig.get(), tables.ezvpn())));
      case ExecCommand.Ezvpn c -> ezvpn(c);
      case UndebugAll c -> {
        for (Facility f : Facility.values()) {
          debug(f, false);
        }
        yield Future.succeededFuture(ExecResult.ok("All possible debugging has been turned off\n"));
      }
    };
  }

  /** A named interface the configuration does not have is refused, as IOS refuses an interface that does not exist. */
  private ExecResult interfaces(String name, Supplier<String> render) {
    if (name != null && io.ipsecmesh.config.show.ShowInterfaces.find(activeConfig.get(), name) == null) {
      return new ExecResult(400, "% Interface " + name + " is not configured\n");
    }
    return ExecResult.ok(render.get());
  }

  private String runningConfig() {
    String text = activeConfig.get().renderSealed();
    return "Building configuration...\n\nCurrent configuration : " + text.getBytes(StandardCharsets.UTF_8).length
        + " bytes\n!\n" + text;
  }

  private String debug(Facility facility, boolean on) {
    vertx.eventBus().publish(MgmtMessages.DEBUG, new MgmtMessages.Debug(facility, on));
    return switch (facility) {
      case ISAKMP -> "Crypto ISAKMP debugging is ";
      case IPSEC -> "Crypto IPSEC debugging is ";
      case IKEV2 -> "IKEv2 default debugging is ";
    } + (on ? "on" : "off") + "\n";
  }

  /**
   * {@code crypto ipsec client ezvpn connect [NAME]} / {@code clear crypto ipsec client ezvpn [NAME]}: ike-service
   * starts or tears down the remote's negotiation ({@link EzvpnMessages#CONNECT}); a name the configuration does not
   * have is refused here, with the names it has.
   */
  private Future<ExecResult> ezvpn(ExecCommand.Ezvpn c) {
    GatewayConfig cfg = activeConfig.get();
    if (c.name() != null && cfg.ezvpnClient(c.name()) == null) {
      return Future.succeededFuture(new ExecResult(400, "% Easy VPN remote " + c.name() + " is not configured"
          + (cfg.ezvpnClients().isEmpty() ? "" : " (configured: " + String.join(", ", cfg.ezvpnClients().stream()
              .map(io.ipsecmesh.proto.config.EzvpnClient::name).toList()) + ")") + "\n"));
    }
    if (c.connect() && c.name() == null && cfg.ezvpnClients().size() != 1) {
      return Future.succeededFuture(new ExecResult(400, cfg.ezvpnClients().isEmpty()
          ? "% No Easy VPN remote is configured (crypto ipsec client ezvpn NAME)\n"
          : "% Several Easy VPN remotes are configured: crypto ipsec client ezvpn connect NAME\n"));
    }
    String name = c.name() != null || !c.connect() ? c.name() : cfg.ezvpnClients().getFirst().name();
    return vertx.eventBus()
        .<EzvpnMessages.ConnectResult>request(EzvpnMessages.CONNECT, new EzvpnMessages.Connect(name, c.connect()),
            new DeliveryOptions().setSendTimeout(requestTimeoutMillis))
        .map(reply -> reply.body().ok() ? ExecResult.ok(reply.body().message())
            : new ExecResult(409, reply.body().message() + "\n"))
        .otherwise(err -> {
          if (err instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS) {
            return new ExecResult(503, "% ike-service is not running: the Easy VPN remote cannot connect\n");
          }
          return new ExecResult(504, "% ike-service did not answer within " + requestTimeoutMillis + " ms\n");
        });
  }

  /** IOS prints nothing after {@code clear crypto session}; the counts go to the log line of ike-service. */
  private Future<ExecResult> clear(MgmtMessages.ClearSession which) {
    return vertx.eventBus()
        .<ClearSessionResult>request(MgmtMessages.CLEAR_SESSION, which,
            new DeliveryOptions().setSendTimeout(requestTimeoutMillis))
        .map(reply -> ExecResult.ok(""))
        .otherwise(err -> {
          if (err instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS) {
            return new ExecResult(503, "% ike-service is not running: no session cleared\n");
          }
          if (err instanceof ReplyException re && re.failureType() == ReplyFailure.TIMEOUT) {
            return new ExecResult(504, "% ike-service did not answer within " + requestTimeoutMillis + " ms\n");
          }
          return new ExecResult(502, "% clear crypto session failed: " + err.getMessage() + "\n");
        });
  }

  /**
   * A show command on a worker, unordered: it only reads, and in the context's ordered queue it would wait behind the
   * SA tables' reconciliation, which reads both SA maps (a second or more at 100 000 SAs).
   */
  private <T> Future<T> show(java.util.concurrent.Callable<T> command) {
    return vertx.executeBlocking(command, false);
  }
}
