package io.ipsecmesh.ike.engine;

import static io.ipsecmesh.ike.engine.TestPeers.A;
import static io.ipsecmesh.ike.engine.TestPeers.B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.ike.policy.ConfigPolicies;
import io.ipsecmesh.ike.policy.PeerPolicy;
import io.ipsecmesh.proto.config.AccessList;
import io.ipsecmesh.proto.config.AccessListEntry;
import io.ipsecmesh.proto.config.AddressMatch;
import io.ipsecmesh.proto.config.CryptoMapEntry;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.IdentityMatch;
import io.ipsecmesh.proto.config.IkeIdentity;
import io.ipsecmesh.proto.config.Ikev2Keyring;
import io.ipsecmesh.proto.config.Ikev2KeyringPeer;
import io.ipsecmesh.proto.config.Ikev2Profile;
import io.ipsecmesh.proto.config.InterfaceConfig;
import io.ipsecmesh.proto.config.Replay;
import io.ipsecmesh.proto.config.SaSettings;
import io.ipsecmesh.proto.config.TransformSet;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.sa.TrafficSelector;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A hub with a dynamic crypto map (Cisco guide, anti-replay chapter: "a particular crypto map, dynamic crypto map,
 * or crypto profile") accepts a spoke it has no {@code set peer} for, through the production path (configuration
 * models → {@link ConfigPolicies} → {@code PolicyStore}) on two engines on the virtual wire. The hub B:
 *
 * <pre>
 * crypto ikev2 keyring KR / peer ANY / address 0.0.0.0 0.0.0.0 / pre-shared-key KEY
 * crypto ikev2 profile PROF / match identity remote address 0.0.0.0 0.0.0.0 / keyring local KR
 * crypto ipsec transform-set TS esp-gcm 128
 * crypto dynamic-map DYN 10 / set transform-set TS / set ikev2-profile PROF /
 *   set security-association replay window-size 128 / [match address 102]
 * crypto map VPN 65535 ipsec-isakmp dynamic DYN
 * interface Gi1 / ip address 172.31.255.2 255.255.255.252 / crypto map VPN
 * </pre>
 *
 * The spoke A is a static crypto map with {@code set peer 172.31.255.2} and ACL 10.91.1.0/24 → 10.91.2.0/24.
 */
class DynamicCryptoMapTest {

  private static final String PSK = "dynamic-map-psk-0123456789";

  private static GatewayConfig config(String local, List<CryptoMapEntry> maps, List<CryptoMapEntry> dynamicMaps,
      List<AccessList> acls, Ikev2KeyringPeer key, String matchRemote) {
    return config(local, maps, dynamicMaps, acls, key,
        new Ikev2Profile("PROF", List.of(matchRemote), null, "pre-share", "pre-share", "KR", null, null));
  }

  private static GatewayConfig config(String local, List<CryptoMapEntry> maps, List<CryptoMapEntry> dynamicMaps,
      List<AccessList> acls, Ikev2KeyringPeer key, Ikev2Profile profile) {
    return GatewayConfig.builder()
        .transformSets(List.of(new TransformSet("TS", EspTransform.AES_GCM_128, ChildSa.Mode.TUNNEL)))
        .cryptoMaps(maps)
        .accessLists(acls)
        .interfaces(List.of(new InterfaceConfig("Gi1", local, "255.255.255.252", null, "VPN", null, null)))
        .ikev2Keyrings(List.of(new Ikev2Keyring("KR", List.of(key))))
        .ikev2Profiles(List.of(profile))
        .dynamicMaps(dynamicMaps)
        .build();
  }

  private static AccessList acl(String name, String src, String srcWildcard, String dst) {
    return new AccessList(name, true, List.of(new AccessListEntry(AccessListEntry.Action.PERMIT, "ip",
        new AddressMatch(src, srcWildcard), null, new AddressMatch(dst, "0.0.0.255"), null, null)));
  }

