package io.ipsecmesh.config.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.InterfaceConfig;
import io.ipsecmesh.proto.config.StaticRoute;
import io.ipsecmesh.proto.config.TunnelMode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * IPv6 static virtual tunnel interfaces as IOS writes them: {@code tunnel mode ipsec ipv6} is IPv6 inside and outside
 * (an IPv6 {@code tunnel source} and {@code tunnel destination}), with {@code ipv6 address} on the tunnel, {@code ipv6
 * route … TunnelN} into it and {@code ipv6 mtu} as its pre-fragmentation limit. Parsed, written back equal, and every
 * family mismatch refused with the line to write; IPv4 over IPv6 ({@code v6-overlay}) is refused by name.
 */
class Ipv6TunnelInterfacesTest {

  static final String VTI6 = """
      crypto ikev2 keyring kr6
       peer site-b
        address 2001:DB8:FFFF::2/128
        pre-shared-key vti6-secret
      crypto ikev2 profile p6
       match identity remote address 2001:DB8:FFFF::2/128
       authentication remote pre-share
       authentication local pre-share
       keyring local kr6
      crypto ipsec transform-set ts esp-gcm 256
      crypto ipsec profile P6
       set transform-set ts
       set ikev2-profile p6
      interface GigabitEthernet0/0
       ipv6 address 2001:DB8:FFFF::1/64
       ipv6 enable
      interface Tunnel6
       ipv6 address 2001:DB8:16::1/64
       ipv6 enable
       ipv6 mtu 1400
       tunnel source GigabitEthernet0/0
       tunnel mode ipsec ipv6
       tunnel destination 2001:DB8:FFFF::2
       tunnel protection ipsec profile P6
      ipv6 route 2001:DB8:2::/48 Tunnel6
      """;

  @Test
  void anIpv6VtiOverIpv6WithAnIpv6RouteIntoIt() {
    ParseResult r = ConfigParser.parse("vti6.cfg", VTI6);
    assertEquals(List.of(), r.errors());
    assertEquals(List.of(), r.warnings(), "every line of an IPv6 VTI configuration is understood");
    GatewayConfig c = r.config();
    InterfaceConfig t = c.interfaceNamed("Tunnel6");
    assertEquals(TunnelMode.IPSEC_IPV6, t.tunnel().mode());
    assertTrue(t.tunnel().carriesIpv6() && t.ipsecVti());
    assertEquals("2001:db8:ffff::2", t.tunnel().destination(), "canonical text, as set peer keeps IPv6 peers");
    assertEquals("2001:db8:16::1/64", t.ipv6Address());
    assertNull(t.ipAddress());
    assertEquals(1400, t.ipv6Mtu());
    assertEquals(1400, t.tunnelInnerMtu(), "ipv6 mtu is the inner limit of an IPv6 tunnel");
    assertEquals("2001:db8:ffff::1", c.tunnelSourceAddress(t), "the source interface's ipv6 address");
    assertEquals("GigabitEthernet0/0", c.tunnelSourceInterface(t).name());
    assertEquals(List.of(new StaticRoute("2001:db8:2::", "48", "Tunnel6", null, null)), c.staticRoutes());
  }

  @Test
  void anIpv6SourceAddressIsTheTunnelsLocalAddress() {
    GatewayConfig c = ConfigParser.parse("a.cfg", VTI6.replace("tunnel source GigabitEthernet0/0",
        "tunnel source 2001:DB8:FFFF::1")).config();
    InterfaceConfig t = c.interfaceNamed("Tunnel6");
    assertEquals("2001:db8:ffff::1", c.tunnelSourceAddress(t));
    assertEquals("GigabitEthernet0/0", c.tunnelSourceInterface(t).name(), "the interface carrying that address");
  }

  @Test
  void runningConfigWritesItAsIosDoesAndReadsBackEqual() {
    GatewayConfig c = ConfigParser.parse("vti6.cfg", VTI6).config();
    String text = c.render();
    assertTrue(text.contains("""
        interface Tunnel6
         ipv6 address 2001:db8:16::1/64
         ipv6 mtu 1400
         tunnel source GigabitEthernet0/0
         tunnel mode ipsec ipv6
         tunnel destination 2001:DB8:FFFF::2
         tunnel protection ipsec profile P6
        """), text);
    assertEquals(c, ConfigParser.parse("r.cfg", text).config(), "round trip");
  }

  @Test
  void anIkev1Ipv6VtiNeedsAnIpv6IsakmpKeyForItsDestination() {
    String v1 = """
        crypto isakmp policy 10
         encryption aes 256
         hash sha256
         authentication pre-share
         group 14
        crypto ipsec transform-set ts esp-aes 256 esp-sha256-hmac
        crypto ipsec profile V1
         set transform-set ts
        interface wan0
         ipv6 address 2001:DB8:FFFF::1/64
        interface Tunnel6
         ipv6 address 2001:DB8:16::1/64
         tunnel source wan0
         tunnel mode ipsec ipv6
         tunnel destination 2001:DB8:FFFF::2
         tunnel protection ipsec profile V1
        """;
    String errors = ConfigParser.parse("v1.cfg", v1).errors().toString();
    assertTrue(errors.contains("v1.cfg:16") && errors.contains("no crypto isakmp key covers tunnel destination"
        + " 2001:DB8:FFFF::2: add crypto isakmp key KEY address ipv6 2001:DB8:FFFF::2/128"), errors);
    ParseResult ok = ConfigParser.parse("v1.cfg", v1 + "crypto isakmp key k6 address ipv6 2001:DB8:FFFF::2/128\n");
    assertEquals(List.of(), ok.errors());
  }

