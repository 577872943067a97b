package io.ipsecmesh.ike.v1;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.ike.crypto.DhGroup;
import io.ipsecmesh.proto.config.AccessList;
import io.ipsecmesh.proto.config.AccessListEntry;
import io.ipsecmesh.proto.config.AddressMatch;
import io.ipsecmesh.proto.config.CryptoMapEntry;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.InterfaceConfig;
import io.ipsecmesh.proto.config.IsakmpKey;
import io.ipsecmesh.proto.config.IsakmpPolicy;
import io.ipsecmesh.proto.config.PortMatch;
import io.ipsecmesh.proto.config.SaSettings;
import io.ipsecmesh.proto.config.TransformSet;
import io.ipsecmesh.proto.ikev1.IsakmpConstants;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.sa.TrafficSelector;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The IOS model of an IKEv1 site-to-site configuration (as in the seed documents), resolved into policies. */
class Ikev1PoliciesTest {

  /*
   * crypto isakmp policy 20 / encryption aes / hash sha / authentication pre-share / group 19 / lifetime 3600
   * crypto isakmp policy 10 / encryption aes 256 / hash sha256 / authentication pre-share / group 14
   * crypto isakmp policy 30 / authentication rsa-sig
   * crypto isakmp key cisco123 address 192.0.2.2
   * crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
   * access-list 101 permit ip 10.1.0.0 0.0.255.255 10.2.0.0 0.0.255.255
   * crypto map VPN 10 ipsec-isakmp / set peer 192.0.2.2 / set peer 192.0.2.3 / set transform-set TS
   *   match address 101 / set security-association lifetime seconds 1800 / set pfs group14
   * crypto map VPN 20 ipsec-isakmp / set peer 192.0.2.2 / set transform-set TS / match address 101
   *   set ikev2-profile PROF
   * interface Gi1 / ip address 192.0.2.1 255.255.255.0 / crypto map VPN
   */
  private static GatewayConfig config() {
    GatewayConfig e = GatewayConfig.empty();
    AccessList acl = new AccessList("101", true, List.of(
        new AccessListEntry(AccessListEntry.Action.PERMIT, "ip", new AddressMatch("10.1.0.0", "0.0.255.255"), null,
            new AddressMatch("10.2.0.0", "0.0.255.255"), null, null),
        new AccessListEntry(AccessListEntry.Action.PERMIT, "tcp", AddressMatch.host("10.1.1.1"), null,
            new AddressMatch("10.3.0.0", "0.0.0.255"), new PortMatch(PortMatch.Operator.EQ, 443, 443), null)));
    return GatewayConfig.builder()
        .isakmpPolicies(List.of(new IsakmpPolicy(20, "aes", "sha", "pre-share", 19, 3600),
            new IsakmpPolicy(10, "aes 256", "sha256", "pre-share", 14, 86_400),
            new IsakmpPolicy(30, "aes 256", "sha256", "rsa-sig", 14, 86_400)))
        .isakmpKeys(List.of(new IsakmpKey("cisco123", "192.0.2.2", null)))
        .transformSets(List.of(new TransformSet("TS", EspTransform.AES_CBC_256_HMAC_SHA256_128, ChildSa.Mode.TUNNEL)))
        .cryptoMaps(List.of(new CryptoMapEntry("VPN", 10, CryptoMapEntry.Keying.IPSEC_ISAKMP, List.of("192.0.2.2",
            "192.0.2.3"),
                List.of("TS"), new SaSettings(null, null, 1800L, null), 14, "101", null, null, null),
            new CryptoMapEntry("VPN", 20, CryptoMapEntry.Keying.IPSEC_ISAKMP, List.of("192.0.2.2"), List.of("TS"),
                null, null, "101", "PROF", null, null)))
        .accessLists(List.of(acl))
        .interfaces(List.of(new InterfaceConfig("Gi1", "192.0.2.1", "255.255.255.0", null, "VPN", null, null)))
        .build();
  }