  private static GatewayConfig spoke(String psk) {
    return config(A, List.of(new CryptoMapEntry("VPN", 10, CryptoMapEntry.Keying.IPSEC_ISAKMP, List.of(B),
            List.of("TS"), null, null, "101", "PROF", null, null)), List.of(),
        List.of(acl("101", "10.91.1.0", "0.0.0.255", "10.91.2.0")),
        new Ikev2KeyringPeer("HUB", B, null, psk, psk), B + " 255.255.255.255");
  }

  private static GatewayConfig hub(String matchAddress, Ikev2KeyringPeer key) {
    CryptoMapEntry template = new CryptoMapEntry("DYN", 10, CryptoMapEntry.Keying.IPSEC_ISAKMP, List.of(),
        List.of("TS"), new SaSettings(Replay.window(128), null, null, null), null, matchAddress, "PROF", null, null);
    CryptoMapEntry via = new CryptoMapEntry("VPN", 65535, CryptoMapEntry.Keying.IPSEC_ISAKMP, List.of(), List.of(),
        null, null, null, null, null, null, null, List.of(), "DYN");
    return config(B, List.of(via), List.of(template),
        List.of(acl("102", "10.91.2.0", "0.0.0.127", "10.91.1.0")), key, "0.0.0.0 0.0.0.0");
  }

  private static Ikev2KeyringPeer anyAddress(String psk) {
    return new Ikev2KeyringPeer("ANY", "0.0.0.0", "0.0.0.0", psk, psk);
  }

  private static TestPeers negotiate(GatewayConfig spoke, GatewayConfig hub) {
    TestPeers n = new TestPeers();
    List<PeerPolicy> pa = ConfigPolicies.from(spoke, A, null);
    n.aPolicies.replace(pa);
    n.bPolicies.replace(ConfigPolicies.from(hub, B, null));
    n.a.initiate(pa.getFirst());
    n.run();
    return n;
  }

  @Test
  void theHubAcceptsASpokeItHasNoSetPeerForWithTheDynamicMapsSettings() {
    TestPeers n = negotiate(spoke(PSK), hub(null, anyAddress(PSK)));
    assertEquals(1, n.aEvents.installed.size(), "Child SA at the spoke");
    assertEquals(1, n.bEvents.installed.size(), "Child SA at the hub");
    ChildSa hub = n.bEvents.installed.getFirst();
    assertEquals(A, hub.peerAddress(), "bound to the spoke that authenticated");
    assertEquals("VPN", hub.cryptoMap());
    assertEquals(65535, hub.mapSequence(), "the static entry that stands for the dynamic map");
    assertEquals(128, hub.replayWindow(), "the dynamic map's set security-association replay window-size");
    assertEquals(EspTransform.AES_GCM_128, hub.transform());
    // no match address: the spoke's proposal is taken as it is
    assertEquals(List.of(TrafficSelector.anyPorts("10.91.2.0", "10.91.2.255")), hub.localSelectors());
    assertEquals(List.of(TrafficSelector.anyPorts("10.91.1.0", "10.91.1.255")), hub.remoteSelectors());
  }

  @Test
  void theDynamicMapsAccessListNarrowsWhatTheSpokeProposes() {
    TestPeers n = negotiate(spoke(PSK), hub("102", anyAddress(PSK)));
    assertEquals(1, n.bEvents.installed.size());
    ChildSa hub = n.bEvents.installed.getFirst();
    assertEquals(List.of(TrafficSelector.anyPorts("10.91.2.0", "10.91.2.127")), hub.localSelectors(),
        "RFC 7296 §2.9: narrowed to match address 102");
    assertEquals(List.of(TrafficSelector.anyPorts("10.91.2.0", "10.91.2.127")),
        n.aEvents.installed.getFirst().remoteSelectors(), "the spoke accepts the narrowed TSr");
  }

