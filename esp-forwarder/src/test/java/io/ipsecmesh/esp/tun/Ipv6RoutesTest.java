package io.ipsecmesh.esp.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.esp.ManualKeyConfigs;
import io.ipsecmesh.esp.spd.AclRule;
import io.ipsecmesh.esp.spd.NegotiatedPolicies;
import io.ipsecmesh.esp.spd.SpdEntry;
import io.ipsecmesh.proto.config.AddressMatch;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.sa.TrafficSelector;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * IPv6 routes into the TUN: the destinations of {@code ipv6 access-list} permit lines ({@link KernelRoutes}), and the
 * IPv6 ranges peers negotiate through dynamic crypto maps ({@link NegotiatedRoutes}, RFC 7296 §3.13.1
 * TS_IPV6_ADDR_RANGE), refused on the same grounds as IPv4 ones.
 */
class Ipv6RoutesTest {

  private static List<String> prefixes(String start, String end) {
    return Ipv6Prefixes.prefixes(Ipv6Prefixes.value(start), Ipv6Prefixes.value(end), 64);
  }

  @Test
  void aRangeBecomesTheFewestPrefixes() {
    assertEquals(List.of("fd91:22::/64"), prefixes("fd91:22::", "fd91:22::ffff:ffff:ffff:ffff"));
    assertEquals(List.of("fd91:22::1/128", "fd91:22::2/127", "fd91:22::4/126", "fd91:22::8/125"),
        prefixes("fd91:22::1", "fd91:22::f"));
    assertEquals(List.of("::/0"), prefixes("::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
    assertEquals(65, prefixes("::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe").size(), "stops past the cap");
  }

  @Test
  void anIpv6AclAddressIsItsPrefixWithHostBitsCleared() {
    assertEquals("fd91:22::/64", NegotiatedRoutes.prefix(AddressMatch.ipv6Prefix("fd91:22::7/64")));
    assertEquals("2001:db8::1/128", NegotiatedRoutes.prefix(AddressMatch.host("2001:db8::1")));
    assertEquals(null, NegotiatedRoutes.prefix(AddressMatch.ANY6));
  }

  @Test
  void ipv6AccessListDestinationsAreRoutedIntoTheTun() {
    GatewayConfig c = ManualKeyConfigs.dualStack(true, "fd31:252::1", "fd31:252::2", "10.91.21.0", "10.91.22.0",
        "fd91:21::", "fd91:22::", true);
    assertEquals(List.of("10.91.22.0/24", "fd91:22::/64"), KernelRoutes.protectedDestinations(c));
  }

  @Test
  void negotiatedIpv6RangesAreRoutedUnlessTheyHoldAnEndpointOrAreTheDefault() {
    GatewayConfig c = ManualKeyConfigs.dualStack(true, "fd31:252::1", "fd31:252::2", "10.91.21.0", "10.91.22.0",
        "fd91:21::", "fd91:22::", true);
    SpdEntry hub = new SpdEntry("DYN", 10, 0, new AclRule[0], false, new NegotiatedPolicies());
    List<NegotiatedPolicies.Policy> policies = List.of(
        policy("2001:db8:ff::2", "fd91:33::", "fd91:33::ffff"),
        policy("2001:db8:ff::3", "::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
        policy("2001:db8:ff::4", "2001:db8:ff::", "2001:db8:ff::ff"),
        policy("2001:db8:ff::5", "fd31:252::", "fd31:252::ff"),
        policy("2001:db8:ff::6", "fd31:252::1000", "fd31:252::10ff"));
    NegotiatedRoutes.Plan plan = NegotiatedRoutes.wanted(c, Map.of(hub, policies), List.of());
    assertEquals(java.util.Set.of("fd91:33::/112"), plan.prefixes());
    assertEquals(4, plan.refused().size(), plan.refused().toString());
    assertTrue(plan.refused().get(0).endsWith("it is the default route"), plan.refused().get(0));
    assertTrue(plan.refused().get(1).contains("it holds the peer's own address 2001:db8:ff::4"));
    assertTrue(plan.refused().get(2).contains("it overlaps the connected network fd31:252::/64 of interface wan0"),
        plan.refused().get(2));
    assertTrue(plan.refused().get(3).contains("it overlaps the connected network fd31:252::/64"),
        "in the WAN's /64 without holding its address: " + plan.refused().get(3));
  }

  private static NegotiatedPolicies.Policy policy(String peer, String start, String end) {
    return new NegotiatedPolicies.Policy(1, peer, List.of(TrafficSelector.anyPorts("fd91:21::", "fd91:21::ffff")),
        List.of(TrafficSelector.anyPorts(start, end)));
  }

  @Test
  void valuesAreReadOnlyFromIpv6Literals() {
    assertEquals(null, Ipv6Prefixes.value("10.0.0.1"));
    assertEquals(null, Ipv6Prefixes.value("host.example"));
    assertEquals(BigInteger.ONE, Ipv6Prefixes.value("::1"));
  }
}
