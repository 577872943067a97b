package io.ipsecmesh.config.show;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.config.lang.ConfigParser;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.sa.TrafficSelector;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The verification commands for an IPv6 virtual tunnel interface ({@code tunnel mode ipsec ipv6}), as IOS prints
 * them: {@code show interfaces TunnelN} with the IPv6 tunnel source and destination and transport {@code IPSEC/IPV6},
 * {@code show ip interface brief} with the tunnel unassigned (it has no IPv4 address), {@code show crypto ipsec sa}
 * under {@code interface: Tunnel6} with {@code ::/0} idents, the IPv6 peer and the tunnel's {@code ipv6 mtu} as its
 * path MTU.
 */
class ShowIpv6TunnelTest {

  private static final GatewayConfig CONFIG = ConfigParser.parse("vti6.cfg", """
      crypto ipsec transform-set ts esp-gcm 256
      crypto ikev2 profile p2
       authentication remote pre-share
       authentication local pre-share
      crypto ipsec profile P6
       set transform-set ts
       set ikev2-profile p2
      interface GigabitEthernet0/0
       ipv6 address 2001:DB8:FFFF::1/64
      interface Tunnel6
       ipv6 address 2001:DB8:16::1/64
       ipv6 mtu 1400
       tunnel source GigabitEthernet0/0
       tunnel mode ipsec ipv6
       tunnel destination 2001:DB8:FFFF::2
       tunnel protection ipsec profile P6
      """).config();

  private static final TrafficSelector ANY6 = TrafficSelector.anyPorts("::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");

  private static ChildSa sa() {
    return new ChildSa("0011223344556677:8899aabbccddeeff", 6123, "Tunnel6", GatewayConfig.TUNNEL_SEQUENCE,
        0x249C5062L, 0x7AA69CB7L, EspTransform.AES_GCM_256, ChildSa.Mode.TUNNEL, false, false, 64,
        "2001:db8:ffff::1", 500, "2001:db8:ffff::2", 500, List.of(ANY6), List.of(ANY6),
        new ChildSa.Lifetime(3240, 3600, 4_147_200, 4_608_000), 0, "copy", new byte[0], new byte[0],
        ShowFixtures.CREATED);
  }

  @Test
  void showInterfacesNamesTheIpv6EndpointsAndIpsecOverIpv6() {
    String out = ShowInterfaces.interfaces(CONFIG, List.of(sa()), Map.of(), "tunnel 6");
    assertTrue(out.startsWith("Tunnel6 is up, line protocol is up\n  Hardware is Tunnel\n  MTU 1400 bytes\n"), out);
    assertTrue(out.contains("""
          Tunnel source 2001:DB8:FFFF::1 (GigabitEthernet0/0), destination 2001:DB8:FFFF::2
          Tunnel protocol/transport IPSEC/IPV6
          Tunnel protection via IPSec (profile "P6")
        """), out);
    assertTrue(!out.contains("Internet address"), "no IPv4 address on an IPv6 tunnel:\n" + out);
    assertTrue(ShowInterfaces.interfaces(CONFIG, List.of(), Map.of(), "tu6")
        .startsWith("Tunnel6 is up, line protocol is down\n"), "down without its SA");
  }

  @Test
  void showIpInterfaceBriefListsTheIpv6TunnelUnassigned() {
    assertEquals("""
        Interface              IP-Address      OK? Method Status                Protocol
        GigabitEthernet0/0     unassigned      YES unset  up                    up
        Tunnel6                unassigned      YES unset  up                    up
        """, ShowInterfaces.brief(CONFIG, List.of(sa())));
  }

  @Test
  void showCryptoIpsecSaListsItUnderTheTunnelWithAnyToAnyIpv6Idents() {
    String out = ShowCryptoIpsecSa.render(CONFIG, List.of(sa()), Map.of(), null, false, ShowFixtures.CREATED + 5_000);
    assertTrue(out.startsWith("""
        interface: Tunnel6
          Crypto map tag: Tunnel6-head-0, local addr. 2001:DB8:FFFF::1
          protected vrf:
          local ident (addr/mask/prot/port): (::/0/0/0)
          remote ident (addr/mask/prot/port): (::/0/0/0)
        """), out);
    assertTrue(out.contains("    path mtu 1400, media mtu 1400\n"), "the tunnel's ipv6 mtu:\n" + out);
  }
}
