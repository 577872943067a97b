package io.ipsecmesh.config.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.config.AccessList;
import io.ipsecmesh.proto.config.AccessListEntry;
import io.ipsecmesh.proto.config.AddressMatch;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.InterfaceConfig;
import io.ipsecmesh.proto.config.PortMatch;
import io.ipsecmesh.proto.config.StaticRoute;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * IPv6 site-to-site as IOS XE writes it: {@code ipv6 access-list} blocks, {@code ipv6 address} and {@code ipv6 crypto
 * map} on the interface, an IPv6 {@code set peer}, keys for IPv6 peers in a keyring and in {@code crypto isakmp key
 * … address ipv6}, {@code ipv6 route}: parsed with ranges and errors, and written back by running-config to an equal
 * model.
 */
class Ipv6CommandsTest {

  static final String SITE = """
      crypto ikev2 keyring kr6
       peer branch
        address 2001:DB8:FFFF::2/128
        pre-shared-key v6-secret
      crypto ikev2 profile p6
       match identity remote address 2001:DB8:FFFF::2/128
       authentication remote pre-share
       authentication local pre-share
       keyring local kr6
      crypto isakmp key v1-secret address ipv6 2001:DB8:EEEE::/48
      crypto ipsec transform-set ts esp-aes 256 esp-sha256-hmac
       mode tunnel
      crypto map VPN6 10 ipsec-isakmp
       set peer 2001:db8:ffff:0::2
       set transform-set ts
       set ikev2-profile p6
       match address LAN6
      interface GigabitEthernet0/0
       ipv6 address 2001:DB8:FFFF::1/64
       ipv6 enable
       ipv6 crypto map VPN6
      interface GigabitEthernet0/1
       ipv6 address 2001:DB8:1::1/64
      ipv6 route 2001:DB8:2::/64 2001:DB8:FFFF::2
      ipv6 route ::/0 GigabitEthernet0/0 FE80::1 200
      ipv6 access-list LAN6
       sequence 10 permit ipv6 2001:db8:1::/64 2001:db8:2::/64
       sequence 20 permit tcp host 2001:db8:1::10 eq 22 2001:db8:2::/64 range 1024 2048
       permit icmp any any log
       deny udp any any eq 53 sequence 40
       remark the rest goes in clear
      """;

  @Test
  void anIpv6SiteToSiteConfigurationLoads() {
    ParseResult r = ConfigParser.parse("v6.cfg", SITE);
    assertEquals(List.of(), r.errors());
    assertEquals(List.of(), r.warnings(), "every line of the IPv6 configuration is understood");
    GatewayConfig c = r.config();
    AccessList acl = c.accessList("LAN6");
    assertTrue(acl.ipv6());
    assertEquals(5, acl.entries().size());
    AccessListEntry first = acl.entries().get(0);
    assertEquals(AddressMatch.ipv6Prefix("2001:db8:1::", 64), first.source());
    assertEquals("2001:db8:1::", first.source().address());
    assertEquals("/64", first.source().wildcard());
    assertEquals(0, first.protocolNumber());
    AccessListEntry ssh = acl.entries().get(1);
    assertEquals(AddressMatch.host("2001:db8:1::10"), ssh.source());
    assertTrue(ssh.source().isHost());
    assertEquals(new PortMatch(PortMatch.Operator.EQ, 22, 22), ssh.sourcePort());
    assertEquals(new PortMatch(PortMatch.Operator.RANGE, 1024, 2048), ssh.destinationPort());
    assertEquals(58, acl.entries().get(2).protocolNumber(), "icmp in an ipv6 access-list is ICMPv6");
    assertTrue(acl.entries().get(2).source().isAny());
    assertEquals(AccessListEntry.Action.DENY, acl.entries().get(3).action());
    assertEquals(List.of("2001:db8:ffff::2"), c.cryptoMapEntry("VPN6", 10).peers(), "canonical (RFC 5952) text");
    InterfaceConfig wan = c.interfaceNamed("GigabitEthernet0/0");
    assertEquals("2001:db8:ffff::1/64", wan.ipv6Address());
    assertEquals("2001:db8:ffff::1", wan.ipv6AddressOnly());
    assertEquals("VPN6", wan.ipv6CryptoMap());
    assertNull(wan.cryptoMap());
    assertEquals(wan, c.localInterface("VPN6"));
    assertEquals("2001:db8:ffff::1", c.localAddress("VPN6", "2001:db8:ffff::2"));
    assertEquals(List.of(new StaticRoute("2001:db8:2::", "64", null, "2001:db8:ffff::2", null),
        new StaticRoute("::", "0", "GigabitEthernet0/0", "fe80::1", 200)), c.staticRoutes());
    assertEquals(64, c.staticRoutes().get(0).prefixLength());
    assertEquals("2001:db8:ffff::2", c.ikev2Keyring("kr6").peers().get(0).address());
    assertEquals("128", c.ikev2Keyring("kr6").peers().get(0).mask());
    assertEquals("v1-secret", c.isakmpKeyFor("2001:db8:eeee:1::5").key(), "a key for the /48");
    assertNull(c.isakmpKeyFor("2001:db8:eeef::5"));
    assertNull(c.isakmpKeyFor("10.0.0.1"), "an IPv6 key never matches an IPv4 peer");
  }

