package io.ipsecmesh.config.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.InterfaceConfig;
import io.ipsecmesh.proto.config.IpsecProfile;
import io.ipsecmesh.proto.config.StaticRoute;
import io.ipsecmesh.proto.config.TunnelMode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Static virtual tunnel interfaces (the Cisco IPsec Virtual Tunnel Interface document) and the pre-fragmentation
 * procedure of the IPsec Data Plane guide, which is switched through the tunnel's {@code ip mtu}: {@code crypto
 * ipsec profile}, {@code interface TunnelN} with its {@code tunnel …} lines and {@code ip route … TunnelN} parse with
 * their ranges and defaults, render back, and a VTI that could not run is refused with the line to write.
 */
class TunnelInterfacesTest {

  static final String VTI = """
      crypto ikev2 keyring kr
       peer site-b
        address 192.0.2.2
        pre-shared-key vti-secret
      crypto ikev2 profile p2
       match identity remote address 192.0.2.2 255.255.255.255
       authentication remote pre-share
       authentication local pre-share
       keyring local kr
      crypto ipsec transform-set ts esp-aes 256 esp-sha256-hmac
       mode tunnel
      crypto ipsec profile P
       set transform-set ts
       set pfs group19
       set security-association lifetime seconds 1800
       set ikev2-profile p2
      interface GigabitEthernet0/0
       ip address 192.0.2.1 255.255.255.0
      interface tunnel 1
       ip address 172.16.0.1 255.255.255.252
       ip mtu 1400
       tunnel source GigabitEthernet0/0
       tunnel mode ipsec ipv4
       tunnel destination 192.0.2.2
       tunnel protection ipsec profile P
      ip route 10.2.0.0 255.255.0.0 Tunnel1
      ip route 0.0.0.0 0.0.0.0 192.0.2.254
      """;

  @Test
  void aStaticVtiWithAProfileAndARouteIntoIt() {
    ParseResult r = ConfigParser.parse("vti.cfg", VTI);
    assertEquals(List.of(), r.errors());
    assertEquals(List.of(), r.warnings(), "every line of a VTI configuration is understood");
    GatewayConfig c = r.config();
    assertEquals(new IpsecProfile("P", List.of("ts"), c.ipsecProfile("P").sa(), 19, "p2"), c.ipsecProfile("P"));
    assertEquals(1800L, c.ipsecProfile("P").sa().lifetimeSeconds());
    InterfaceConfig t = c.interfaceNamed("Tunnel1");
    assertEquals(1400, t.ipMtu());
    assertEquals(TunnelMode.IPSEC_IPV4, t.tunnel().mode());
    assertEquals("GigabitEthernet0/0", t.tunnel().source());
    assertEquals("192.0.2.2", t.tunnel().destination());
    assertEquals("P", t.tunnel().protection());
    assertEquals(List.of(t), c.ipsecTunnels());
    assertEquals("192.0.2.1", c.tunnelSourceAddress(t));
    assertEquals(t, c.tunnelOf("Tunnel1", GatewayConfig.TUNNEL_SEQUENCE));
    assertNull(c.tunnelOf("Tunnel1", 1), "a crypto map sequence is never a tunnel's");
    assertEquals(List.of(new StaticRoute("10.2.0.0", "255.255.0.0", "Tunnel1", null, null),
        new StaticRoute("0.0.0.0", "0.0.0.0", null, "192.0.2.254", null)), c.staticRoutes());
  }

