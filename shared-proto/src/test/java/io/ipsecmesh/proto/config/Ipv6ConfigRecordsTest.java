package io.ipsecmesh.proto.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.bus.RecordJson;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The IPv6 parts of the configuration model: {@code ipv6 access-list} lines (prefixes, not wildcards), and an
 * interface's {@code ipv6 address} / {@code ipv6 crypto map}, as the forwarder and config-service share them.
 */
class Ipv6ConfigRecordsTest {

  private static final AccessList ACL6 = new AccessList("VPN6", false, List.of(
      new AccessListEntry(AccessListEntry.Action.PERMIT, "ipv6", AddressMatch.ipv6Prefix("2001:db8:1::/64"), null,
          AddressMatch.ipv6Prefix("2001:db8:2::", 64), null, null),
      new AccessListEntry(AccessListEntry.Action.DENY, "icmp", AddressMatch.ANY6, null,
          AddressMatch.host("2001:db8:2::9"), null, null)), true);

  @Test
  void ipv6PrefixesMatchByPrefixLength() {
    AddressMatch m = AddressMatch.ipv6Prefix("2001:db8:1::/64");
    assertTrue(m.ipv6());
    assertEquals(64, m.prefixLength());
    assertTrue(m.matches("2001:db8:1::5"));
    assertTrue(m.matches("2001:db8:1:0:ffff::1"));
    assertFalse(m.matches("2001:db8:1:1::1"));
    assertFalse(m.matches("10.0.0.1"), "an IPv6 line never matches IPv4");
    assertFalse(AddressMatch.ANY.matches("2001:db8::1") && AddressMatch.ANY.ipv6());
    assertTrue(AddressMatch.ANY6.isAny());
    assertTrue(AddressMatch.host("2001:db8:2::9").isHost());
    assertThrows(IllegalArgumentException.class, () -> AddressMatch.ipv6Prefix("2001:db8::", 129));
    assertThrows(IllegalArgumentException.class, () -> AddressMatch.ipv6Prefix("10.0.0.0", 8));
  }

  @Test
  void ipv6ProtocolNamesAreIcmpv6AndAny() {
    assertEquals(0, ACL6.entries().get(0).protocolNumber());
    assertEquals(58, ACL6.entries().get(1).protocolNumber(), "icmp in an ipv6 access-list is ICMPv6 (RFC 4443)");
    assertEquals(1, new AccessListEntry(AccessListEntry.Action.PERMIT, "icmp", AddressMatch.ANY, null,
        AddressMatch.ANY, null, null).protocolNumber());
  }

  @Test
  void renderedAsIosWritesIt() {
    InterfaceConfig wan = new InterfaceConfig("GigabitEthernet0/0", null, null, null, null, null, null)
        .withIpv6("2001:db8:ff::1/64", "VPN6");
    GatewayConfig c = GatewayConfig.builder()
        .accessLists(List.of(ACL6))
        .interfaces(List.of(wan))
        .build();
    String text = c.render();
    assertTrue(text.contains("ipv6 access-list VPN6\n permit ipv6 2001:db8:1::/64 2001:db8:2::/64\n"
        + " deny icmp any host 2001:db8:2::9\n"), text);
    assertTrue(text.contains(" ipv6 address 2001:db8:ff::1/64\n"), text);
    assertTrue(text.contains(" ipv6 crypto map VPN6\n"), text);
    assertEquals(List.of(wan), c.interfacesWithCryptoMap("VPN6"));
    assertEquals("2001:db8:ff::1", wan.ipv6AddressOnly());
  }

  @Test
  void survivesTheBusAsJson() {
    assertEquals(ACL6, RecordJson.fromJson(RecordJson.toJson(ACL6), AccessList.class));
    InterfaceConfig i = InterfaceConfig.named("wan0").withIpv6("2001:db8::1/64", "VPN6");
    assertEquals(i, RecordJson.fromJson(RecordJson.toJson(i), InterfaceConfig.class));
  }
}