  @Test
  void familyMismatchesAreRefusedWithWhatToWrite() {
    ParseResult r = ConfigParser.parse("bad.cfg", VTI6 + """
        interface Tunnel7
         ip address 172.16.7.1 255.255.255.252
         tunnel source 192.0.2.1
         tunnel mode ipsec ipv6
         tunnel destination 192.0.2.2
         tunnel protection ipsec profile P6
        interface Tunnel8
         ipv6 address 2001:DB8:18::1/64
         ipv6 mtu 1300
         tunnel source GigabitEthernet0/0
         tunnel mode ipsec ipv4
         tunnel destination 2001:DB8:FFFF::8
         tunnel protection ipsec profile P6
        interface Tunnel9
         tunnel source Loopback0
         tunnel mode ipsec ipv6
         tunnel destination 2001:DB8:FFFF::9
         tunnel protection ipsec profile P6
        interface Loopback0
         ip address 192.0.2.99 255.255.255.255
        ip route 10.9.0.0 255.255.0.0 Tunnel6
        ipv6 route 2001:DB8:99::/48 Tunnel8
        """);
    String errors = r.errors().toString();
    assertTrue(errors.contains("bad.cfg:31: interface Tunnel7: tunnel protection ipsec profile P6: tunnel destination"
        + " 192.0.2.2 is IPv4 but tunnel mode ipsec ipv6 runs IPv6 over IPv6: write the peer's IPv6 address"), errors);
    assertTrue(errors.contains("tunnel source 192.0.2.1 is IPv4 but tunnel mode ipsec ipv6 needs an IPv6 source"),
        errors);
    assertTrue(errors.contains("ip address 172.16.7.1 on a tunnel mode ipsec ipv6 interface: it carries IPv6 only;"
        + " write ipv6 address X/LEN"), errors);
    assertTrue(errors.contains("tunnel destination 2001:DB8:FFFF::8 is IPv6 but tunnel mode ipsec ipv4 runs IPv4 over"
        + " IPv4: write tunnel mode ipsec ipv6"), errors);
    assertTrue(errors.contains("ipv6 address 2001:DB8:18::1 on a tunnel mode ipsec ipv4 interface"), errors);
    assertTrue(errors.contains("tunnel source Loopback0 has no ipv6 address: give it one (ipv6 address X/LEN)"),
        errors);
    assertTrue(errors.contains("ip route 10.9.0.0 255.255.0.0 Tunnel6: interface Tunnel6 is tunnel mode ipsec ipv6 and"
        + " carries IPv6 only"), errors);
    assertTrue(errors.contains("ipv6 route 2001:db8:99::/48 Tunnel8: interface Tunnel8 is tunnel mode ipsec ipv4 and"
        + " carries IPv4 only"), errors);
    assertTrue(r.warnings().toString().contains("interface Tunnel8: ipv6 mtu applies to IPv6 packets, which a tunnel"
        + " mode ipsec ipv4 interface does not carry; ignored"), r.warnings().toString());
  }

  @Test
  void ipv4OverIpv6IsRefusedByNameAndIpMtuOnAnIpv6TunnelIsWarnedAbout() {
    ParseResult r = ConfigParser.parse("o.cfg", """
        interface Tunnel4
         tunnel mode ipsec ipv4 v6-overlay
        """);
    assertTrue(r.errors().toString().contains("o.cfg:2") && r.errors().toString().contains("tunnel mode ipsec ipv4"
        + " v6-overlay (IPv4 inside over IPv6 outside) is not supported: write tunnel mode ipsec ipv6 for IPv6 over"
        + " IPv6"), r.errors().toString());
    ParseResult w = ConfigParser.parse("w.cfg", VTI6.replace(" ipv6 mtu 1400\n", " ip mtu 1400\n"));
    assertEquals(List.of(), w.errors());
    assertTrue(w.warnings().toString().contains("ip mtu applies to IPv4 packets, which a tunnel mode ipsec ipv6"
        + " interface does not carry; ignored (write ipv6 mtu 1400)"), w.warnings().toString());
    assertNull(w.config().interfaceNamed("Tunnel6").tunnelInnerMtu());
  }

  @Test
  void malformedIpv6TunnelAddressesAndMtusAreRefused() {
    String errors = ConfigParser.parse("m.cfg", """
        interface Tunnel6
         tunnel destination 2001:DB8::/64
         tunnel source 2001:zz::1
         ipv6 mtu 1279
        """).errors().toString();
    assertTrue(errors.contains("m.cfg:2") && errors.contains("tunnel destination must be an IPv6 address without"
        + " prefix length"), errors);
    assertTrue(errors.contains("m.cfg:3") && errors.contains("tunnel source must be an interface, an IPv4 address or"
        + " an IPv6 address"), errors);
    assertTrue(errors.contains("m.cfg:4"), errors);
  }
}
