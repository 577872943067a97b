package io.ipsecmesh.proto.bus;

import io.ipsecmesh.proto.bus.ConfigMessages.ConfigChanged;
import io.ipsecmesh.proto.bus.ConfigMessages.GetConfig;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.time.Scheduler;
import io.ipsecmesh.proto.time.VertxScheduler;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;

/**
 * How a service follows the active configuration (the contract of {@link ConfigMessages}): it consumes
 * {@code config.changed}, asks {@code config.get} once its consumer is registered (a service that starts
 * after config-service published has missed that publication), and hands each configuration newer than
 * the one it holds to its {@link Applier}, exactly once per version.
 *
 * <p>Versions only grow (config-service compares and sets them in {@code ipsec.config}), so anything at
 * or below the held version is stale: a {@code config.get} reply that arrives after a newer
 * publication, or the same publication delivered twice. While no configuration is held, {@code config.get}
 * is asked again every {@link #RETRY_MILLIS}, whether the last one failed (no config-service in the cluster yet,
 * or one without a valid configuration: code 404) or is still unanswered (its reply lost while a member joined);
 * a publication lost while the cluster was still joining is so recovered. Every reply is offered, a late one
 * too.
 *
 * <p>A bad record (no configuration in it) and an applier that throws are counted and logged, never
 * thrown onto the event loop; the version of an applier that threw counts as seen (its next attempt is
 * the next version, as before this class).
 */
public final class ConfigFollower {

  private static final System.Logger LOG = System.getLogger(ConfigFollower.class.getName());
  /** How often a failed {@code config.get} is asked again while no configuration is held. */
  public static final long RETRY_MILLIS = 5_000;

  /** Applies one configuration; runs on the follower's context. */
  @FunctionalInterface
  public interface Applier {
    void apply(long version, GatewayConfig config);
  }

  private final Vertx vertx;
  private final String service;
  private final Applier applier;
  private Scheduler scheduler;
  /** The service's context: replies and retries run there, whatever thread advances the scheduler. */
  private Context context;
  private MessageConsumer<ConfigChanged> consumer;
  /** Completes once the first {@code config.get} was answered, with a configuration or without. */
  private final io.vertx.core.Promise<Void> firstAnswer = io.vertx.core.Promise.promise();
  private Scheduler.Timer retry;
  private boolean stopped;
  private long version = Long.MIN_VALUE;
  private long stale;
  private long rejected;
  private long requests;

  /**
   * @param service   the service's name, as {@link GetConfig#requester()} and in log lines
   * @param scheduler the timer of the {@code config.get} retries (virtual in tests); null = real time
   */
  public ConfigFollower(Vertx vertx, String service, Scheduler scheduler, Applier applier) {
    this.vertx = vertx;
    this.service = service;
    this.scheduler = scheduler;
    this.applier = applier;
  }

  /**
   * Registers the {@code config.changed} consumer and, once it is registered (cluster-wide), asks
   * {@code config.get}. Call it on the service's context.
   *
   * @return completes when the consumer is registered
   */
  public Future<Void> start() {
    BusCodecs.register(vertx);
    if (scheduler == null) {
      scheduler = new VertxScheduler(vertx);
    }
    context = vertx.getOrCreateContext();
    consumer = vertx.eventBus().consumer(ConfigMessages.CONFIG_CHANGED, m -> offer(m.body()));
    return consumer.completion().onSuccess(ok -> fetch());
  }

  /** Stops following: no more configurations, no more retries. */
  public Future<Void> stop() {
    stopped = true;
    if (retry != null) {
      retry.cancel();
      retry = null;
    }
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  /**
   * One configuration, from {@code config.changed} or a {@code config.get} reply: applied when newer than
   * the held one. Never throws.
   *
   * @return true when it was applied
   */
  public boolean offer(ConfigChanged changed) {
    if (stopped) {
      return false;
    }
    if (changed == null || changed.config() == null) {
      rejected++;
      LOG.log(System.Logger.Level.WARNING, service + ": configuration message without a configuration ignored");
      return false;
    }
    if (changed.version() <= version) {
      stale++; // a late config.get reply must not undo a newer publication
      return false;
    }
    version = changed.version();
    if (retry != null) {
      retry.cancel(); // held now, by either path
      retry = null;
    }
    try {
      applier.apply(changed.version(), changed.config());
      firstAnswer.tryComplete();
      return true;
    } catch (RuntimeException e) {
      rejected++;
      LOG.log(System.Logger.Level.ERROR, service + ": configuration " + changed.version() + " failed to apply", e);
      return false;
    }
  }

  private void fetch() {
    retry = null;
    if (stopped || holds()) {
      firstAnswer.tryComplete();
      return;
    }
    requests++;
    // armed before the request, not on its failure: a request whose reply is lost (a member joining, a connection
    // being set up) fails only after the bus's 30 s timeout, and the service would wait that long unconfigured
    retry = scheduler.schedule(RETRY_MILLIS, () -> context.runOnContext(v -> fetch()));
    vertx.eventBus().<ConfigChanged>request(ConfigMessages.CONFIG_GET, new GetConfig(service))
        .onSuccess(reply -> offer(reply.body()))
        .onComplete(done -> firstAnswer.tryComplete())
        .onFailure(err -> LOG.log(System.Logger.Level.DEBUG, service + ": no active configuration yet ("
            + err.getMessage() + "), asking again within " + RETRY_MILLIS + " ms unless config.changed brings one"));
  }

  /**
   * Completes once the first {@code config.get} was answered: after the applier ran on the configuration it
   * brought, or when there was none to bring (no config-service yet: the retries go on). A service whose start
   * must not complete before its first configuration is in force waits for this.
   */
  public Future<Void> firstAnswer() {
    return firstAnswer.future();
  }

  /** True once a configuration has been applied (or offered to the applier). */
  public boolean holds() {
    return version != Long.MIN_VALUE;
  }

  /** True while no configuration is held and the next {@code config.get} is armed. */
  public boolean retrying() {
    return retry != null;
  }

  /** The version of the held configuration, {@link Long#MIN_VALUE} before the first. */
  public long version() {
    return version;
  }

  /** Configurations ignored because they were not newer than the held one. */
  public long staleIgnored() {
    return stale;
  }

  /** Messages without a configuration and configurations the applier threw on. */
  public long rejected() {
    return rejected;
  }

  /** {@code config.get} requests sent (the first and the retries). */
  public long requests() {
    return requests;
  }
}
