package io.ipsecmesh.ike.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.ike.policy.ConfigPolicies;
import io.ipsecmesh.ike.policy.PeerPolicy;
import io.ipsecmesh.ike.policy.TunnelInterfacePolicies;
import io.ipsecmesh.ike.policy.TunnelKeeper;
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
import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.sa.TrafficSelector;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * IPv6 static virtual tunnel interfaces ({@code tunnel mode ipsec ipv6}: IPv6 inside and outside) through the
 * production path (configuration model → {@link ConfigPolicies} → {@code PolicyStore} → engine) on two engines on an
 * IPv6 virtual wire. Gateway A:
 *
 * <pre>
 * crypto ikev2 keyring KR / peer P / address 2001:db8:ffff::2/128 / pre-shared-key KEY
 * crypto ikev2 profile PROF / match identity remote address 2001:db8:ffff::2/128 / keyring local KR
 * crypto ipsec profile VTI6 / set transform-set TS / set pfs group19 / set ikev2-profile PROF
 * interface Gi1 / ipv6 address 2001:db8:ffff::1/64
 * interface Tunnel6 / ipv6 address fd00:16::1/64 / tunnel source Gi1 / tunnel mode ipsec ipv6 /
 *   tunnel destination 2001:db8:ffff::2 / tunnel protection ipsec profile VTI6
 * ipv6 route 2001:db8:2::/64 Tunnel6
 * </pre>
 *
 * The Child SA's traffic selectors are ::/0 both ways, one TS_IPV6_ADDR_RANGE each (RFC 7296 §3.13.1), as strongSwan's
 * {@code local_ts = remote_ts = ::/0}; as responder the tunnel takes what the peer narrows to (§2.9).
 */
class Ipv6TunnelInterfaceNegotiationTest {

  private static final String A = "2001:db8:ffff::1";
  private static final String B = "2001:db8:ffff::2";
  /** The key of {@link Ipv6NegotiationTest#site}, so the two configurations talk. */
  private static final String PSK = "ipv6-psk-0123456789";
  /** ::/0, all protocols and ports: TS_IPV6_ADDR_RANGE :: – ffff:…:ffff. */
  private static final TrafficSelector ANY6 = TrafficSelector.anyPorts("::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");

  static GatewayConfig vti6(String local, String peer, String inner) {
    InterfaceConfig gi1 = InterfaceConfig.named("Gi1").withIpv6(local + "/64", null);
    InterfaceConfig tunnel = new InterfaceConfig("Tunnel6", null, null, null, null, null, null, null,
        new TunnelSettings("Gi1", peer, TunnelMode.IPSEC_IPV6, "VTI6")).withIpv6(inner, null).withIpv6Mtu(1400);
    return GatewayConfig.builder()
        .transformSets(List.of(new TransformSet("TS", EspTransform.AES_GCM_128, ChildSa.Mode.TUNNEL)))
        .interfaces(List.of(gi1, tunnel))
        .ikev2Keyrings(List.of(new Ikev2Keyring("KR", List.of(new Ikev2KeyringPeer("P", peer, "128", PSK, PSK)))))
        .ikev2Profiles(List.of(new Ikev2Profile("PROF", List.of(peer + "/128"), null, "pre-share", "pre-share", "KR",
            null, null)))
        .ipsecProfiles(List.of(new IpsecProfile("VTI6", List.of("TS"), new SaSettings(null, null, 1800L, null), 19,
            "PROF")))
        .staticRoutes(List.of(new StaticRoute("2001:db8:2::", "64", "Tunnel6", null, null)))
        .build();
  }

  @Test
  void theIpv6TunnelIsOnePolicyToItsIpv6DestinationWithAnyToAnyIpv6Selectors() {
    List<PeerPolicy> ps = ConfigPolicies.from(vti6(A, B, "fd00:16::1/64"), "0.0.0.0", null);
    assertEquals(1, ps.size());
    PeerPolicy p = ps.getFirst();
    assertEquals("Tunnel6", p.cryptoMap());
    assertTrue(TunnelInterfacePolicies.isTunnel(p));
    assertEquals(B, p.peerAddress(), "the peer is the IPv6 tunnel destination");
    assertEquals(A, p.localAddress(), "the local address is the tunnel source's ipv6 address, not 0.0.0.0");
    assertEquals(IkeConstants.ID_IPV6_ADDR, p.localId().idType(), "RFC 7296 §3.5: the address as ID_IPV6_ADDR");
    assertEquals(List.of(ANY6), p.localSelectors());
    assertEquals(List.of(ANY6), p.remoteSelectors());
  }

