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
 * {@code show crypto ipsec sa} for a tunnel interface's SA: listed under {@code interface: Tunnel1} with the crypto
 * map IOS builds for the tunnel ({@code Tunnel1-head-0}), any-to-any idents and the tunnel's {@code ip mtu} as its
 * path MTU, in the layout of the seed's "Invalid Security Parameter Index Recovery" example.
 */
class ShowCryptoIpsecSaTunnelTest {

  private static final GatewayConfig CONFIG = ConfigParser.parse("vti.cfg", """
      crypto ipsec transform-set ts esp-gcm 256
      crypto ikev2 profile p2
       authentication remote pre-share
       authentication local pre-share
      crypto ipsec profile P
       set transform-set ts
       set ikev2-profile p2
      interface GigabitEthernet0/0
       ip address 10.1.1.1 255.255.255.0
      interface Tunnel1
       ip mtu 1400
       tunnel source GigabitEthernet0/0
       tunnel mode ipsec ipv4
       tunnel destination 10.2.2.2
       tunnel protection ipsec profile P
      """).config();

  @Test
  void aTunnelInterfacesSaIsShownUnderTheTunnel() {
    ChildSa sa = new ChildSa("0011223344556677:8899aabbccddeeff", 5123, "Tunnel1", GatewayConfig.TUNNEL_SEQUENCE,
        0x249C5062L, 0x7AA69CB7L, EspTransform.AES_GCM_256, ChildSa.Mode.TUNNEL, false, false, 64, "10.1.1.1", 500,
        "10.2.2.2", 500, List.of(TrafficSelector.anyPorts("0.0.0.0", "255.255.255.255")),
        List.of(TrafficSelector.anyPorts("0.0.0.0", "255.255.255.255")),
        new ChildSa.Lifetime(3240, 3600, 4_147_200, 4_608_000), 0, "copy", new byte[0], new byte[0],
        ShowFixtures.CREATED);
    String out = ShowCryptoIpsecSa.render(CONFIG, List.of(sa), Map.of(), null, false, ShowFixtures.CREATED + 5_000);
    assertTrue(out.startsWith("""
        interface: Tunnel1
          Crypto map tag: Tunnel1-head-0, local addr. 10.1.1.1
          protected vrf:
          local ident (addr/mask/prot/port): (0.0.0.0/0.0.0.0/0/0)
          remote ident (addr/mask/prot/port): (0.0.0.0/0.0.0.0/0/0)
          current_peer: 10.2.2.2:500
            PERMIT, flags={origin_is_acl,}
        """), out);
    assertTrue(out.contains("    path mtu 1400, media mtu 1400\n"), out);
    assertTrue(out.contains("flow_id: 5123, crypto map: Tunnel1-head-0\n"), out);
    assertEquals(out, ShowCryptoIpsecSa.render(CONFIG, List.of(sa), Map.of(), null, false,
        ShowFixtures.CREATED + 5_000));
  }
}