  @Test
  void runningConfigWritesItAsIosDoesAndReadsBackEqual() {
    GatewayConfig c = ConfigParser.parse("vti.cfg", VTI).config();
    String text = c.render();
    assertTrue(text.contains("""
        crypto ipsec profile P
         set security-association lifetime seconds 1800
         set transform-set ts
         set pfs group19
         set ikev2-profile p2
        !
        """), text);
    assertTrue(text.contains("""
        interface Tunnel1
         ip address 172.16.0.1 255.255.255.252
         ip mtu 1400
         tunnel source GigabitEthernet0/0
         tunnel mode ipsec ipv4
         tunnel destination 192.0.2.2
         tunnel protection ipsec profile P
        !
        ip route 10.2.0.0 255.255.0.0 Tunnel1
        ip route 0.0.0.0 0.0.0.0 192.0.2.254
        """), text);
    assertEquals(c, ConfigParser.parse("r.cfg", text).config(), "round trip");
  }

  @Test
  void routeFormsWithDistanceNextHopAndSpacedInterfaceNames() {
    GatewayConfig c = ConfigParser.parse("r.cfg", VTI + """
        ip route 10.3.0.0 255.255.0.0 tunnel 1 172.16.0.2 5 name branch permanent
        """).config();
    assertEquals(new StaticRoute("10.3.0.0", "255.255.0.0", "Tunnel1", "172.16.0.2", 5), c.staticRoutes().get(2));
  }

  @Test
  void anInconsistentPrefixIsTakenAsItsNetworkWithAWarning() {
    // the seed's invalid-SPI example (router A) has "ip route 10.3.3.3 255.0.0.0 10.2.0.1"
    ParseResult r = ConfigParser.parse("r.cfg", "ip route 10.2.3.0 255.255.0.0 192.0.2.254\n");
    assertEquals(List.of(), r.errors());
    assertTrue(r.warnings().toString().contains("ip route: inconsistent address and mask: 10.2.3.0 has bits outside "
        + "255.255.0.0; taken as 10.2.0.0 255.255.0.0"), r.warnings().toString());
    assertEquals("10.2.0.0", r.config().staticRoutes().getFirst().prefix());
  }

  @Test
  void aVtiMissingItsPiecesIsRefusedWithWhatToWrite() {
    ParseResult r = ConfigParser.parse("bad.cfg", """
        crypto ipsec profile Q
        interface Tunnel7
         tunnel protection ipsec profile Q
        interface Tunnel8
         tunnel mode ipsec ipv4
         tunnel source Loopback9
         tunnel destination 192.0.2.9
         tunnel protection ipsec profile Missing
        """);
    String errors = r.errors().toString();
    assertTrue(errors.contains("bad.cfg:3"), errors);
    assertTrue(errors.contains("needs tunnel mode ipsec ipv4 or tunnel mode ipsec ipv6 (the default tunnel mode gre ip"
        + " would be GRE over IPsec"), errors);
    assertTrue(errors.contains("needs the peer's address: tunnel destination ADDRESS"), errors);
    assertTrue(errors.contains("needs tunnel source INTERFACE|ADDRESS"), errors);
    assertTrue(errors.contains("the profile has no set transform-set: add set transform-set NAME"), errors);
    assertTrue(errors.contains("the profile has no set ikev2-profile, so the tunnel negotiates IKEv1, and there is no"
        + " crypto isakmp policy: add crypto isakmp policy 10"), errors);
    assertTrue(errors.contains("tunnel source Loopback9 has no ip address (the interface is not defined)"), errors);
    assertTrue(errors.contains("crypto ipsec profile Missing is not defined"), errors);
  }

  static final String IKEV1_VTI = """
      crypto isakmp policy 10
       encryption aes 256
       hash sha256
       authentication pre-share
       group 14
      crypto isakmp key vti-secret address 192.0.2.2
      crypto ipsec transform-set ts esp-aes 256 esp-sha256-hmac
      crypto ipsec profile V1
       set transform-set ts
       set pfs group14
      interface GigabitEthernet0/0
       ip address 192.0.2.1 255.255.255.0
      interface Tunnel1
       ip address 172.16.0.1 255.255.255.252
       tunnel source GigabitEthernet0/0
       tunnel mode ipsec ipv4
       tunnel destination 192.0.2.2
       tunnel protection ipsec profile V1
      ip route 10.2.0.0 255.255.0.0 Tunnel1
      """;

