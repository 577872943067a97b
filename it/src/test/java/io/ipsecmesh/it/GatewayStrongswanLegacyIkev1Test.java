package io.ipsecmesh.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Legacy crypto under {@code crypto engine compliance shield disable}: the whole gateway ({@code ipsec-mesh
 * run} in namespace {@code g5gwa}) runs the seed's 3DES example (Main Mode 3DES-CBC / SHA-1 / MODP-1024 group
 * 2, Quick Mode esp-3des esp-sha-hmac) against strongSwan configured for the same ({@code 3des-sha1-modp1024},
 * ESP {@code 3des-sha1}); a LAN-to-LAN ping crosses the tunnel and strongSwan's SA counts it both ways. Same
 * topology ({@link Ikev1GatewayScenario}) as {@link GatewayStrongswanIkev1Test}.
 */
class GatewayStrongswanLegacyIkev1Test extends Ikev1GatewayScenario {

  @Override
  String prefix() {
    return "g5";
  }

  @Override
  String configuration() {
    return "strongswan-ikev1-legacy-gwa.cfg";
  }

  @Override
  Map<String, String> strongswanSettings() {
    return Map.of("IKE_PROPOSALS", "3des-sha1-modp1024", "ESP_PROPOSALS", "3des-sha1");
  }

  @Test
  void pingCrossesA3desSha1Group2TunnelWithStrongswan() throws Exception {
    String sas = pingCrossesTheTunnel();
    String log = Files.readString(charonLog());
    assertTrue(log.contains("selected proposal: IKE:3DES_CBC/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_1024"),
        "strongSwan's Main Mode chose the legacy suite:\n" + log);
    assertTrue(log.contains("selected proposal: ESP:3DES_CBC/HMAC_SHA1_96/NO_EXT_SEQ"), log);
    // strongSwan's SA decrypted what our forwarder encrypted with 3DES, and the other way round
    assertTrue(sas.contains("IKEv1") && sas.contains("3DES_CBC") && sas.contains("MODP_1024"), sas);
    String gw = Files.readString(gatewayLog);
    for (String use : List.of("encryption 3des", "group 2", "esp-3des")) {
      assertTrue(gw.contains(use + " is insecure and allowed only because of 'crypto engine compliance shield"
          + " disable'"), "a warning for " + use + " in the gateway log");
    }
    passed = true;
  }
}