  @Test
  void cryptoMapEntriesWithoutIkev2ProfileBecomeOneIkev1PolicyPerKeyedPeer() {
    List<Ikev1Policy> ps = Ikev1Policies.from(config(), "203.0.113.1");
    assertEquals(1, ps.size(), "192.0.2.3 has no isakmp key; VPN 20 is IKEv2");
    Ikev1Policy p = ps.getFirst();
    assertEquals("VPN", p.cryptoMap());
    assertEquals(10, p.mapSequence());
    assertEquals("192.0.2.2", p.peerAddress());
    assertEquals("192.0.2.1", p.localAddress(), "the interface with the crypto map");
    assertEquals(new Ikev1Policy.Identity(IsakmpConstants.ID_IPV4_ADDR, "192.0.2.1"), p.localId());
    assertArrayEquals("cisco123".getBytes(StandardCharsets.UTF_8), p.psk());
    assertEquals(List.of(new Ikev1Suite(256, Ikev1Hash.SHA2_256, DhGroup.MODP_2048, 86_400),
        new Ikev1Suite(128, Ikev1Hash.SHA1, DhGroup.ECP_256, 3600)), p.suites(),
        "pre-share policies by priority; rsa-sig is not ours");
    assertEquals(List.of(EspTransform.AES_CBC_256_HMAC_SHA256_128), p.espTransforms());
    assertEquals(List.of(TrafficSelector.anyPorts("10.1.0.0", "10.1.255.255"),
        new TrafficSelector("10.1.1.1", "10.1.1.1", 6, 0, 65535)), p.localSelectors());
    assertEquals(new TrafficSelector("10.3.0.0", "10.3.0.255", 6, 443, 443), p.remoteSelectors().get(1));
    assertEquals(1800, p.lifetimeSeconds());
    assertEquals(DhGroup.MODP_2048, p.pfsGroup(), "set pfs group14");
  }

  @Test
  void withoutPreSharePoliciesThereIsNoIkev1Policy() {
    GatewayConfig c = config();
    GatewayConfig rsaOnly = c.toBuilder().isakmpPolicies(List.of(IsakmpPolicy.defaults(1))).build();
    assertTrue(Ikev1Policies.from(rsaOnly, null).isEmpty(), "IOS's default authentication is rsa-sig");
  }

  @Test
  void quickModeIdsRoundTripHostsSubnetsAndRanges() {
    for (TrafficSelector ts : List.of(TrafficSelector.anyPorts("10.1.0.0", "10.1.255.255"),
        TrafficSelector.anyPorts("10.9.9.9", "10.9.9.9"), TrafficSelector.anyPorts("10.0.0.5", "10.0.0.9"),
        new TrafficSelector("10.1.1.1", "10.1.1.1", 6, 443, 443))) {
      assertEquals(ts, QuickModeIds.fromId(QuickModeIds.toId(ts)));
    }
    assertEquals(IsakmpConstants.ID_IPV4_ADDR_SUBNET,
        QuickModeIds.toId(TrafficSelector.anyPorts("10.1.0.0", "10.1.255.255")).idType());
    assertEquals(IsakmpConstants.ID_IPV4_ADDR_RANGE,
        QuickModeIds.toId(TrafficSelector.anyPorts("10.0.0.5", "10.0.0.9")).idType());
  }

