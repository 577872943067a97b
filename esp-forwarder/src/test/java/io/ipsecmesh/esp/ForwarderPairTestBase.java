package io.ipsecmesh.esp;

import io.ipsecmesh.esp.tun.InProcessPacketPort;
import io.ipsecmesh.proto.bus.BusCodecs;
import io.ipsecmesh.proto.bus.ConfigMessages;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The fixture of the verticle tests that run two forwarders, A and B, against each other: each in a Vert.x of its
 * own (not clustered, so each has its own bus) with an in-process inner port, ESP between them over real UDP
 * sockets on loopback. A test class extends it, deploys the two with the options it proves ({@link #deploy}),
 * configures them ({@link #configure}, {@link #manuallyKeyed}) and waits, bounded, on a Vert.x timer
 * ({@link #await}); both Vert.x instances are closed after each test, also when it fails.
 */
public abstract class ForwarderPairTestBase {

  /** How long a deployment, a close or a wait may take before the test fails. */
  protected static final int TIMEOUT_SECONDS = 20;

  protected Vertx va;
  protected Vertx vb;
  protected final InProcessPacketPort portA = new InProcessPacketPort("a");
  protected final InProcessPacketPort portB = new InProcessPacketPort("b");
  protected EspForwarderVerticle fa;
  protected EspForwarderVerticle fb;

  @BeforeEach
  protected void startVertx() {
    va = Vertx.vertx();
    vb = Vertx.vertx();
  }

  @AfterEach
  protected void closeVertx() throws Exception {
    for (Vertx v : new Vertx[] {va, vb}) {
      if (v != null) {
        v.close().await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      }
    }
  }

  /** A forwarder on {@code v} behind {@code port}, with {@code config} (the options its {@code Main} reads). */
  protected static EspForwarderVerticle deploy(Vertx v, InProcessPacketPort port, JsonObject config)
      throws Exception {
    BusCodecs.register(v);
    EspForwarderVerticle f = new EspForwarderVerticle(port);
    v.deployVerticle(f, new DeploymentOptions().setConfig(config)).await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    return f;
  }

  /** {@code config.changed} version 1 on each bus: A's configuration to A, B's to B. */
  protected void configure(GatewayConfig a, GatewayConfig b) {
    va.eventBus().publish(ConfigMessages.CONFIG_CHANGED, new ConfigMessages.ConfigChanged(1, a));
    vb.eventBus().publish(ConfigMessages.CONFIG_CHANGED, new ConfigMessages.ConfigChanged(1, b));
  }

  /**
   * The two gateways of {@link ManualKeyConfigs} with manual keys, A at {@code addressA} protecting {@code netA}
   * (a /24) and B at {@code addressB} protecting {@code netB}; returns once each forwarder holds its SA pair.
   */
  protected void manuallyKeyed(String addressA, String addressB, String netA, String netB) throws Exception {
    configure(ManualKeyConfigs.gatewayA(addressA, addressB, netA, netB),
        ManualKeyConfigs.gatewayB(addressB, addressA, netB, netA));
    await(va, () -> fa.dataPlane().sad().pairs().size() == 1 && fb.dataPlane().sad().pairs().size() == 1);
  }

  /** Waits (bounded) until {@code condition} holds, checking on a Vert.x timer of {@code v}. */
  protected static void await(Vertx v, BooleanSupplier condition) throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    long timer = v.setPeriodic(10, t -> {
      if (condition.getAsBoolean()) {
        done.complete(null);
      }
    });
    try {
      done.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } finally {
      v.cancelTimer(timer);
    }
  }
}
