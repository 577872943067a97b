package io.ipsecmesh.config;

import io.ipsecmesh.config.api.ApiCredentials;
import io.ipsecmesh.config.api.ExecService;
import io.ipsecmesh.config.api.ManagementApi;
import io.ipsecmesh.config.show.LogBuffer;
import io.ipsecmesh.config.show.SaTables;
import io.ipsecmesh.config.store.ActiveConfig;
import io.ipsecmesh.config.store.ApplyOutcome;
import io.ipsecmesh.config.store.ConfigApplier;
import io.ipsecmesh.config.store.ConfigFileWatcher;
import io.ipsecmesh.config.store.ConfigStore;
import io.ipsecmesh.config.store.ConfigValidator;
import io.ipsecmesh.config.store.IosConfigValidator;
import io.ipsecmesh.proto.bus.ConfigMessages;
import io.ipsecmesh.proto.bus.ConfigMessages.ConfigChanged;
import io.ipsecmesh.proto.bus.ConfigMessages.GetConfig;
import io.ipsecmesh.proto.bus.MgmtMessages;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.runtime.Cluster;
import io.ipsecmesh.proto.sa.SharedMaps;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpServer;
import java.nio.file.Files;
import java.util.logging.Logger;

/**
 * config-service: keeps the active configuration (validated, versioned, in the Hazelcast map
 * {@code ipsec.config}), publishes each new one on {@code config.changed}, answers {@code config.get}
 * for services that start later, reloads the configuration file when it changes, and serves the
 * management API. A configuration that fails validation never replaces a good one.
 */
public final class ConfigVerticle extends VerticleBase {

  private static final Logger LOG = Logger.getLogger(ConfigVerticle.class.getName());

  private final ConfigValidator validator;
  private ConfigServiceSettings settings;
  private volatile ActiveConfig active;
  private ConfigFileWatcher watcher;
  /** The show commands' view of the SA maps, following them while the API runs. */
  private SaTables tables;
  /** The periodic {@link SaTables#reconcile} of the followed rows, or -1. */
  private long reconcileTimer = -1;
  /** Checks every 10 s whether the SA tables reached {@link #warmShowAt} rows, or -1. */
  private long warmTimer = -1;
  /**
   * At 100 000 sessions the first {@code show crypto session} took 1.3–1.6 s and the next ones 0.3–0.6 s: the first
   * ran its 200 000 rows mostly interpreted while the JIT, on two cores busy with 10 000 DPD round trips a second,
   * compiled it (docs/performance.md, "DPD under local overload"). So the listing is rendered in the background when
   * the tables first hold this many IKE SAs, and again at each doubling (20 000, 40 000 …): the JIT compiles a method
   * called per row after some thousand calls, but a loop inside one long call only after tens of thousands of
   * iterations (OSR), which one render at 10 000 never gave it. All of them together cost less than one render at
   * twice the final size; smaller gateways never pay for it.
   */
  static final int WARM_SHOW_AT = 10_000;
  private int warmShowAt = WARM_SHOW_AT;
  private HttpServer server;
  private String apiUrl;

  public ConfigVerticle() {
    this(new IosConfigValidator());
  }

  /** With another validator: tests of the store and API that do not exercise the IOS parser. */
  ConfigVerticle(ConfigValidator validator) {
    this.validator = validator;
  }

  /** The configuration in force, or null before the first valid one. */
  public ActiveConfig active() {
    return active;
  }

  /** The bound management API, e.g. {@code http://127.0.0.1:8300}, or null when off. */
  public String apiUrl() {
    return apiUrl;
  }

