package io.ipsecmesh.ike.engine;

import static io.ipsecmesh.ike.engine.TestPeers.A;
import static io.ipsecmesh.ike.engine.TestPeers.B;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipsecmesh.ike.policy.ConfigPolicies;
import io.ipsecmesh.ike.policy.PeerPolicy;
import io.ipsecmesh.ike.policy.TunnelInterfacePolicies;
import io.ipsecmesh.ike.policy.TunnelKeeper;
import io.ipsecmesh.proto.config.AccessList;
import io.ipsecmesh.proto.config.AccessListEntry;
import io.ipsecmesh.proto.config.AddressMatch;
import io.ipsecmesh.proto.config.CryptoMapEntry;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.Ikev2Keyring;
import io.ipsecmesh.proto.config.Ikev2KeyringPeer;
import io.ipsecmesh.proto.config.Ikev2Profile;
import io.ipsecmesh.proto.config.InterfaceConfig;
import io.ipsecmesh.proto.config.IpsecProfile;
import io.ipsecmesh.proto.config.SaSettings;
import io.ipsecmesh.proto.config.StaticRoute;
import io.ipsecmesh.proto.config.TransformSet;
import io.ipsecmesh.proto.config.TunnelMode;
import io.ipsecmesh.proto.config.TunnelSettings;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.sa.TrafficSelector;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Static virtual tunnel interfaces through the production path (configuration model → {@link ConfigPolicies} →
 * {@code PolicyStore} → engine) on two engines on the virtual wire. Gateway A:
 *
 * <pre>
 * crypto ikev2 keyring KR / peer P / address 172.31.255.2 / pre-shared-key KEY
 * crypto ikev2 profile PROF / match identity remote address 172.31.255.2 255.255.255.255 / keyring local KR
 * crypto ipsec transform-set TS esp-gcm 128
 * crypto ipsec profile VTI / set transform-set TS / set pfs group19 / set ikev2-profile PROF
 * interface Gi1 / ip address 172.31.255.1 255.255.255.252
 * interface Tunnel1 / tunnel source Gi1 / tunnel mode ipsec ipv4 / tunnel destination 172.31.255.2 /
 *   tunnel protection ipsec profile VTI
 * ip route 10.2.0.0 255.255.0.0 Tunnel1
 * </pre>
 *
 * The peer B is either the same with the addresses swapped (0.0.0.0/0 both ways, like strongSwan's
 * {@code local_ts=0.0.0.0/0 remote_ts=0.0.0.0/0}), or a crypto map with an ACL 10.2.0.0/16 → 10.1.0.0/16.
 */
class TunnelInterfaceNegotiationTest {

  private static final String PSK = "vti-psk-0123456789abcdef";
  private static final TrafficSelector ANY = TrafficSelector.anyPorts("0.0.0.0", "255.255.255.255");

  static GatewayConfig vti(String local, String peer) {
    InterfaceConfig gi1 = new InterfaceConfig("Gi1", local, "255.255.255.252", null, null, null, null);
    InterfaceConfig tunnel = new InterfaceConfig("Tunnel1", "172.16.0.1", "255.255.255.252", 1400, null, null, null,
        null, new TunnelSettings("Gi1", peer, TunnelMode.IPSEC_IPV4, "VTI"));
    return GatewayConfig.builder()
        .transformSets(List.of(new TransformSet("TS", EspTransform.AES_GCM_128, ChildSa.Mode.TUNNEL)))
        .interfaces(List.of(gi1, tunnel))
        .ikev2Keyrings(List.of(new Ikev2Keyring("KR", List.of(new Ikev2KeyringPeer("P", peer, null, PSK, PSK)))))
        .ikev2Profiles(List.of(new Ikev2Profile("PROF", List.of(peer + " 255.255.255.255"), null, "pre-share",
            "pre-share", "KR",
            null, null)))
        .ipsecProfiles(List.of(new IpsecProfile("VTI", List.of("TS"), new SaSettings(null, null, 1800L, null), 19,
            "PROF")))
        .staticRoutes(List.of(new StaticRoute("10.2.0.0", "255.255.0.0", "Tunnel1", null, null)))
        .build();
  }

  /** B as a crypto map: {@code crypto map VPN 10 / set peer A / match address 101} (10.2.0.0/16 → 10.1.0.0/16). */
  static GatewayConfig cryptoMapPeer() {
    GatewayConfig v = vti(B, A);
    AccessList acl = new AccessList("101", true, List.of(new AccessListEntry(AccessListEntry.Action.PERMIT, "ip",
        new AddressMatch("10.2.0.0", "0.0.255.255"), null, new AddressMatch("10.1.0.0", "0.0.255.255"), null, null)));
    return GatewayConfig.builder()
        .isakmpPolicies(v.isakmpPolicies())
        .isakmpKeys(v.isakmpKeys())
        .sa(v.sa())
        .transformSets(v.transformSets())
        .cryptoMaps(List.of(new CryptoMapEntry("VPN", 10, CryptoMapEntry.Keying.IPSEC_ISAKMP, List.of(A),
            List.of("TS"), null, 19, "101", "PROF", null, null)))
        .accessLists(List.of(acl))
        .interfaces(List.of(new InterfaceConfig("Gi1", B, "255.255.255.252", null, "VPN", null, null)))
        .ikev2Keyrings(v.ikev2Keyrings())
        .ikev2Profiles(v.ikev2Profiles())
        .build();
  }

