package io.ipsecmesh.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * {@link GatewayStrongswanIpv6VtiTest}'s scenario with the IPv6 tunnel protected by IKEv1: {@code crypto ipsec
 * profile VTI6} without {@code set ikev2-profile}, keyed by the {@code crypto isakmp policy} and {@code crypto isakmp
 * key … address ipv6} of the tunnel destination (resource {@code vti/gwa-ipv6-ikev1.cfg}), against strongSwan 5.9.8's
 * {@code ikev1-psk} profile with {@code local_ts = remote_ts = ::/0}, in namespaces {@code w6…}. The same proofs, and
 * Quick Mode's IDs are ::/0 both ways (ID_IPV6_ADDR_SUBNET, RFC 2407 §4.6.2.1). Run under {@code flock
 * /tmp/ipsecmesh-heavy.lock}.
 */
class GatewayStrongswanIkev1Ipv6VtiTest extends GatewayStrongswanIpv6VtiTest {

  @Override
  Tunnel tunnel() {
    return new Tunnel("w6", "vti/gwa-ipv6-ikev1.cfg", Family.IPV6, Charon.IKEV1_PSK);
  }

  @Test
  @Order(4)
  void theTunnelWasKeyedWithMainModeOverIpv6AndQuickModeIdsAnyToAnyIpv6() throws Exception {
    String log = Files.readString(charonLog);
    assertTrue(log.contains("parsed ID_PROT request 0 [ SA V V ]"), "Main Mode, initiated by us:\n" + log);
    assertTrue(log.contains("IKE_SA gw[1] established between 2001:db8:ffff::2[2001:db8:ffff::2]...2001:db8:ffff::1"
        + "[2001:db8:ffff::1]"), log);
    assertTrue(log.matches("(?s).*CHILD_SA net\\{1\\} established with SPIs \\S+ \\S+ and TS ::/0 === ::/0.*"), log);
  }
}
