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

  @Override
  String namespacePrefix() {
    return "dph";
  }

  @Override
  String gatewayConfig() {
    return "dpd-failover-ikev1-hostname-gwa.cfg";
  }

  @Override
  String hubProfile() {
    return "ikev1-psk";
  }

  /**
   * The hubs send no R-U-THERE of their own (they still announce DPD, RFC 3706 §5.1): with strongSwan probing every
   * 10 s too, its probes would be our proof of liveness and ours might never go out before the silence.
   */
  @Override
  Map<String, String> hubProfileOverrides() {
    return Map.of("DPD_DELAY", "0s");
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

  @Override
  String establishedState() {
    return "QM_IDLE";
  }
}
