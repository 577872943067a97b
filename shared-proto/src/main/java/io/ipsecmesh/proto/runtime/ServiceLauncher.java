package io.ipsecmesh.proto.runtime;

import com.hazelcast.config.Config;
import io.ipsecmesh.proto.bus.BusCodecs;
import io.ipsecmesh.proto.bus.ControlAuth;
import io.ipsecmesh.proto.kek.Kek;
import io.ipsecmesh.proto.kek.KekFile;
import io.ipsecmesh.proto.kek.KekProof;
import io.ipsecmesh.proto.kek.ProcessKek;
import io.ipsecmesh.proto.tls.ClusterTls;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Starts a service process: clustered Vert.x on a Hazelcast member ({@link HazelcastConfigs}), the
 * bus codecs, the verticle(s) with the non-cluster flags as their config, and the metrics endpoint.
 * A service's {@code Main} is {@code ServiceLauncher.run(args, IkeVerticle::new);}.
 */
public final class ServiceLauncher {

  private static final Logger LOG = Logger.getLogger(ServiceLauncher.class.getName());
  private static final long START_TIMEOUT_SECONDS = 120;

  private ServiceLauncher() {}

  /**
   * Entry point for a service's {@code main}: parses flags/env ({@link LaunchOptions}), starts, and
   * exits with status 1 and a one-line reason when anything fails. The process then lives on the
   * non-daemon Vert.x threads; SIGTERM leaves the cluster cleanly.
   */
  public static void run(String[] args, Supplier<? extends Deployable> verticle) {
    try {
      LaunchOptions options = LaunchOptions.fromCommandLine(args);
      requireConfiguredKek(options);
      Deployable first = verticle.get();
      String service = ServiceNames.of(first.getClass());
      RunningService running = start(options, service, List.of(new Once(first, verticle)))
          .await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      closeOnShutdown(running);
      LOG.info(() -> service + " " + Metrics.version() + " started, cluster '" + options.clusterName() + "'"
          + (running.metrics() == null ? "" : ", metrics on :" + running.metrics().getPort()));
    } catch (Exception e) {
      System.err.println("ipsec-mesh: cannot start: " + rootMessage(e));
      System.exit(1);
    }
  }

  /**
   * A service started on its own joins a cluster whose other members must unwrap the keys it wraps: it
   * never invents a KEK (issue 10: five JVMs each with a random KEK reported the tunnel UP and carried
   * nothing).
   */
  static void requireConfiguredKek(LaunchOptions options) {
    if (options.kekFile() == null && ProcessKek.fromEnvironment() == null) {
      throw new IllegalArgumentException("no KEK: a service started on its own needs the cluster's KEK, "
          + "--kek-file FILE or IPSECMESH_KEK_FILE (create one with: ipsec-mesh kek init FILE; docs/security.md)");
    }
    if (options.tlsKeystore() == null || options.tlsCa() == null) {
      throw new IllegalArgumentException("no TLS material: a service started on its own talks to the others over a "
          + "mutually authenticated event bus, --tls-keystore FILE --tls-ca FILE or IPSECMESH_TLS_KEYSTORE/_CA "
          + "(create them with: ipsec-mesh tls init DIR NAME...; docs/security.md)");
    }
  }

  /**
   * The KEK the options name ({@code --kek-file}), else {@code IPSECMESH_KEK}, else the process's own
   * ({@link ProcessKek#current()}), installed as the process's KEK.
   */
  static Kek installKek(LaunchOptions options) {
    Kek kek = options.kekFile() != null ? KekFile.load(options.kekFile()) : ProcessKek.fromEnvironment();
    if (kek == null) {
      kek = ProcessKek.current();
    }
    ProcessKek.install(kek);
    return kek;
  }

