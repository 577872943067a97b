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
 * <p>Arguments: {@code a|b WAN PEER LOCALNET REMOTENET udp|raw [LOCALNET6 REMOTENET6]} (raw: {@code no crypto ipsec
 * nat-transparency udp-encapsulation}, ESP as IP protocol 50; WAN and PEER IPv4 or IPv6 addresses). With the two
 * IPv6 /64 prefixes, the dual-stack configuration of {@link ManualKeyConfigs#dualStack}: an IPv4 and an IPv6 crypto
 * map, two manual SA pairs to the one peer.
 */
public final class NetnsForwarderMain {

  private NetnsForwarderMain() {}

  public static void main(String[] args) throws Exception {
    String role = args[0];
    boolean dual = args.length >= 8;
    GatewayConfig config = dual
        ? ManualKeyConfigs.dualStack(role.equals("a"), args[1], args[2], args[3], args[4], args[6], args[7],
            !"raw".equals(args[5]))
        : ManualKeyConfigs.withNatTransparency(role.equals("a")
            ? ManualKeyConfigs.gatewayA(args[1], args[2], args[3], args[4])
            : ManualKeyConfigs.gatewayB(args[1], args[2], args[3], args[4]), !"raw".equals(args[5]));
    JsonObject options = new JsonObject().put("udpGro", Boolean.getBoolean("esp.gro"))
        .put("udpGso", !Boolean.getBoolean("esp.noGso")).put("tunOffload", !Boolean.getBoolean("esp.noTso"))
        .put("udpChecksum", System.getProperty("esp.udpChecksum", "zero"));
    if (dual) {
      // a TUN as large as the LAN, so a packet too big for the tunnel reaches the forwarder's pre-fragmentation
      // decision rather than the kernel's own MTU check in front of the TUN
      options.put("tunMtu", 1500);
    }
    ForwarderChild.start(role, options, config, dual ? 2 : 1, dual ? List.of(args[4], args[7]) : List.of(args[4]),
        (vertx, forwarder) -> vertx.setPeriodic(1000, s -> {
          var st = forwarder.dataPlane().stats();
          for (var p : forwarder.dataPlane().sad().pairs()) {
            System.out.println("STATS " + p.sa().cryptoMap() + " encaps=" + p.outbound().encaps() + " decaps="
                + p.inbound().decaps() + " sendErrors=" + p.outbound().sendErrors() + " recvErrors="
                + p.inbound().recvErrors() + " replay=" + p.inbound().replayFailures() + " innerClear="
                + st.innerClear() + " invalidSpi=" + st.invalidSpi() + " tooBig6="
                + forwarder.dataPlane().outbound().fragmentStats().packetTooBigSent);
          }
        }));
  }
}
