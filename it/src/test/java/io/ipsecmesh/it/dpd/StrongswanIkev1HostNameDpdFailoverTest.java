package io.ipsecmesh.it.dpd;

import io.ipsecmesh.it.TwoHubTopology;
import java.util.Map;

/**
 * {@link StrongswanDpdFailoverTest}'s scenario over IKEv1 (strongSwan's {@code ikev1-psk} hubs, {@code crypto isakmp
 * keepalive 10 2 periodic}) with the hubs given by host name: {@code set peer hub1.dpd.test} and {@code set peer
 * hub2.dpd.test dynamic}, resolved by the system resolver from the gateway namespace's hosts file
 * ({@code /etc/netns/NS/hosts}, which {@code ip netns exec} puts in place of {@code /etc/hosts}), keyed by
 * {@code crypto isakmp key … hostname}. dpd-service knows the dead peer by address only and names the list's first
 * name again; the failover to hub2 is ike-service's, by position in the list (namespaces {@code dph*}).
 */
class StrongswanIkev1HostNameDpdFailoverTest extends StrongswanDpdFailoverTest {

  StrongswanIkev1HostNameDpdFailoverTest() {
    super("dph");
  }

  @Override
  String gatewayConfig() {
    return "dpd-failover-ikev1-hostname-gwa.cfg";
  }

  @Override
  String hubProfile() {
    return "ikev1-psk";
  }

  @Override
  Map<String, String> hubProfileOverrides() {
    return Map.of();
  }

  @Override
  void beforeGateway(TwoHubTopology topology) throws Exception {
    topology.hosts("127.0.0.1 localhost\n" + TwoHubTopology.PEER_1_WAN + " hub1.dpd.test\n"
        + TwoHubTopology.PEER_2_WAN + " hub2.dpd.test\n");
  }

  @Override
  String debugCommand() {
    return "debug crypto isakmp";
  }

  @Override
  String probeAnsweredLine() {
    return "DPD/R_U_THERE_ACK received from peer " + TwoHubTopology.PEER_1_WAN;
  }
}