  @Test
  void runningConfigWritesIpv6AsIosDoesAndReadsBackEqual() {
    GatewayConfig c = ConfigParser.parse("v6.cfg", SITE).config();
    String text = c.render();
    assertTrue(text.contains("""
        ipv6 access-list LAN6
         permit ipv6 2001:db8:1::/64 2001:db8:2::/64
         permit tcp host 2001:db8:1::10 eq 22 2001:db8:2::/64 range 1024 2048
         permit icmp any any
         deny udp any any eq 53
         remark the rest goes in clear
        !
        """), text);
    assertTrue(text.contains("""
        interface GigabitEthernet0/0
         ipv6 address 2001:db8:ffff::1/64
         ipv6 crypto map VPN6
        !
        """), text);
    assertTrue(text.contains(" set peer 2001:db8:ffff::2\n"), text);
    assertTrue(text.contains("crypto isakmp key v1-secret address ipv6 2001:db8:eeee::/48\n"), text);
    assertTrue(text.contains("  address 2001:db8:ffff::2/128\n"), text);
    assertTrue(text.contains("ipv6 route 2001:db8:2::/64 2001:db8:ffff::2\n"), text);
    assertTrue(text.contains("ipv6 route ::/0 GigabitEthernet0/0 fe80::1 200\n"), text);
    ParseResult again = ConfigParser.parse("running", text);
    assertEquals(List.of(), again.errors());
    assertEquals(c, again.config());
  }

  @Test
  void anIpv4AndAnIpv6MapOnOneInterface() {
    ParseResult r = ConfigParser.parse("dual.cfg", SITE.replace("""
        interface GigabitEthernet0/0
        """, """
        crypto map VPN4 10 ipsec-isakmp
         set peer 192.0.2.2
         set transform-set ts
         set ikev2-profile p6
         match address 101
        access-list 101 permit ip 10.1.0.0 0.0.255.255 10.2.0.0 0.0.255.255
        interface GigabitEthernet0/0
         ip address 192.0.2.1 255.255.255.0
         crypto map VPN4
        """));
    assertEquals(List.of(), r.errors());
    GatewayConfig c = r.config();
    assertEquals("192.0.2.1", c.localAddress("VPN4", "192.0.2.2"));
    assertEquals("2001:db8:ffff::1", c.localAddress("VPN6", "2001:db8:ffff::2"));
    assertEquals(List.of(c.interfaceNamed("GigabitEthernet0/0")), c.interfacesWithCryptoMap("VPN6"));
    assertFalse(c.accessList("101").ipv6());
  }

