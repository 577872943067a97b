package io.ipsecmesh.it;

import io.ipsecmesh.proto.bus.ConfigMessages;
import io.ipsecmesh.proto.bus.ConfigMessages.ConfigChanged;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * A stand-in for a service that consumes the configuration, run in its own JVM by the cluster test:
 * it asks {@code config.get} once (late joiner) and follows {@code config.changed}, printing one line
 * per configuration it receives for the test to read from its stdout.
 */
public final class ConfigProbeVerticle extends VerticleBase {

  @Override
  public Future<?> start() {
    return vertx.eventBus().<ConfigChanged>consumer(ConfigMessages.CONFIG_CHANGED, m -> print("config.changed", m.body()))
        .completion()
        .compose(ignored -> vertx.eventBus()
            .<ConfigChanged>request(ConfigMessages.CONFIG_GET, new ConfigMessages.GetConfig("probe")))
        .onSuccess(reply -> print("config.get", reply.body()))
        .onFailure(err -> System.out.println("probe: config.get failed: " + err.getMessage()))
        .onComplete(ignored -> System.out.println("probe: ready"));
  }

  private static void print(String source, ConfigChanged c) {
    GatewayConfig g = c.config();
    System.out.println("probe: " + source + " version " + c.version() + " keepalive "
        + (g.isakmpKeepalive() == null ? "off" : g.isakmpKeepalive().seconds()));
  }
}
