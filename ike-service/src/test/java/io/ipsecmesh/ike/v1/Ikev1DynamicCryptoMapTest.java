package io.ipsecmesh.ike.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.config.AccessList;
import io.ipsecmesh.proto.config.AccessListEntry;
import io.ipsecmesh.proto.config.AddressMatch;
import io.ipsecmesh.proto.config.CryptoMapEntry;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.InterfaceConfig;
import io.ipsecmesh.proto.config.IsakmpKey;
import io.ipsecmesh.proto.config.IsakmpPolicy;
import io.ipsecmesh.proto.config.SaSettings;
import io.ipsecmesh.proto.config.TransformSet;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.sa.TrafficSelector;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A dynamic crypto map answering IKEv1 Main Mode, two engines in virtual time: the hub A (10.0.0.1) configured, by
 * {@link Ikev1Service#configure}, as the IOS text
 *
 * <pre>
 * crypto isakmp policy 10
 *  encryption aes 256
 *  hash sha256
 *  authentication pre-share
 *  group 14
 * crypto isakmp key spokes-key address 0.0.0.0 0.0.0.0
 * crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
 * crypto dynamic-map DYN 10
 *  set transform-set TS
 *  set pfs group14
 *  set security-association lifetime seconds 1800
 *  [match address 102]
 * crypto map VPN 65535 ipsec-isakmp dynamic DYN
 * interface Gi1
 *  ip address 10.0.0.1 255.255.255.0
 *  crypto map VPN
 * access-list 102 permit ip 10.1.0.0 0.0.0.255 10.2.0.0 0.0.255.255
 * </pre>
 *
 * and a spoke B (10.0.0.2, LAN 10.2.0.0/24) it has no {@code set peer} for, initiating with its own policy.
 */
class Ikev1DynamicCryptoMapTest {

  private final TwoGateways g = new TwoGateways();

  private static GatewayConfig hub(boolean matchAddress, List<IsakmpKey> keys) {
    AccessList acl = new AccessList("102", true, List.of(new AccessListEntry(AccessListEntry.Action.PERMIT, "ip",
        new AddressMatch("10.1.0.0", "0.0.0.255"), null, new AddressMatch("10.2.0.0", "0.0.255.255"), null, null)));
    CryptoMapEntry via = new CryptoMapEntry("VPN", 65535, CryptoMapEntry.Keying.IPSEC_ISAKMP, List.of(), List.of(),
        null, null, null, null, null, null, null, List.of(), "DYN");
    CryptoMapEntry dyn = new CryptoMapEntry("DYN", 10, CryptoMapEntry.Keying.IPSEC_ISAKMP, List.of(), List.of("TS"),
        SaSettings.INHERIT.withLifetimeSeconds(1800L), 14, matchAddress ? "102" : null, null, null, null);
    return GatewayConfig.builder()
        .isakmpPolicies(List.of(new IsakmpPolicy(10, "aes 256", "sha256", "pre-share", 14, 86_400)))
        .isakmpKeys(keys)
        .transformSets(List.of(new TransformSet("TS", EspTransform.AES_CBC_256_HMAC_SHA256_128, ChildSa.Mode.TUNNEL)))
        .cryptoMaps(List.of(via))
        .accessLists(List.of(acl))
        .interfaces(List.of(new InterfaceConfig("Gi1", TwoGateways.A, "255.255.255.0", null, "VPN", null, null)))
        .dynamicMaps(List.of(dyn))
        .build();
  }

  private static final List<IsakmpKey> WILDCARD = List.of(new IsakmpKey("spokes-key", "0.0.0.0", "0.0.0.0"));

  /** The spoke's own policy towards the hub: its LAN {@code localNet}.0/24 to the hub's 10.1.0.0/24. */
  private static Ikev1Policy spoke(String psk, Integer pfs, String localNet) {
    Ikev1Policy p = TwoGateways.policy(TwoGateways.B, TwoGateways.A, psk,
        TwoGateways.suite(256, Ikev1Hash.SHA2_256, 14), EspTransform.AES_CBC_256_HMAC_SHA256_128, localNet, "10.1.0");
    return pfs == null ? p : TwoGateways.withPfs(p, pfs);
  }

  private void spokeInitiates(Ikev1Policy spoke) {
    g.serviceB.setPolicies(List.of(spoke));
    g.serviceB.initiate(spoke);
    g.pump();
  }

  @Test
  void aSpokeWithoutSetPeerGetsTheDynamicMapsTransformSetPfsAndLifetime() {
    g.serviceA.configure(hub(false, WILDCARD), TwoGateways.A);
    assertEquals(List.of(), g.serviceA.engine().policies(), "no crypto map entry names a peer");
    spokeInitiates(spoke("spokes-key", 14, "10.2.0"));

    assertEquals(1, g.a.children.size(), "the hub installed the spoke's Child SA: " + g.a.quickModeFailures);
    ChildSa sa = g.a.children.getFirst();
    assertEquals("VPN", sa.cryptoMap());
    assertEquals(65535, sa.mapSequence());
    assertEquals(TwoGateways.B, sa.peerAddress());
    assertEquals(EspTransform.AES_CBC_256_HMAC_SHA256_128, sa.transform());
    assertEquals(1800, sa.lifetime().hardSeconds(), "set security-association lifetime seconds 1800");
    // no match address: the spoke's IDs are taken as proposed
    assertEquals(List.of(TrafficSelector.anyPorts("10.1.0.0", "10.1.0.255")), sa.localSelectors());
    assertEquals(List.of(TrafficSelector.anyPorts("10.2.0.0", "10.2.0.255")), sa.remoteSelectors());
    assertEquals(1, g.b.children.size());
    assertEquals(List.of("VPN"), g.a.up.stream().map(u -> u.cryptoMap()).toList());
  }

  @Test
  void theDynamicMapsPfsGroupIsRequired() {
    g.serviceA.configure(hub(false, WILDCARD), TwoGateways.A);
    spokeInitiates(spoke("spokes-key", null, "10.2.0"));
    assertEquals(List.of(), g.a.children, "a Quick Mode without PFS is refused by set pfs group14");
    assertEquals(List.of(), g.b.children);
  }

  @Test
  void theDynamicMapsMatchAddressBoundsWhatASpokeMayProtect() {
    g.serviceA.configure(hub(true, WILDCARD), TwoGateways.A);
    spokeInitiates(spoke("spokes-key", 14, "10.3.0"));
    assertEquals(List.of(), g.a.children, "10.3.0.0/24 is outside access-list 102's 10.2.0.0/16");

    TwoGateways fresh = new TwoGateways();
    fresh.serviceA.configure(hub(true, WILDCARD), TwoGateways.A);
    Ikev1Policy ok = spoke("spokes-key", 14, "10.2.0");
    fresh.serviceB.setPolicies(List.of(ok));
    fresh.serviceB.initiate(ok);
    fresh.pump();
    assertEquals(1, fresh.a.children.size(), "10.2.0.0/24 is inside it: " + fresh.a.quickModeFailures);
  }

  @Test
  void aSpokeWithAnotherKeyIsRefusedAndAPeerWithNoKeyGetsNoAnswer() {
    g.serviceA.configure(hub(false, WILDCARD), TwoGateways.A);
    spokeInitiates(spoke("not-the-key", 14, "10.2.0"));
    assertEquals(List.of(), g.a.children);
    assertEquals(List.of(), g.b.children);

    TwoGateways other = new TwoGateways();
    // a key for 10.9.0.0/16 only: the spoke at 10.0.0.2 has none, its MM1 gets no answer and leaves no state
    other.serviceA.configure(hub(false, List.of(new IsakmpKey("branch-key", "10.9.0.0", "255.255.0.0"))),
        TwoGateways.A);
    Ikev1Policy p = spoke("branch-key", 14, "10.2.0");
    other.serviceB.setPolicies(List.of(p));
    other.serviceB.initiate(p);
    other.pump();
    assertEquals(List.of(), other.sentByA);
  }

  @Test
  void theHubNeverInitiatesFromTheDynamicMapNorAnswersAggressiveModeWithIt() {
    g.serviceA.configure(hub(false, WILDCARD), TwoGateways.A);
    assertFalse(g.serviceA.acquire("VPN", 65535, null), "no ACQUIRE is served by a dynamic map");
    assertFalse(g.serviceA.acquire("VPN", 65535, TwoGateways.B));
    g.pump();
    assertEquals(List.of(), g.sentByA);

    // Aggressive Mode would send HASH_R under the shared key in clear: the template does not answer it
    spokeInitiates(spoke("spokes-key", 14, "10.2.0").withAggressive(true));
    assertEquals(List.of(), g.sentByA);
    assertEquals(List.of(), g.a.children);
  }

  @Test
  void aTemplateBindsToAnAddressWithTheKeyThatCoversIt() {
    GatewayConfig h = hub(false, WILDCARD);
    List<Ikev1Template> templates = Ikev1Policies.templates(h, TwoGateways.A);
    assertEquals(1, templates.size());
    assertTrue(templates.getFirst().toString().contains("psk=<redacted>"), templates.getFirst().toString());
    Ikev1Policy bound = templates.getFirst().bind("192.0.2.7");
    assertEquals("192.0.2.7", bound.peerAddress());
    assertEquals("spokes-key", new String(bound.psk(), java.nio.charset.StandardCharsets.UTF_8));
    assertEquals(List.of(), Ikev1Policies.templates(hub(false, List.of()), TwoGateways.A),
        "no key for any address: no template");
  }

  @Test
  void aPeerAStaticEntryNamesGetsThatEntryNotTheTemplate() {
    GatewayConfig h = hub(false, List.of(new IsakmpKey("spokes-key", "0.0.0.0", "0.0.0.0"),
        new IsakmpKey("b-key", TwoGateways.B, "255.255.255.255")));
    CryptoMapEntry named = new CryptoMapEntry("VPN", 10, CryptoMapEntry.Keying.IPSEC_ISAKMP, List.of(TwoGateways.B),
        List.of("TS"), null, null, "102", null, null, null);
    List<CryptoMapEntry> maps = new java.util.ArrayList<>(h.cryptoMaps());
    maps.add(named);
    GatewayConfig both = h.toBuilder()
        .cryptoMaps(maps)
        .build();
    g.serviceA.configure(both, TwoGateways.A);
    spokeInitiates(spoke("b-key", null, "10.2.0"));
    assertEquals(1, g.a.children.size(), g.a.quickModeFailures.toString());
    assertEquals(10, g.a.children.getFirst().mapSequence(), "crypto map VPN 10 names the peer: its key, its terms");
  }
}
