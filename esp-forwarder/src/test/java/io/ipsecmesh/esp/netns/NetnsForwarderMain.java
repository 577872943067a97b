package io.ipsecmesh.esp.netns;

import io.ipsecmesh.esp.EspForwarderVerticle;
import io.ipsecmesh.esp.ManualKeyConfigs;
import io.ipsecmesh.proto.bus.BusCodecs;
import io.ipsecmesh.proto.bus.ConfigMessages;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * One gateway of the network-namespace test, run in a child JVM under {@code ip netns exec}: a
 * non-clustered Vert.x with the esp-forwarder (TUN {@code ipsec0}) and the manual-keying
 * configuration of {@link ManualKeyConfigs}, published on {@code config.changed} as config-service
 * would. Prints {@code READY} once the manual SA and the route into the TUN are installed.
 *
 * <p>Arguments: {@code a|b WAN PEER LOCALNET REMOTENET udp|raw} (raw: {@code no crypto ipsec
 * nat-transparency udp-encapsulation}, ESP as IP protocol 50).
 */
public final class NetnsForwarderMain {

  private NetnsForwarderMain() {}

  /** Whether the forwarder's route to the remote LAN (installed asynchronously) is in place. */
  private static boolean routed(String remoteNet) {
    try {
      Process p = new ProcessBuilder("ip", "route", "show", remoteNet + "/24").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      return p.waitFor() == 0 && out.contains("ipsec0");
    } catch (java.io.IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  public static void main(String[] args) throws Exception {
    String role = args[0];
    GatewayConfig config = ManualKeyConfigs.withNatTransparency(role.equals("a")
        ? ManualKeyConfigs.gatewayA(args[1], args[2], args[3], args[4])
        : ManualKeyConfigs.gatewayB(args[1], args[2], args[3], args[4]), !"raw".equals(args[5]));
    Vertx vertx = Vertx.vertx();
    BusCodecs.register(vertx);
    EspForwarderVerticle forwarder = new EspForwarderVerticle();
    JsonObject cfg = new JsonObject().put("stateDir", java.nio.file.Files.createTempDirectory("fwd-state").toString())
        .put("innerPort", "tun").put("tunName", "ipsec0").put("forwarderId", "gw" + role)
        .put("udpGro", Boolean.getBoolean("esp.gro")).put("udpGso", !Boolean.getBoolean("esp.noGso"))
        .put("tunOffload", !Boolean.getBoolean("esp.noTso"));
    vertx.deployVerticle(forwarder, new DeploymentOptions().setConfig(cfg)).onFailure(e -> {
      System.out.println("FAILED " + e);
      e.printStackTrace();
      System.exit(2);
    }).onSuccess(id -> {
      vertx.eventBus().publish(ConfigMessages.CONFIG_CHANGED, new ConfigMessages.ConfigChanged(1, config));
      vertx.setPeriodic(50, t -> {
        if (forwarder.dataPlane().sad().pairs().size() == 1 && routed(args[4])) {
          vertx.cancelTimer(t);
          System.out.println("READY");
          System.out.flush();
          vertx.setPeriodic(1000, s -> {
            var p = forwarder.dataPlane().sad().pairs().get(0);
            var st = forwarder.dataPlane().stats();
            System.out.println("STATS encaps=" + p.outbound().encaps() + " decaps=" + p.inbound().decaps()
                + " sendErrors=" + p.outbound().sendErrors() + " recvErrors=" + p.inbound().recvErrors()
                + " replay=" + p.inbound().replayFailures() + " innerClear=" + st.innerClear()
                + " invalidSpi=" + st.invalidSpi());
          });
        }
      });
    });
  }
}