  @Test
  void aProfileWithoutIkev2ProfileProtectsTheTunnelWithIkev1() {
    ParseResult r = ConfigParser.parse("v1.cfg", IKEV1_VTI);
    assertEquals(List.of(), r.errors());
    assertEquals(List.of(), r.warnings());
    assertEquals(new IpsecProfile("V1", List.of("ts"), r.config().ipsecProfile("V1").sa(), 14, null, null),
        r.config().ipsecProfile("V1"));
    assertEquals(r.config(), ConfigParser.parse("r.cfg", r.config().render()).config(), "round trip");
  }

  @Test
  void anIsakmpProfileOnAnIpsecProfileIsKeptAndWrittenBack() {
    GatewayConfig c = ConfigParser.parse("v1.cfg", IKEV1_VTI.replace(" set pfs group14\n",
        " set pfs group14\n set isakmp-profile IP1\n") + """
        crypto isakmp profile IP1
         match identity address 192.0.2.2 255.255.255.255
        """).config();
    assertEquals("IP1", c.ipsecProfile("V1").isakmpProfile());
    assertTrue(c.render().contains(" set pfs group14\n set isakmp-profile IP1\n!\n"), c.render());
    assertEquals(c, ConfigParser.parse("r.cfg", c.render()).config(), "round trip");
  }

  @Test
  void anIkev1TunnelWithoutAKeyForItsDestinationIsRefused() {
    ParseResult r = ConfigParser.parse("v1.cfg", IKEV1_VTI.replace("address 192.0.2.2", "address 192.0.2.99"));
    assertTrue(r.errors().toString().contains("v1.cfg:18") && r.errors().toString().contains("the tunnel negotiates"
        + " IKEv1 (no set ikev2-profile) and no crypto isakmp key covers tunnel destination 192.0.2.2: add crypto"
        + " isakmp key KEY address 192.0.2.2"), r.errors().toString());
  }

  @Test
  void tunnelLinesOutsideATunnelInterfaceAndUnsupportedModesAreRefused() {
    ParseResult r = ConfigParser.parse("bad.cfg", """
        interface GigabitEthernet0/1
         tunnel destination 192.0.2.2
        interface Tunnel2
         tunnel mode gre multipoint
         tunnel destination vpn.example.net
        interface Tunnel3
         tunnel mode ipsec ipv6
         tunnel source 192.0.2.1
         tunnel destination 192.0.2.3
         tunnel protection ipsec profile P
        crypto ipsec profile P
         set peer 192.0.2.3
        """);
    String errors = r.errors().toString();
    assertTrue(errors.contains("tunnel destination: tunnel commands belong to a tunnel interface"), errors);
    assertTrue(errors.contains("is not supported: write tunnel mode ipsec ipv4 or tunnel mode ipsec ipv6"), errors);
    assertTrue(errors.contains("a host name is not supported here"), errors);
    assertTrue(errors.contains("tunnel destination 192.0.2.3 is IPv4 but tunnel mode ipsec ipv6 runs IPv6 over IPv6"),
        errors);
    assertTrue(errors.contains("a crypto ipsec profile has no peer: the peer is the tunnel destination"), errors);
  }

  @Test
  void aRouteIntoAnUnprotectedTunnelIsWarnedAbout() {
    ParseResult r = ConfigParser.parse("w.cfg", """
        interface Tunnel5
         ip address 172.16.5.1 255.255.255.252
        ip route 10.5.0.0 255.255.0.0 Tunnel5
        ip route 10.6.0.0 255.255.0.0 Tunnel6
        """);
    assertEquals(List.of(), r.errors());
    String warnings = r.warnings().toString();
    assertTrue(warnings.contains("interface Tunnel5 has no tunnel protection ipsec profile"), warnings);
    assertTrue(warnings.contains("interface Tunnel6 is not defined"), warnings);
  }
}