  @Test
  void theTunnelIsOnePolicyToItsDestinationWithAnyToAnySelectors() {
    List<PeerPolicy> ps = ConfigPolicies.from(vti(A, B), "0.0.0.0", null);
    assertEquals(1, ps.size());
    PeerPolicy p = ps.getFirst();
    assertEquals("Tunnel1", p.cryptoMap());
    assertEquals(GatewayConfig.TUNNEL_SEQUENCE, p.mapSequence());
    assertEquals(B, p.peerAddress(), "the peer is the tunnel destination");
    assertEquals(A, p.localAddress(), "the local address is the tunnel source's");
    assertEquals(List.of(ANY), p.localSelectors());
    assertEquals(List.of(ANY), p.remoteSelectors());
    assertEquals(List.of(EspTransform.AES_GCM_128), p.espTransforms());
    assertEquals(19, p.pfsGroup().groupId, "the profile's set pfs");
    assertEquals(1800, p.lifetimeSeconds(), "the profile's set security-association lifetime");
    assertEquals(true, TunnelInterfacePolicies.isTunnel(p));
  }

  @Test
  void theTunnelComesUpWithTheConfigurationWithoutTrafficAndNegotiatesAnyToAny() {
    TestPeers n = new TestPeers();
    List<PeerPolicy> pa = ConfigPolicies.from(vti(A, B), "0.0.0.0", null);
    n.aPolicies.replace(pa);
    n.bPolicies.replace(ConfigPolicies.from(vti(B, A), "0.0.0.0", null));
    TunnelKeeper<PeerPolicy> keeper = new TunnelKeeper<>(n.clock, n.a::acquire);
    keeper.configure(pa.stream().filter(TunnelInterfacePolicies::isTunnel).toList());
    n.run();
    assertEquals(1, n.aEvents.installed.size(), "up without a packet: IOS brings VTIs up proactively");
    ChildSa sa = n.aEvents.installed.getFirst();
    assertEquals("Tunnel1", sa.cryptoMap());
    assertEquals(GatewayConfig.TUNNEL_SEQUENCE, sa.mapSequence());
    assertEquals(List.of(ANY), sa.localSelectors());
    assertEquals(List.of(ANY), sa.remoteSelectors());
    assertEquals("Tunnel1", n.bEvents.installed.getFirst().cryptoMap(), "the peer's tunnel interface took it");

    n.advance(TunnelKeeper.CHECK_MILLIS);
    assertEquals(1, n.aEvents.installed.size(), "a tunnel that is up is left alone");
    keeper.stop();
  }

  @Test
  void aTunnelWhoseSaWasDeletedIsNegotiatedAgainAtTheNextCheck() {
    TestPeers n = new TestPeers();
    List<PeerPolicy> pa = ConfigPolicies.from(vti(A, B), "0.0.0.0", null);
    n.aPolicies.replace(pa);
    n.bPolicies.replace(ConfigPolicies.from(vti(B, A), "0.0.0.0", null));
    TunnelKeeper<PeerPolicy> keeper = new TunnelKeeper<>(n.clock, n.a::acquire);
    keeper.configure(pa);
    n.run();
    n.a.deleteChild(n.aEvents.installed.getFirst().inboundSpi(), "test");
    n.run();
    assertEquals(1, n.aEvents.deleted.size());
    n.advance(TunnelKeeper.CHECK_MILLIS - 1);
    assertEquals(1, n.aEvents.installed.size(), "not before the check");
    n.advance(1);
    assertEquals(2, n.aEvents.installed.size(), "CREATE_CHILD_SA over the IKE SA at the check");
    assertEquals("Tunnel1", n.aEvents.installed.get(1).cryptoMap());
    keeper.stop();
  }

  @Test
  void asResponderTheTunnelAcceptsWhatThePeerNarrowsTo() {
    TestPeers n = new TestPeers();
    n.aPolicies.replace(ConfigPolicies.from(vti(A, B), "0.0.0.0", null));
    List<PeerPolicy> pb = ConfigPolicies.from(cryptoMapPeer(), "0.0.0.0", null);
    n.bPolicies.replace(pb);
    n.b.initiate(pb.getFirst());
    n.run();
    assertEquals(1, n.aEvents.installed.size());
    ChildSa sa = n.aEvents.installed.getFirst();
    assertEquals("Tunnel1", sa.cryptoMap(), "the tunnel interface, by the peer's address");
    assertEquals(List.of(TrafficSelector.anyPorts("10.1.0.0", "10.1.255.255")), sa.localSelectors());
    assertEquals(List.of(TrafficSelector.anyPorts("10.2.0.0", "10.2.255.255")), sa.remoteSelectors());
  }
}
