package io.ipsecmesh.esp.netns;

import io.ipsecmesh.esp.EspForwarderVerticle;
import io.ipsecmesh.proto.bus.BusCodecs;
import io.ipsecmesh.proto.bus.ConfigMessages;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.testsupport.Sh;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The child-JVM side of the netns tests ({@code ip netns exec … java …Main}): one esp-forwarder with a TUN
 * {@code ipsec0} in this namespace, given a configuration as config-service would publish it; {@code READY} on
 * stdout once its manual SAs are installed and its routes to the remote LANs are in the kernel, which the parent
 * ({@link io.ipsecmesh.testsupport.ChildJvm}) waits for. {@code FAILED …} and exit status 2 when it cannot start.
 */
final class ForwarderChild {

  private ForwarderChild() {}

  /**
   * Deploys the forwarder with {@code options} (plus the TUN and a fresh state directory), publishes {@code config}
   * as version 1 and, once {@code pairs} SA pairs and the routes to {@code remoteNets} (/24 each) are in place,
   * prints {@code READY} and hands the forwarder to {@code ready} (an IPv6 remote net: its /64).
   */
  static void start(String role, JsonObject options, GatewayConfig config, int pairs, List<String> remoteNets,
      BiConsumer<Vertx, EspForwarderVerticle> ready) throws Exception {
    Vertx vertx = Vertx.vertx();
    BusCodecs.register(vertx);
    EspForwarderVerticle forwarder = new EspForwarderVerticle();
    JsonObject cfg = options.copy().put("innerPort", "tun").put("tunName", "ipsec0").put("forwarderId", "gw" + role)
        .put("stateDir", io.ipsecmesh.testsupport.Sh.runDirectory("fwd-state").toString());
    vertx.deployVerticle(forwarder, new DeploymentOptions().setConfig(cfg)).onFailure(e -> {
      System.out.println("FAILED " + e);
      e.printStackTrace();
      System.exit(2);
    }).onSuccess(id -> {
      vertx.eventBus().publish(ConfigMessages.CONFIG_CHANGED, new ConfigMessages.ConfigChanged(1, config));
      vertx.setPeriodic(50, t -> {
        if (forwarder.dataPlane().sad().pairs().size() == pairs && remoteNets.stream().allMatch(ForwarderChild::routed)) {
          vertx.cancelTimer(t);
          System.out.println("READY");
          System.out.flush();
          ready.accept(vertx, forwarder);
        }
      });
    });
  }

  /** Whether the forwarder's route to the remote LAN (installed asynchronously; IPv4 /24, IPv6 /64) is in place. */
  private static boolean routed(String remoteNet) {
    boolean v6 = remoteNet.indexOf(':') >= 0;
    Sh.Result r = Sh.run(5, "ip", v6 ? "-6" : "-4", "route", "show", remoteNet + (v6 ? "/64" : "/24"));
    return r.ok() && r.output().contains("ipsec0");
  }
}