  @Test
  void asInitiatorTheIpv6TunnelComesUpWithTheConfigurationAndNegotiatesAnyToAnyIpv6() {
    TestPeers n = new TestPeers(A, B);
    List<PeerPolicy> pa = ConfigPolicies.from(vti6(A, B, "fd00:16::1/64"), "0.0.0.0", null);
    n.aPolicies.replace(pa);
    n.bPolicies.replace(ConfigPolicies.from(vti6(B, A, "fd00:16::2/64"), "0.0.0.0", null));
    TunnelKeeper<PeerPolicy> keeper = new TunnelKeeper<>(n.clock, n.a::acquire);
    keeper.configure(pa.stream().filter(TunnelInterfacePolicies::isTunnel).toList());
    n.run();
    assertEquals(1, n.aEvents.installed.size(), "up without a packet, as an IPv4 VTI");
    ChildSa sa = n.aEvents.installed.getFirst();
    assertEquals("Tunnel6", sa.cryptoMap());
    assertEquals(GatewayConfig.TUNNEL_SEQUENCE, sa.mapSequence());
    assertEquals(A, sa.localAddress());
    assertEquals(B, sa.peerAddress());
    assertEquals(List.of(ANY6), sa.localSelectors());
    assertEquals(List.of(ANY6), sa.remoteSelectors());
    ChildSa atB = n.bEvents.installed.getFirst();
    assertEquals("Tunnel6", atB.cryptoMap(), "the responder's IPv6 tunnel interface took it");
    assertEquals(List.of(ANY6), atB.localSelectors());
    assertEquals(List.of(ANY6), atB.remoteSelectors());
    assertTrue(n.sent.stream().allMatch(p -> p.from().contains(":") && p.to().contains(":")), "IKE over IPv6");
    keeper.stop();
  }

  @Test
  void asResponderTheIpv6TunnelAcceptsTheIpv6SelectorsThePeerNarrowsTo() {
    TestPeers n = new TestPeers(A, B);
    n.aPolicies.replace(ConfigPolicies.from(vti6(A, B, "fd00:16::1/64"), "0.0.0.0", null));
    // B: an ipv6 crypto map, permit ipv6 2001:db8:2::/64 2001:db8:1::/64 (Ipv6NegotiationTest's site)
    List<PeerPolicy> pb = ConfigPolicies.from(Ipv6NegotiationTest.site(B, A, "2001:db8:2::", "2001:db8:1::"),
        "0.0.0.0", null);
    n.bPolicies.replace(pb);
    n.b.initiate(pb.getFirst());
    n.run();
    assertEquals(1, n.aEvents.installed.size());
    ChildSa sa = n.aEvents.installed.getFirst();
    assertEquals("Tunnel6", sa.cryptoMap(), "the IPv6 tunnel interface, by the peer's IPv6 address");
    assertEquals(List.of(TrafficSelector.anyPorts("2001:db8:1::", "2001:db8:1:0:ffff:ffff:ffff:ffff")),
        sa.localSelectors());
    assertEquals(List.of(TrafficSelector.anyPorts("2001:db8:2::", "2001:db8:2:0:ffff:ffff:ffff:ffff")),
        sa.remoteSelectors());
  }

  @Test
  void asResponderToAnIpv6VtiPeerTheTunnelAgreesOnAnyToAnyIpv6() {
    TestPeers n = new TestPeers(A, B);
    n.aPolicies.replace(ConfigPolicies.from(vti6(A, B, "fd00:16::1/64"), "0.0.0.0", null));
    List<PeerPolicy> pb = ConfigPolicies.from(vti6(B, A, "fd00:16::2/64"), "0.0.0.0", null);
    n.bPolicies.replace(pb);
    n.b.initiate(pb.getFirst());
    n.run();
    assertEquals(1, n.aEvents.installed.size(), "A answered as responder");
    assertEquals(List.of(ANY6), n.aEvents.installed.getFirst().localSelectors());
    assertEquals(List.of(ANY6), n.aEvents.installed.getFirst().remoteSelectors());
  }
}
