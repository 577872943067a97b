package io.ipsecmesh.gateway;

import io.ipsecmesh.proto.runtime.LaunchOptions;
import io.ipsecmesh.proto.runtime.RunningService;
import io.ipsecmesh.proto.runtime.ServiceLauncher;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.util.List;

/**
 * {@code ipsec-mesh run}: every service's verticle in one JVM on one clustered Vert.x whose embedded
 * Hazelcast member holds the shared maps. Without {@code --config} the embedded default configuration
 * is used.
 */
final class GatewayRunner {

  /** Prometheus port of {@code run} when none is given (the services alone default to off). */
  static final int DEFAULT_METRICS_PORT = 9400;

  private GatewayRunner() {}

  static Future<RunningService> start(LaunchOptions options, List<String> verticles, PrintStream log) {
    ServiceCatalog.Resolved resolved;
    try {
      resolved = ServiceCatalog.resolve(verticles, GatewayRunner.class.getClassLoader());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    if (!resolved.missing().isEmpty()) {
      log.println("ipsec-mesh: not in this build, not started: " + String.join(", ", resolved.missing()));
    }
    JsonObject config = options.serviceConfig();
    if (config.getValue("config") == null && config.getValue("config-text") == null) {
      config.put("config-text", DefaultConfig.text());
      if (config.getValue("interfaceMap") == null) {
        config.put("interfaceMap", DefaultConfig.INTERFACE_MAP);
      }
      log.println("ipsec-mesh: no --config given, running the embedded default configuration (interfaces "
          + config.getValue("interfaceMap") + ")");
    }
    return ServiceLauncher.start(options.withServiceConfig(config), "gateway", resolved.present())
        .onSuccess(r -> log.println("ipsec-mesh: started " + String.join(", ", resolved.presentNames())));
  }
}
