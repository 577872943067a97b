package io.ipsecmesh.it;

import static io.ipsecmesh.it.GatewayStrongswanTunnelTest.exec;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.testsupport.LogWatch;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * The whole gateway ({@code ipsec-mesh run} in namespace {@code g1gwa}) configured for IKEv1 as on IOS
 * ({@code crypto isakmp policy 10} aes 256 / sha256 / group 14 / pre-share, {@code crypto isakmp key … address},
 * {@code crypto isakmp keepalive 10 2 periodic}, a crypto map without {@code set ikev2-profile}) against
 * strongSwan 5.9.8's {@code ikev1-psk} profile in {@code g1gwb}: a ping from {@code g1lana} makes the forwarder
 * ACQUIRE, ike-service run Main Mode and Quick Mode with strongSwan, the forwarder carry the ping over
 * ESP-in-UDP; {@code show crypto isakmp sa} lists the SA QM_IDLE; once the tunnel is quiet dpd-service asks
 * for R-U-THERE, which strongSwan acknowledges. strongSwan's own DPD is off ({@code dpd_delay = 0s}) so that
 * only our probes keep the tunnel checked. The topology is {@link Ikev1GatewayScenario}'s on namespaces prefixed
 * {@code g1}.
 */
class GatewayStrongswanIkev1Test extends Ikev1GatewayScenario {

  @Override
  String prefix() {
    return "g1";
  }

  @Override
  String configuration() {
    return "strongswan-ikev1-gwa.cfg";
  }

  @Test
  void pingCrossesAnIkev1TunnelAndStrongswanAnswersOurRuThere() throws Exception {
    exec(gw, run, "debug crypto isakmp");
    String sas = pingCrossesTheTunnel();
    String log = Files.readString(charonLog());
    assertTrue(log.contains("IKE_SA gw[1] established between 172.31.255.2[172.31.255.2]...172.31.255.1"
        + "[172.31.255.1]"), "strongSwan finished Main Mode with our address identity:\n" + log);
    assertTrue(sas.contains("IKEv1") && sas.contains("ESTABLISHED") && sas.contains("INSTALLED"), sas);

    String isakmp = exec(gw, run, "show crypto isakmp sa");
    assertTrue(isakmp.lines().anyMatch(l -> l.contains("172.31.255.2") && l.contains("QM_IDLE")), isakmp);

    // keepalive 10 2 periodic: 10 s after the last ESP from strongSwan dpd-service asks for an R-U-THERE;
    // strongSwan parses it and answers, and the ACK reaches dpd-service
    String dpd = LogWatch.await(charonLog(), "[ HASH N(DPD_ACK) ]", 40);
    assertTrue(dpd.matches("(?s).*parsed INFORMATIONAL_V1 request \\d+ \\[ HASH N\\(DPD\\) \\].*"), dpd);
    LogWatch.await(gatewayLog, "DPD/R_U_THERE_ACK received from peer 172.31.255.2", 10);
    assertTrue(!Files.readString(gatewayLog).contains("Crypto tunnel is DOWN"), "the answering peer stays up");
    passed = true;
  }
}
