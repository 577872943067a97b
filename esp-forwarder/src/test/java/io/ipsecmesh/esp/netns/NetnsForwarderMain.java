package io.ipsecmesh.esp.netns;

import io.ipsecmesh.esp.ManualKeyConfigs;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.vertx.core.json.JsonObject;
import java.util.List;

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

  public static void main(String[] args) throws Exception {
    String role = args[0];
    GatewayConfig config = ManualKeyConfigs.withNatTransparency(role.equals("a")
        ? ManualKeyConfigs.gatewayA(args[1], args[2], args[3], args[4])
        : ManualKeyConfigs.gatewayB(args[1], args[2], args[3], args[4]), !"raw".equals(args[5]));
    JsonObject options = new JsonObject().put("udpGro", Boolean.getBoolean("esp.gro"))
        .put("udpGso", !Boolean.getBoolean("esp.noGso")).put("tunOffload", !Boolean.getBoolean("esp.noTso"));
    ForwarderChild.start(role, options, config, 1, List.of(args[4]), (vertx, forwarder) ->
        vertx.setPeriodic(1000, s -> {
          var p = forwarder.dataPlane().sad().pairs().get(0);
          var st = forwarder.dataPlane().stats();
          System.out.println("STATS encaps=" + p.outbound().encaps() + " decaps=" + p.inbound().decaps()
              + " sendErrors=" + p.outbound().sendErrors() + " recvErrors=" + p.inbound().recvErrors()
              + " replay=" + p.inbound().replayFailures() + " innerClear=" + st.innerClear()
              + " invalidSpi=" + st.invalidSpi());
        }));
  }
}