  /**
   * Starts clustered Vert.x and deploys each verticle once, in order, with
   * {@link LaunchOptions#serviceConfig()} as its config. On a failed deployment Vert.x is closed again
   * so no half-started member lingers in the cluster.
   */
  public static Future<RunningService> start(LaunchOptions options, String service,
      List<Supplier<? extends Deployable>> verticles) {
    int loops;
    try {
      loops = eventLoops();
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    Metrics.describe(service);
    // the instance label of this process's metrics: --instance-id, else host-pid (ike-service in scale-out mode
    // names it after its ike-instance-id when it starts)
    Object instanceId = options.serviceConfig().getValue("instance-id");
    Metrics.instance(instanceId == null ? null : instanceId.toString());
    Health health = new Health();
    HTTPServer metrics;
    try {
      metrics = Metrics.serve(options.metricsHost(), options.metricsPort(), health);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    // completed from plain threads: a listener on a Vert.x future would run on an event loop that
    // vertx.close() has just shut down, and the caller would wait for ever
    Promise<RunningService> result = Promise.promise();
    startVertx(options, loops).onComplete(started -> {
      if (started.failed()) {
        closeMetrics(metrics);
        result.fail(started.cause());
        return;
      }
      Vertx vertx = started.result();
      BusCodecs.register(vertx);
      // show logging: this process's %CRYPTO-… and debug lines reach config-service over the bus
      BusLogShipper shipper = BusLogShipper.install(vertx);
      deployInOrder(vertx, options, verticles, 0, new ArrayList<>()).onComplete(deployed -> {
        if (deployed.succeeded()) {
          health.up();
          result.complete(new RunningService(vertx, deployed.result(), metrics, health, shipper));
        } else {
          Thread.ofPlatform().name("ipsec-mesh-abort").start(() -> {
            new RunningService(vertx, List.of(), metrics, health, shipper).close();
            result.fail(deployed.cause());
          });
        }
      });
    });
    return result.future();
  }

  private static void closeMetrics(HTTPServer metrics) {
    if (metrics != null) {
      metrics.close();
    }
  }

  /**
   * Clustered Vert.x only, for callers that deploy on their own (the gateway, tests). Loads and installs
   * the KEK first and publishes its proof; a member whose KEK differs from the cluster's leaves again
   * and the future fails with {@link KekProof.KekMismatchException}.
   */
  public static Future<Vertx> startVertx(LaunchOptions options) {
    try {
      return startVertx(options, eventLoops());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
  }

  /** The system property that sets the number of event loops (measurements: docs/performance.md). */
  public static final String EVENT_LOOPS_PROPERTY = "ipsecmesh.event-loops";

  /**
   * Event loops of a process: Vert.x's default (two per core), for {@code ipsec-mesh run} as for a service on its own,
   * unless {@value #EVENT_LOOPS_PROPERTY} says otherwise. One loop per core halved the cross-loop wake-ups per IKE SA
   * in {@code ipsec-mesh run} but gained no CPU measurably at 1 000 IKE SAs, and at 65 000–70 000 IKE SAs with DPD on
   * it lost the gateway twice: ike-service's socket waited behind its loop-mates' tasks (DPD probes, the forwarder's
   * slices, bus deliveries), the receive buffer overflowed, and DPD declared tens of thousands of peers dead; with
   * two loops per core the same run held 100 000 (docs/performance.md, "100 000 IKE SAs on one gateway").
   */
  static int eventLoops() {
    String forced = System.getProperty(EVENT_LOOPS_PROPERTY);
    if (forced != null) {
      try {
        int n = Integer.parseInt(forced.trim());
        if (n > 0) {
          return n;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new IllegalArgumentException("-D" + EVENT_LOOPS_PROPERTY + "=" + forced + ": a number of event loops, 1 or more");
    }
    return VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;
  }

  private static Future<Vertx> startVertx(LaunchOptions options, int eventLoops) {
    Kek kek;
    Config member;
    try {
      kek = installKek(options);
      member = HazelcastConfigs.member(options);
      KekProof.publish(member, kek);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    EventBusOptions bus = new EventBusOptions();
    if (!options.autoHost()) {
      bus.setHost(options.clusterHost());
    }
    if (options.tlsKeystore() != null || options.tlsCa() != null) {
      if (options.tlsKeystore() == null || options.tlsCa() == null) {
        return Future.failedFuture(new IllegalArgumentException("--tls-keystore and --tls-ca go together"));
      }
      try {
        ClusterTls.apply(bus, new ClusterTls.Member(options.tlsCa(), options.tlsKeystore()), kek);
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    }
    Promise<Vertx> result = Promise.promise();
    Vertx.builder()
        .with(new VertxOptions().setEventBusOptions(bus).setEventLoopPoolSize(eventLoops))
        .withClusterManager(new HazelcastClusterManager(member))
        .buildClustered()
        .onComplete(built -> {
          if (built.failed()) {
            result.fail(built.cause());
            return;
          }
          Vertx vertx = built.result();
          try {
            KekProof.verifyJoined(Cluster.hazelcast(vertx), kek);
            ControlAuth.install(vertx, kek);
            result.complete(vertx);
          } catch (RuntimeException e) {
            // leave at once, from a plain thread (see start): our member must not stay in their cluster
            Thread.ofPlatform().name("ipsec-mesh-leave").start(() -> {
              try {
                vertx.close().await(15, TimeUnit.SECONDS);
              } catch (Exception closing) {
                e.addSuppressed(closing);
              }
              result.fail(e);
            });
          }
        });
    return result.future();
  }

  private static Future<List<String>> deployInOrder(Vertx vertx, LaunchOptions options,
      List<Supplier<? extends Deployable>> verticles, int index, List<String> ids) {
    if (index == verticles.size()) {
      return Future.succeededFuture(ids);
    }
    DeploymentOptions deployment = new DeploymentOptions().setConfig(options.serviceConfig());
    return vertx.deployVerticle(verticles.get(index), deployment).compose(id -> {
      ids.add(id);
      return deployInOrder(vertx, options, verticles, index + 1, ids);
    });
  }

  /** Leaves the cluster on SIGTERM/SIGINT so other members drop our bus registrations at once. */
  public static void closeOnShutdown(RunningService running) {
    Runtime.getRuntime().addShutdownHook(new Thread(running::close, "ipsec-mesh-shutdown"));
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return m == null ? t.getClass().getName() : m;
  }

  /** Hands out the instance already built to learn the service name, then fresh ones. */
  private static final class Once implements Supplier<Deployable> {
    private final Supplier<? extends Deployable> factory;
    private Deployable first;

    Once(Deployable first, Supplier<? extends Deployable> factory) {
      this.first = first;
      this.factory = factory;
    }

    @Override
    public synchronized Deployable get() {
      if (first != null) {
        Deployable d = first;
        first = null;
        return d;
      }
      return factory.get();
    }
  }
}
