package io.ipsecmesh.config.show;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.ipsecmesh.config.api.ExecCommand;
import io.ipsecmesh.config.api.ExecParser;
import io.ipsecmesh.config.lang.ConfigParser;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.sa.SaCounters;
import io.ipsecmesh.proto.sa.TrafficSelector;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code show interfaces TunnelN}, {@code show ip interface brief} and {@code show ip interface tunnel N} in IOS's
 * layouts. The expected texts are the lines of the Cisco IPsec Virtual Tunnel Interface document's sample ("Verifying
 * the Results for the IPsec Static Virtual Tunnel Interface": {@code show interfaces tunnel 0}) and of IOS's {@code
 * show ip interface brief} / {@code show ip interface} that the gateway has data for, with this configuration's
 * values: the line protocol follows the tunnel's Child SA, the counters are the forwarder's for the tunnel's SAs.
 */
class ShowInterfacesTest {

  private static final GatewayConfig CONFIG = ConfigParser.parse("vti.cfg", """
      crypto ipsec transform-set ts esp-gcm 256
      crypto ikev2 profile p2
       authentication remote pre-share
       authentication local pre-share
      crypto ipsec profile P1
       set transform-set ts
       set ikev2-profile p2
      interface GigabitEthernet0/0
       ip address 10.0.149.203 255.255.255.0
      interface GigabitEthernet0/1
      interface Tunnel0
       ip address 10.0.51.203 255.255.255.0
       ip mtu 1400
       tunnel source GigabitEthernet0/0
       tunnel mode ipsec ipv4
       tunnel destination 10.0.149.217
       tunnel protection ipsec profile P1
      """).config();

  private static ChildSa tunnelSa(long inboundSpi) {
    return new ChildSa("0011223344556677:8899aabbccddeeff", 7, "Tunnel0", GatewayConfig.TUNNEL_SEQUENCE, inboundSpi,
        0x7AA69CB7L, EspTransform.AES_GCM_256, ChildSa.Mode.TUNNEL, false, false, 64, "10.0.149.203", 500,
        "10.0.149.217", 500, List.of(TrafficSelector.anyPorts("0.0.0.0", "255.255.255.255")),
        List.of(TrafficSelector.anyPorts("0.0.0.0", "255.255.255.255")),
        new ChildSa.Lifetime(3240, 3600, 4_147_200, 4_608_000), 0, "copy", new byte[0], new byte[0],
        ShowFixtures.CREATED);
  }

  private static SaCounters counters(ChildSa sa, long in, long inBytes, long out, long outBytes) {
    return new SaCounters("fwd-1", sa.connectionId(), sa.cryptoMap(), sa.mapSequence(), sa.localAddress(),
        sa.peerAddress(), sa.peerPort(), sa.transform().iosName, sa.inboundSpi(), sa.outboundSpi(), out, out, out,
        in, in, in, outBytes, inBytes, 0, 0, 0, 0, 0, 4_000_000, 3000, ShowFixtures.CREATED);
  }

  @Test
  void showInterfacesTunnelWithItsSaUpAndTheForwardersCounters() {
    ChildSa sa = tunnelSa(0x249C5062L);
    ChildSa rekeyed = tunnelSa(0x11111111L);
    // the old and the new SA of a rekey both count; another crypto map's SA does not
    Map<String, SaCounters> counters = Map.of(sa.key(), counters(sa, 191_000, 30_000_000, 59_000, 15_000_000),
        rekeyed.key(), counters(rekeyed, 320, 129_126, 968, 369_696),
        "x", ShowFixtures.counters(ShowFixtures.childSa(0x22222222L, 0x33333333L, 9, ShowFixtures.CREATED), 5, -1, -1,
            ShowFixtures.CREATED));
    assertEquals("""
        Tunnel0 is up, line protocol is up
          Hardware is Tunnel
          Internet address is 10.0.51.203/24
          MTU 1400 bytes
          Encapsulation TUNNEL, loopback not set
          Keepalive not set
          Tunnel linestate evaluation up
          Tunnel source 10.0.149.203 (GigabitEthernet0/0), destination 10.0.149.217
          Tunnel protocol/transport IPSEC/IP
          Tunnel protection via IPSec (profile "P1")
             191320 packets input, 30129126 bytes, 0 no buffer
             59968 packets output, 15369696 bytes, 0 underruns
        """, ShowInterfaces.interfaces(CONFIG, List.of(sa, rekeyed), counters, "Tunnel0"));
  }

