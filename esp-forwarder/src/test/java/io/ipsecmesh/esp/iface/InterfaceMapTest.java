package io.ipsecmesh.esp.iface;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.esp.ManualKeyConfigs;
import io.ipsecmesh.esp.access.ClearTextRuleset;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.InterfaceConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** IOS interface names mapped to the host's interfaces; an unmapped IOS name is refused with the fix. */
class InterfaceMapTest {

  private static GatewayConfig onInterface(String name) {
    GatewayConfig c = ManualKeyConfigs.gatewayA("172.31.253.1", "172.31.253.2", "10.93.1.0", "10.93.2.0");
    InterfaceConfig wan = c.interfaces().stream().filter(i -> i.cryptoMap() != null).findFirst().orElseThrow();
    InterfaceConfig renamed = new InterfaceConfig(name, wan.ipAddress(), wan.mask(), wan.ipMtu(), wan.cryptoMap(),
        wan.dfBit(), wan.ezvpn(), wan.fragmentation());
    return c.toBuilder().interfaces(List.of(renamed)).build();
  }

  @Test
  void iosNameIsMatchedAsItsHostInterface() {
    InterfaceMap map = InterfaceMap.parse("GigabitEthernet0/0=eth0, GigabitEthernet0/1=eth1");
    GatewayConfig c = onInterface("GigabitEthernet0/0");
    assertEquals(List.of(), map.problems(c));
    String rules = ClearTextRuleset.of(c, map).text();
    assertTrue(rules.contains("iifname \"eth0\" udp dport { 500, 4500 } fib daddr type local accept"), rules);
    assertTrue(!rules.contains("GigabitEthernet"), rules);
  }

  @Test
  void linuxNameNeedsNoMapping() {
    assertEquals("wan0", InterfaceMap.IDENTITY.hostName("wan0"));
    assertEquals(List.of(), InterfaceMap.IDENTITY.problems(onInterface("wan0")));
  }

  @Test
  void unmappedIosNameIsRefusedWithTheFix() {
    List<String> p = InterfaceMap.parse("GigabitEthernet0/1=eth1").problems(onInterface("GigabitEthernet0/0"));
    assertEquals(List.of("interface GigabitEthernet0/0 (crypto map VPN) is no host interface: IOS interface names "
        + "are not Linux names; map it with the forwarder option --interfaceMap GigabitEthernet0/0=HOST-INTERFACE "
        + "(e.g. eth0)"), p);
    assertNull(InterfaceMap.IDENTITY.hostName("TenGigabitEthernet0/0/0"));
    assertNull(InterfaceMap.IDENTITY.hostName("averyveryverylongname"), "16 characters and more never fit");
  }

  @Test
  void anInterfaceWithOnlyAnIpv6CryptoMapIsCheckedToo() {
    GatewayConfig c = onInterface("GigabitEthernet0/0");
    InterfaceConfig v6only = new InterfaceConfig("GigabitEthernet0/0", null, null, null, null, null, null)
        .withIpv6("2001:db8::1/64", "VPN6");
    GatewayConfig only6 = c.toBuilder().interfaces(List.of(v6only)).build();
    List<String> p = InterfaceMap.IDENTITY.problems(only6);
    assertEquals(1, p.size());
    assertTrue(p.get(0).startsWith("interface GigabitEthernet0/0 (ipv6 crypto map VPN6) is no host interface"), p.get(0));
  }

  @Test
  void badMappingsAreRefused() {
    assertEquals("interfaceMap: 'eth0' is not IOS-NAME=HOST-INTERFACE",
        assertThrows(IllegalArgumentException.class, () -> InterfaceMap.parse("eth0")).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> InterfaceMap.parse("Gi0/0=GigabitEthernet0/0")).getMessage().contains("is no Linux interface name"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> InterfaceMap.parse("Gi0/0=eth0,Gi0/0=eth1")).getMessage().contains("mapped twice"));
  }
}