  @Test
  void aSpokeWithTheWrongKeyIsStillRefused() {
    TestPeers n = negotiate(spoke("not-" + PSK), hub(null, anyAddress(PSK)));
    assertEquals(List.of(), n.aEvents.installed);
    List<Long> live = new ArrayList<>(n.bEvents.installed.stream().map(ChildSa::inboundSpi).toList());
    n.bEvents.deleted.forEach(d -> live.remove(d.inboundSpi()));
    assertEquals(List.of(), live, "nothing installed at the hub");
    assertEquals(0, n.b.ikeSaCount());
  }

  @Test
  void withoutAKeyForAnyAddressNoSpokeCanAuthenticate() {
    GatewayConfig hub = hub(null, new Ikev2KeyringPeer("ONE", "172.31.255.9", null, PSK, PSK));
    assertEquals(List.of(), ConfigPolicies.from(hub, B, null), "no template without a key for every address");
    TestPeers n = negotiate(spoke(PSK), hub);
    assertEquals(List.of(), n.bEvents.installed);
    assertEquals(0, n.b.ikeSaCount());
  }

  @Test
  void eachSpokeCanHaveItsOwnKeyFoundByItsIdentity() {
    // hub: keyring peer spoke1 / identity fqdn spoke1.example.net / pre-shared-key K1, no key for every address;
    // profile: match identity remote fqdn domain example.net. Spoke: identity local fqdn spoke1.example.net
    String k1 = "spoke1-own-key-0123456789";
    IdentityMatch spoke1 = new IdentityMatch(IkeIdentity.Type.FQDN, "spoke1.example.net", false);
    GatewayConfig hubBase = hub(null, new Ikev2KeyringPeer("S1", null, null, k1, k1, spoke1, null));
    GatewayConfig hub = config(B, hubBase.cryptoMaps(), hubBase.dynamicMaps(), hubBase.accessLists(),
        new Ikev2KeyringPeer("S1", null, null, k1, k1, spoke1, null), new Ikev2Profile("PROF", List.of(), null,
            "pre-share", "pre-share", "KR", null, null,
            List.of(new IdentityMatch(IkeIdentity.Type.FQDN, "example.net", true)), null, List.of()));
    GatewayConfig spokeBase = spoke(k1);
    GatewayConfig spoke = config(A, spokeBase.cryptoMaps(), List.of(), spokeBase.accessLists(),
        new Ikev2KeyringPeer("HUB", B, null, k1, k1), new Ikev2Profile("PROF", List.of(B + " 255.255.255.255"), null,
            "pre-share", "pre-share", "KR", null, null, List.of(),
            new IkeIdentity(IkeIdentity.Type.FQDN, "spoke1.example.net"), List.of()));
    TestPeers n = negotiate(spoke, hub);
    assertEquals(1, n.bEvents.installed.size(), "the hub found spoke1's own key by its IDi");
    assertEquals(A, n.bEvents.installed.getFirst().peerAddress());

    TestPeers other = negotiate(config(A, spokeBase.cryptoMaps(), List.of(), spokeBase.accessLists(),
        new Ikev2KeyringPeer("HUB", B, null, k1, k1), new Ikev2Profile("PROF", List.of(B + " 255.255.255.255"), null,
            "pre-share", "pre-share", "KR", null, null, List.of(),
            new IkeIdentity(IkeIdentity.Type.FQDN, "spoke2.example.net"), List.of())), hub);
    assertEquals(List.of(), other.aEvents.installed, "spoke2 has no key at the hub, even with spoke1's");
    assertEquals(0, other.b.ikeSaCount());
  }

  @Test
  void theHubNeverInitiatesFromADynamicMap() {
    TestPeers n = new TestPeers();
    n.bPolicies.replace(ConfigPolicies.from(hub(null, anyAddress(PSK)), B, null));
    assertTrue(n.bPolicies.forMapEntry("VPN", 65535).isEmpty(), "no ACQUIRE negotiates with 'any peer'");
    assertEquals(A, n.bPolicies.forPeer(A).orElseThrow().peerAddress());
    assertTrue(n.bPolicies.forPeer("spoke.example").isEmpty(), "a name is not an address");
  }
}