  @Override
  public Future<?> start() {
    try {
      settings = ConfigServiceSettings.from(config(), System.getenv());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    ConfigApplier applier = new ConfigApplier(vertx, validator, new ConfigStore(Cluster.map(vertx, SharedMaps.CONFIG)),
        new ConfigApplier.Listener() {
          @Override
          public void applied(ActiveConfig a) {
            ConfigMetrics.INSTANCE.applied.inc();
            adopt(a);
          }

          @Override
          public void rejected(ApplyOutcome.Rejected rejected) {
            ConfigMetrics.INSTANCE.rejected.inc();
          }
        });
    vertx.eventBus().<GetConfig>consumer(ConfigMessages.CONFIG_GET, this::answerGet);
    // another config-service instance in the cluster may publish a newer version
    vertx.eventBus().<ConfigChanged>consumer(ConfigMessages.CONFIG_CHANGED,
        m -> adopt(new ActiveConfig(m.body().version(), m.body().config())));
    return applier.current()
        .compose(existing -> {
          existing.ifPresent(this::adopt);
          return initialConfiguration(applier);
        })
        .compose(ignored -> settings.api() ? startApi(applier) : Future.succeededFuture());
  }

  @Override
  public Future<?> stop() {
    if (watcher != null) {
      watcher.stop();
    }
    if (reconcileTimer >= 0) {
      vertx.cancelTimer(reconcileTimer);
    }
    if (warmTimer >= 0) {
      vertx.cancelTimer(warmTimer);
    }
    if (tables != null) {
      tables.unfollow();
    }
    Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
    return closed.compose(ignored -> apiUrl == null ? Future.succeededFuture()
        : vertx.executeBlocking(() -> Files.deleteIfExists(settings.apiFile())));
  }

  private Future<?> initialConfiguration(ConfigApplier applier) {
    if (settings.configFile() != null) {
      watcher = new ConfigFileWatcher(vertx, settings.configFile(), applier);
      return watcher.start(settings.watchMillis())
          .recover(err -> Future.failedFuture("cannot read configuration file " + settings.configFile() + ": "
              + err.getMessage()))
          .compose(this::requireSomeConfiguration);
    }
    if (settings.configText() != null && active == null) {
      return applier.apply("default-config", settings.configText()).compose(this::requireSomeConfiguration);
    }
    return Future.succeededFuture();
  }

  /** Starting without any valid configuration would leave every service idle: refuse, with the errors. */
  private Future<?> requireSomeConfiguration(ApplyOutcome outcome) {
    if (outcome instanceof ApplyOutcome.Rejected r && active == null) {
      return Future.failedFuture("configuration rejected:\n" + String.join("\n", r.errors()));
    }
    return Future.succeededFuture();
  }

  private Future<?> startApi(ConfigApplier applier) {
    // show logging: every process ships its %… and debug lines here (runtime.BusLogShipper)
    LogBuffer logBuffer = new LogBuffer(LogBuffer.DEFAULT_BYTES);
    vertx.eventBus().<Record>consumer(MgmtMessages.LOG, m -> {
      switch (m.body()) {
        case MgmtMessages.LogLines batch -> batch.lines().forEach(l -> logBuffer.add(l.epochMillis(), l.text()));
        case MgmtMessages.LogLine line -> logBuffer.add(line.epochMillis(), line.text());
        default -> { } // nothing else is published there
      }
    });
    tables = SaTables.of(vertx);
    SaTables followed = tables;
    // reads both SA maps once (blocking); until it is done the commands read the maps themselves
    vertx.executeBlocking(() -> {
      followed.follow();
      return null;
    }).onFailure(err -> LOG.warning(() -> "show commands will read the SA maps at each command: " + err.getMessage()));
    // a row whose event Hazelcast dropped is right again within this period (SaTables#reconcile)
    reconcileTimer = vertx.setPeriodic(SaTables.RECONCILE_MILLIS, id -> vertx.executeBlocking(() -> {
      followed.reconcile();
      return null;
    }, true));
    warmTimer = vertx.setPeriodic(10_000, id -> {
      int rows = followed.ikeSaRows();
      if (rows >= warmShowAt) {
        warmShowAt = rows * 2;
        vertx.executeBlocking(() -> followed.cryptoSession(activeModel()).size(), false);
      }
    });
    ExecService exec = new ExecService(vertx, this::activeModel, tables, settings.requestTimeoutMillis(),
        System::currentTimeMillis, logBuffer);
    String token = settings.apiToken() != null ? settings.apiToken() : ApiCredentials.generateToken();
    ManagementApi api = new ManagementApi(vertx, exec, applier, this::active, token,
        status -> ConfigMetrics.INSTANCE.execs.labelValues(Integer.toString(status)).inc());
    return api.listen(settings.apiHost(), settings.apiPort()).compose(s -> {
      server = s;
      String host = settings.apiHost().contains(":") ? "[" + settings.apiHost() + "]" : settings.apiHost();
      String url = "http://" + host + ":" + s.actualPort();
      return vertx.executeBlocking(() -> {
        ApiCredentials.write(settings.apiFile(), url, token);
        return url;
      });
    }).onSuccess(url -> {
      apiUrl = url;
      LOG.info(() -> "management API on " + url + ", url and token in " + settings.apiFile());
    });
  }

  private GatewayConfig activeModel() {
    ActiveConfig a = active;
    return a == null ? GatewayConfig.empty() : a.config();
  }

  private synchronized void adopt(ActiveConfig a) {
    if (active == null || a.version() > active.version()) {
      active = a;
      ConfigMetrics.INSTANCE.version.set(a.version());
    }
  }

  private void answerGet(Message<GetConfig> m) {
    ActiveConfig a = active;
    if (a == null) {
      m.fail(404, "no valid configuration is active yet");
    } else {
      m.reply(new ConfigChanged(a.version(), a.config()));
    }
  }
}
