package io.ipsecmesh.config.show;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.InterfaceConfig;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.sa.IkeSaSummary;
import io.ipsecmesh.proto.sa.TrafficSelector;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The verification commands with IPv6 SAs, as IOS prints them: addresses in capitals, IPv6 selectors as
 * {@code address/prefix length}, {@code current_peer ADDR port N} (ADDR:PORT would be ambiguous), the {@code IPv6
 * Crypto ISAKMP SA} and {@code IPv6 Crypto IKEv2 SA} sections, {@code permit ipv6} flows in {@code show crypto
 * session}.
 */
class ShowIpv6SasTest {

  private static final String LOCAL = "2001:db8:ffff::1";
  private static final String PEER = "2001:db8:ffff::2";

  private static ChildSa childSa() {
    return new ChildSa("0011223344556677:8899aabbccddeeff", 7, "VPN6", 10, 0x1234_5678L, 0x9abc_def0L,
        EspTransform.AES_GCM_128, ChildSa.Mode.TUNNEL, true, false, 64, LOCAL, 4500, PEER, 4500,
        List.of(TrafficSelector.anyPorts("2001:db8:1::", "2001:db8:1:0:ffff:ffff:ffff:ffff")),
        List.of(TrafficSelector.anyPorts("2001:db8:2::", "2001:db8:2:0:ffff:ffff:ffff:ffff")),
        new ChildSa.Lifetime(3240, 3600, 4_147_200, 4_608_000), 0, "copy", new byte[0], new byte[0],
        ShowFixtures.CREATED);
  }

  private static GatewayConfig config() {
    return GatewayConfig.builder()
        .interfaces(List.of(InterfaceConfig.named("wan0").withIpv6(LOCAL + "/64", "VPN6")))
        .build();
  }

  @Test
  void showCryptoIpsecSaPrintsIpv6AsIosDoes() {
    String out = ShowCryptoIpsecSa.render(config(), List.of(childSa()), Map.of(), null, false,
        ShowFixtures.CREATED + 1000);
    assertTrue(out.startsWith("interface: wan0\n"), out);
    assertTrue(out.contains("  Crypto map tag: VPN6, local addr. 2001:DB8:FFFF::1\n"), out);
    assertTrue(out.contains("  local ident (addr/mask/prot/port): (2001:DB8:1::/64/0/0)\n"), out);
    assertTrue(out.contains("  remote ident (addr/mask/prot/port): (2001:DB8:2::/64/0/0)\n"), out);
    assertTrue(out.contains("  current_peer 2001:DB8:FFFF::2 port 4500\n"), out);
    assertTrue(out.contains("    local crypto endpt.: 2001:DB8:FFFF::1, remote crypto endpt.: 2001:DB8:FFFF::2\n"),
        out);
    String peer = ShowCryptoIpsecSa.render(config(), List.of(childSa()), Map.of(), "2001:DB8:FFFF:0::2", false,
        ShowFixtures.CREATED + 1000);
    assertEquals(out, peer, "show crypto ipsec sa peer ADDR in any spelling of the address");
  }

  @Test
  void showCryptoIsakmpSaHasAnIpv6Section() {
    String out = ShowCryptoIsakmpSa.render(List.of(
        new IkeSaSummary("a", PEER, LOCAL, "QM_IDLE", 1001, "ACTIVE", PEER, 1, 500, 500, "initiator", 0),
        new IkeSaSummary("b", "10.1.1.1", "10.2.2.2", "QM_IDLE", 1002, "ACTIVE", "", 1, 500, 500, "responder", 0)));
    assertEquals("""
          f_vrf/i_vrf  dst          src          state      conn-id slot
          /           10.1.1.1    10.2.2.2    QM_IDLE    1002      0

        IPv6 Crypto ISAKMP SA

         dst: 2001:DB8:FFFF::2
         src: 2001:DB8:FFFF::1
         state: QM_IDLE         conn-id:   1001 slot: 0 status: ACTIVE

        """, out);
  }

  @Test
  void showCryptoIkev2SaPutsIpv6SasInTheirSection() {
    String out = ShowCryptoIkev2Sa.render(null, List.of(
        new IkeSaSummary("a", PEER, LOCAL, "READY", 1, "ACTIVE", PEER, 2, 4500, 4500, "initiator", 0)), false, 0);
    assertTrue(out.startsWith(" IPv4 Crypto IKEv2  SA \n\n IPv6 Crypto IKEv2  SA \n\n"), out);
    assertTrue(out.contains("1         2001:DB8:FFFF::1/4500 2001:DB8:FFFF::2/4500 none/none            READY"), out);
  }

  @Test
  void showCryptoSessionNamesTheIpv6Flow() {
    String out = ShowCryptoSession.render(config(), List.of(
        new IkeSaSummary("a", PEER, LOCAL, "READY", 1, "ACTIVE", PEER, 2, 4500, 4500, "initiator", 0)),
        List.of(childSa()));
    assertTrue(out.contains("Interface: wan0\nSession status: UP-ACTIVE\nPeer: 2001:DB8:FFFF::2 port 4500\n"), out);
    assertTrue(out.contains("  IKEv2 SA: local 2001:DB8:FFFF::1/4500 remote 2001:DB8:FFFF::2/4500 Active\n"), out);
    assertTrue(out.contains("  IPSEC FLOW: permit ipv6 2001:DB8:1::/64 2001:DB8:2::/64\n"), out);
  }
}