  @Test
  void malformedIpv6LinesAreRefusedWithTheirLineAndTheFix() {
    assertError("ipv6 access-list L\n permit ip any any\n", "v6.cfg:2: permit: an ipv6 access-list selects every "
        + "protocol with 'ipv6', not 'ip': write permit ipv6 …");
    assertError("ipv6 access-list L\n permit ipv6 10.0.0.0 any\n", "is IPv4: an ipv6 access-list takes IPv6 prefixes");
    assertError("ipv6 access-list L\n permit ipv6 2001:db8::/129 any\n", "must be an IPv6 prefix such as");
    assertError("ipv6 access-list L\n permit ipv6 2001:db8:::1/64 any\n", "must be an IPv6 prefix such as");
    assertError("ipv6 access-list L\n permit ipv6 2001:db8::1:2:3:4:5:6:7/64 any\n", "must be an IPv6 prefix");
    assertError("ipv6 access-list L\n permit icmp any any echo-request\n", "ICMPv6 message types");
    assertError("ipv6 access-list L\n permit udp any eq 70000 any\n", "port must be 0-65535");
    assertError("ipv6 access-list L\n sequence 0 permit ipv6 any any\n", "sequence number must be 1-4294967295");
    assertError("ip access-list extended L\n permit ip any any\nipv6 access-list L\n permit ipv6 any any\n",
        "access list L is already an IPv4 access list (line 1)");
    assertError("ip access-list extended L\n permit ip 2001:db8::/64 any\n", "is IPv6: IPv6 traffic is selected by an "
        + "ipv6 access-list NAME");
    assertError("interface Gi0\n ipv6 address 2001:db8::1\n", "ipv6 address needs a prefix length: write ipv6 "
        + "address 2001:db8::1/64");
    assertError("interface Gi0\n ipv6 address FE80::1/64\n", "is not a global unicast address");
    assertError("interface Gi0\n ipv6 address 2001:db8::/64 eui-64\n", "eui-64 derives the address from the MAC");
    assertError("ipv6 route 10.0.0.0 255.0.0.0 Gi0\n", "ipv6 route takes an IPv6 prefix");
    assertError("ipv6 route 2001:db8::/64 Gi0 2001:db8::zz\n", "next hop must be an IPv6 address");
    assertError("ipv6 route 2001:db8::/64 2001:db8::1 255\n", "distance must be 1-254");
    assertError("crypto isakmp key k address ipv6 2001:db8::1\n", "must be an IPv6 prefix such as 2001:DB8:1::/64");
    assertError("crypto ikev2 keyring k\n peer p\n  address 2001:db8::g\n", "must be an IPv6 address");
    assertError("crypto map M 1 ipsec-isakmp\n set peer 2001:db8::2 dynamic\n", "dynamic applies to a host name only");
    assertError("crypto map M 1 ipsec-isakmp\n set peer 2001:db8::2::3\n", "must be an IPv6 address");
  }

  @Test
  void aMapIsOfOneAddressFamily() {
    assertError(SITE.replace(" ipv6 address 2001:DB8:FFFF::1/64\n", ""), "ipv6 crypto map VPN6 needs the interface's"
        + " IPv6 address");
    assertError(SITE.replace("set peer 2001:db8:ffff:0::2", "set peer 192.0.2.2"), "set peer 192.0.2.2 is IPv4");
    assertError(SITE.replace("ipv6 crypto map VPN6", "crypto map VPN6"), "set peer 2001:DB8:FFFF::2 is IPv6");
    assertError(SITE.replace("match address LAN6", "match address 101") + "access-list 101 permit ip any any\n",
        "match address 101 is an IPv4 access list: name an ipv6 access-list");
    assertError(SITE.replace(" ipv6 crypto map VPN6\n", " ipv6 crypto map VPN6\n crypto map VPN6\n"),
        "is applied both with crypto map and with ipv6 crypto map");
  }

  private static void assertError(String text, String expected) {
    ParseResult r = ConfigParser.parse("v6.cfg", text);
    assertTrue(r.errors().stream().anyMatch(e -> e.toString().contains(expected)),
        () -> "expected an error with \"" + expected + "\", got " + r.errors());
    assertNull(r.config());
  }
}
