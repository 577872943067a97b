package io.ipsecmesh.esp.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipsecmesh.proto.config.AddressMatch;
import io.ipsecmesh.proto.config.Ipv4;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The arithmetic and bookkeeping of {@link NegotiatedRoutes}; which routes a hub wants as its spokes come and go is
 * proven with the SAD in {@code fwd.DynamicCryptoMapForwardingTest}.
 */
class NegotiatedRoutesTest {

  private static List<String> prefixes(String start, String end) {
    return NegotiatedRoutes.prefixes(Ipv4.toLong(start), Ipv4.toLong(end));
  }

  @Test
  void aNegotiatedRangeBecomesTheFewestPrefixesThatCoverItExactly() {
    assertEquals(List.of("10.0.0.0/24"), prefixes("10.0.0.0", "10.0.0.255"));
    assertEquals(List.of("10.0.0.1/32", "10.0.0.2/31", "10.0.0.4/30", "10.0.0.8/29"), prefixes("10.0.0.1", "10.0.0.15"));
    assertEquals(List.of("192.0.2.7/32"), prefixes("192.0.2.7", "192.0.2.7"));
    assertEquals(List.of("0.0.0.0/0"), prefixes("0.0.0.0", "255.255.255.255"));
    assertEquals(62, prefixes("0.0.0.1", "255.255.255.254").size());
  }

  @Test
  void anAclAddressIsAPrefixOnlyWithAContiguousWildcard() {
    assertEquals("10.91.0.0/16", NegotiatedRoutes.prefix(new AddressMatch("10.91.7.9", "0.0.255.255")));
    assertEquals("10.91.1.5/32", NegotiatedRoutes.prefix(new AddressMatch("10.91.1.5", "0.0.0.0")));
    assertEquals(null, NegotiatedRoutes.prefix(new AddressMatch("10.0.0.0", "0.255.0.255")));
  }

  @Test
  void reconcileAddsWhatIsNewDeletesWhatWentAndRetriesWhatFailed() {
    List<String> calls = new ArrayList<>();
    boolean[] fail = {true};
    NegotiatedRoutes routes = new NegotiatedRoutes(new NegotiatedRoutes.RouteTable() {
      @Override
      public String replace(String prefix) {
        calls.add("+" + prefix);
        return fail[0] && prefix.startsWith("10.2.") ? "ip route replace " + prefix + ": busy" : null;
      }

      @Override
      public String delete(String prefix) {
        calls.add("-" + prefix);
        return null;
      }
    });
    assertEquals(List.of("ip route replace 10.2.0.0/16: busy"), routes.reconcile(new java.util.TreeSet<>(Set.of("10.1.0.0/16", "10.2.0.0/16"))));
    assertEquals(Set.of("10.1.0.0/16"), routes.installed());
    fail[0] = false;
    assertEquals(List.of(), routes.reconcile(Set.of("10.2.0.0/16")));
    assertEquals(Set.of("10.2.0.0/16"), routes.installed());
    assertEquals(List.of("+10.1.0.0/16", "+10.2.0.0/16", "+10.2.0.0/16", "-10.1.0.0/16"), calls);
  }
}