  @Test
  void withoutAnSaTheLineProtocolIsDownAndNothingIsCounted() {
    String out = ShowInterfaces.interfaces(CONFIG, List.of(), Map.of(), "tu0");
    assertEquals("Tunnel0 is up, line protocol is down\n", out.lines().findFirst().orElseThrow() + "\n");
    assertEquals(true, out.contains("  Tunnel linestate evaluation down\n"));
    assertEquals(true, out.contains("     0 packets input, 0 bytes, 0 no buffer\n"));
    assertEquals(out, ShowInterfaces.interfaces(CONFIG, List.of(), Map.of(), null), "all tunnel interfaces");
  }

  @Test
  void showIpInterfaceBriefInIosColumns() {
    assertEquals("""
        Interface              IP-Address      OK? Method Status                Protocol
        GigabitEthernet0/0     10.0.149.203    YES NVRAM  up                    up
        GigabitEthernet0/1     unassigned      YES unset  up                    up
        Tunnel0                10.0.51.203     YES NVRAM  up                    up
        """, ShowInterfaces.brief(CONFIG, List.of(tunnelSa(1))));
    assertEquals("Tunnel0                10.0.51.203     YES NVRAM  up                    down\n",
        ShowInterfaces.brief(CONFIG, List.of()).lines().toList().get(3) + "\n");
  }

  @Test
  void showIpInterfaceTunnelGivesTheIpMtuAsTheSeedsProcedureSays() {
    assertEquals("""
        Tunnel0 is up, line protocol is up
          Internet address is 10.0.51.203/24
          Broadcast address is 255.255.255.255
          Address determined by non-volatile memory
          MTU is 1400 bytes
        """, ShowInterfaces.ipInterface(CONFIG, List.of(tunnelSa(1)), "tunnel 0"));
    assertEquals("""
        GigabitEthernet0/1 is up, line protocol is up
          Internet protocol processing disabled
        """, ShowInterfaces.ipInterface(CONFIG, List.of(), "Gi0/1"));
  }

  @Test
  void theExecCommandsParseInFullAndAbbreviatedAndNamesResolveLikeIos() throws Exception {
    assertEquals(new ExecCommand.ShowInterfaces("tunnel0"), ExecParser.parse("show interfaces tunnel 0"));
    assertEquals(new ExecCommand.ShowInterfaces(null), ExecParser.parse("sh int"));
    assertEquals(new ExecCommand.ShowIpInterface(true, null), ExecParser.parse("show ip interface brief"));
    assertEquals(new ExecCommand.ShowIpInterface(true, null), ExecParser.parse("sh ip int b"));
    assertEquals(new ExecCommand.ShowIpInterface(false, "tunnel1"), ExecParser.parse("show ip interface tunnel 1"));
    assertEquals(new ExecCommand.ShowIpInterface(false, null), ExecParser.parse("show ip interface"));
    assertEquals("Tunnel0", ShowInterfaces.find(CONFIG, "tunnel0").name());
    assertEquals("Tunnel0", ShowInterfaces.find(CONFIG, "Tu0").name());
    assertEquals("GigabitEthernet0/0", ShowInterfaces.find(CONFIG, "gi0/0").name());
    assertNull(ShowInterfaces.find(CONFIG, "tunnel9"));
    assertNull(ShowInterfaces.find(CONFIG, "gi"));
  }
}