  /** IKEv1 Quick Mode PFS takes the same terms: an unknown group fails the policies, never means "no PFS". */
  @Test
  void aPfsGroupTheEngineLacksFailsThePolicyInsteadOfDroppingPfs() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Ikev1Policies.from(withPfsGroup(config(), 24), null));
    assertTrue(e.getMessage().startsWith("crypto map VPN 10: set pfs group24 is not supported"), e.getMessage());
  }

  /**
   * {@code set pfs group31} is accepted on any crypto map entry, but Curve25519 is IKEv2-only (RFC 8031): on
   * the IKEv1 entry (VPN 10) it fails the policies, naming the entry, instead of yielding a policy whose Quick
   * Modes could never agree on PFS. The IKEv2 entry (VPN 20, same group) is not an IKEv1 policy and is not
   * what the error names.
   */
  @Test
  void group31OnAnIkev1EntryFailsThePolicyNamingTheCryptoMap() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Ikev1Policies.from(withPfsGroup(config(), 31), null));
    assertEquals("crypto map VPN 10: set pfs group31 (Curve25519) is defined for IKEv2 only (RFC 8031), and this"
        + " entry has no set ikev2-profile, so it negotiates IKEv1; use group14, group19 or group20, or set an"
        + " ikev2-profile; refusing the policy rather than negotiating without PFS", e.getMessage());
    // the groups Quick Mode can do still give a policy with that PFS group
    for (int g : new int[] {14, 19, 20}) {
      List<Ikev1Policy> ps = Ikev1Policies.from(withPfsGroup(config(), g), null);
      assertTrue(!ps.isEmpty() && ps.stream().allMatch(p -> p.pfsGroup() == DhGroup.byId(g)), "group " + g);
    }
  }

  /** The configuration with every crypto map entry's {@code set pfs} group replaced by {@code group}. */
  private static GatewayConfig withPfsGroup(GatewayConfig c, int group) {
    List<CryptoMapEntry> maps = c.cryptoMaps().stream().map(m -> new CryptoMapEntry(m.name(), m.seq(), m.keying(),
        m.peers(), m.transformSets(), m.sa(), group, m.matchAddress(), m.ikev2Profile(), m.inboundEsp(),
        m.outboundEsp())).toList();
    return c.toBuilder().cryptoMaps(maps).build();
  }

  private static GatewayConfig withAggressive(GatewayConfig c, List<io.ipsecmesh.proto.config.IsakmpPeer> peers,
      boolean disabled) {
    return c.toBuilder().isakmpPeers(peers).aggressiveModeDisabled(disabled).build();
  }

  /**
   * crypto isakmp peer address 192.0.2.3 / set aggressive-mode password am-key / set aggressive-mode client-endpoint
   * fqdn branch.example: that peer of crypto map VPN 10 is initiated with Aggressive Mode, with that key (it has no
   * crypto isakmp key) and identity; the other peer stays Main Mode. crypto isakmp aggressive-mode disable blocks it
   * "to and from the device": no Aggressive Mode policy, and no key for that peer.
   */
  @Test
  void isakmpPeerWithAggressiveModePasswordAndClientEndpointInitiatesAggressiveMode() {
    var peer = new io.ipsecmesh.proto.config.IsakmpPeer("192.0.2.3", "am-key",
        new io.ipsecmesh.proto.config.IkeIdentity(io.ipsecmesh.proto.config.IkeIdentity.Type.FQDN, "branch.example"));
    List<Ikev1Policy> policies = Ikev1Policies.from(withAggressive(config(), List.of(peer), false), "192.0.2.1");
    Ikev1Policy am = policies.stream().filter(p -> p.peerAddress().equals("192.0.2.3")).findFirst().orElseThrow();
    assertTrue(am.aggressive());
    assertArrayEquals("am-key".getBytes(StandardCharsets.UTF_8), am.psk());
    assertEquals(new Ikev1Policy.Identity(IsakmpConstants.ID_FQDN, "branch.example"), am.localId());
    Ikev1Policy mm = policies.stream().filter(p -> p.peerAddress().equals("192.0.2.2")).findFirst().orElseThrow();
    assertEquals(false, mm.aggressive());

    List<Ikev1Policy> disabled = Ikev1Policies.from(withAggressive(config(), List.of(peer), true), "192.0.2.1");
    assertTrue(disabled.stream().noneMatch(Ikev1Policy::aggressive));
    assertTrue(disabled.stream().noneMatch(p -> p.peerAddress().equals("192.0.2.3")), "no crypto isakmp key for it");
  }
}
