package io.ipsecmesh.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * {@link GatewayStrongswanVtiTest}'s scenario with the tunnel protected by IKEv1: {@code crypto ipsec profile VTI}
 * without {@code set ikev2-profile}, so the {@code crypto isakmp policy} and {@code crypto isakmp key} of the tunnel
 * destination key it (resource {@code vti/gwa-ikev1.cfg}), against strongSwan 5.9.8's {@code ikev1-psk} profile (Main
 * Mode, aes256-sha256-modp2048, ESP aes256-sha256, its own DPD off) with {@code local_ts = remote_ts = 0.0.0.0/0}, in
 * namespaces {@code vw…}. The same proofs: up with the configuration before any traffic (Main Mode and Quick Mode with
 * IDs 0.0.0.0/0), LAN-to-LAN pings through the route, {@code show crypto ipsec sa} under {@code interface: Tunnel1},
 * and the tunnel's {@code ip mtu 1400} pre-fragmentation. Run under {@code flock /tmp/ipsecmesh-heavy.lock}.
 */
class GatewayStrongswanIkev1VtiTest extends GatewayStrongswanVtiTest {

  @Override
  Tunnel tunnel() {
    return new Tunnel("vw", "vti/gwa-ikev1.cfg", Family.IPV4, Charon.IKEV1_PSK);
  }

  @Test
  @Order(4)
  void theTunnelWasKeyedWithMainModeAndQuickModeIdsAnyToAny() throws Exception {
    String log = Files.readString(charonLog);
    assertTrue(log.contains("parsed ID_PROT request 0 [ SA V V ]"), "Main Mode, initiated by us:\n" + log);
    assertTrue(log.contains("IKE_SA gw[1] established between 172.31.255.2[172.31.255.2]...172.31.255.1"
        + "[172.31.255.1]"), log);
    assertTrue(log.matches("(?s).*parsed QUICK_MODE request \\d+ \\[ HASH SA No ID ID \\].*"), log);
    assertTrue(log.matches("(?s).*CHILD_SA net\\{1\\} established with SPIs \\S+ \\S+ and TS 0\\.0\\.0\\.0/0 === "
        + "0\\.0\\.0\\.0/0.*"), log);
  }
}
