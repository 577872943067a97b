package io.ipsecmesh.esp.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ipsecmesh.esp.ManualKeyConfigs;
import io.ipsecmesh.proto.config.AccessList;
import io.ipsecmesh.proto.config.AccessListEntry;
import io.ipsecmesh.proto.config.AddressMatch;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.PortMatch;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The crypto ACL mirrored into nftables rules on the crypto map's interface, in order, first match wins. */
class ClearTextRulesetTest {

  private static GatewayConfig withAcl(List<AccessListEntry> entries) {
    GatewayConfig c = ManualKeyConfigs.gatewayA("172.31.253.1", "172.31.253.2", "10.93.1.0", "10.93.2.0");
    return ManualKeyConfigs.withMaps(c.cryptoMaps(), List.of(new AccessList("101", true, entries)), "172.31.253.1");
  }

  @Test
  void permitBecomesACountedDropOfTheMirroredFlow() {
    ClearTextRuleset.Ruleset r = ClearTextRuleset.of(
        ManualKeyConfigs.gatewayA("172.31.253.1", "172.31.253.2", "10.93.1.0", "10.93.2.0"));
    assertEquals(List.of("VPN 10"), r.counters());
    assertTrue(r.text().contains("iifname \"wan0\" meta nfproto ipv4 ip saddr & 255.255.255.0 == 10.93.2.0 "
        + "ip daddr & 255.255.255.0 == 10.93.1.0 counter name \"cleartext_0\" drop\n"), r.text());
    assertTrue(r.text().contains("iifname \"wan0\" fib daddr type local udp dport { 500, 4500 } accept\n"),
        "IKE and ESP-in-UDP to the gateway itself pass");
    assertTrue(r.text().startsWith("table inet ipsecmesh_access\ndelete table inet ipsecmesh_access\n"),
        "one transaction replaces the old table");
  }

  @Test
  void denyPassesAndPortsAndHostsAreMirrored() {
    ClearTextRuleset.Ruleset r = ClearTextRuleset.of(withAcl(List.of(
        AccessListEntry.remark("web is not protected"),
        new AccessListEntry(AccessListEntry.Action.DENY, "tcp", new AddressMatch("10.93.1.0", "0.0.0.255"), null,
            AddressMatch.ANY, new PortMatch(PortMatch.Operator.EQ, 80, 80), null),
        new AccessListEntry(AccessListEntry.Action.PERMIT, "udp", AddressMatch.host("10.93.1.10"),
            new PortMatch(PortMatch.Operator.RANGE, 5000, 5010), new AddressMatch("10.93.0.0", "0.0.255.0"), null,
            null))));
    String t = r.text();
    int deny = t.indexOf("iifname \"wan0\" meta nfproto ipv4 ip daddr & 255.255.255.0 == 10.93.1.0 "
        + "meta l4proto 6 th sport 80 accept");
    int permit = t.indexOf("iifname \"wan0\" meta nfproto ipv4 ip saddr & 255.255.0.255 == 10.93.0.0 ip daddr 10.93.1.10 "
        + "meta l4proto 17 th dport 5000-5010 counter name \"cleartext_0\" drop");
    assertTrue(deny > 0 && permit > deny, t);
  }

  @Test
  void aDynamicCryptoMapChecksItsDynamicMapsMatchAddress() {
    ClearTextRuleset.Ruleset r = ClearTextRuleset.of(io.ipsecmesh.esp.DynamicMapHub.config(true));
    assertEquals(List.of("VPN 65535"), r.counters());
    assertTrue(r.text().contains("iifname \"wan0\" meta nfproto ipv4 ip saddr & 255.255.0.0 == 10.91.0.0 "
        + "ip daddr & 255.255.255.0 == 10.91.1.0 counter name \"cleartext_0\" drop\n"), r.text());
    assertTrue(ClearTextRuleset.of(io.ipsecmesh.esp.DynamicMapHub.config(false)).empty(),
        "without match address nothing is known to be protected before a peer negotiates it");
  }

  @Test
  void nothingProtectedNoTable() {
    assertTrue(ClearTextRuleset.of(GatewayConfig.empty()).empty());
  }

  @Test
  void nftAcceptsTheRuleset() throws Exception {
    assumeTrue(new ProcessBuilder("nft", "--version").start().waitFor() == 0, "nft not installed");
    assumeTrue(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).trim().equals("0"),
        "nft -c needs root");
    ClearTextRuleset.Ruleset r = ClearTextRuleset.of(withAcl(List.of(
        new AccessListEntry(AccessListEntry.Action.PERMIT, "udp", AddressMatch.host("10.93.1.10"),
            new PortMatch(PortMatch.Operator.GT, 1023, 1023), new AddressMatch("10.93.0.0", "0.0.255.0"),
            new PortMatch(PortMatch.Operator.NEQ, 53, 53), null))));
    // -c: parse and check against the kernel without committing
    Process p = new ProcessBuilder("nft", "-c", "-f", "-").redirectErrorStream(true).start();
    p.getOutputStream().write(r.text().getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out + "\n" + r.text());
  }
}
