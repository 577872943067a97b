package io.ipsecmesh.ike.v1;

import static io.ipsecmesh.ike.v1.TwoGateways.A;
import static io.ipsecmesh.ike.v1.TwoGateways.B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.ike.policy.TunnelKeeper;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.InterfaceConfig;
import io.ipsecmesh.proto.config.IpsecProfile;
import io.ipsecmesh.proto.config.IsakmpKey;
import io.ipsecmesh.proto.config.IsakmpPolicy;
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
 * Static virtual tunnel interfaces protected with IKEv1 — a {@code crypto ipsec profile} without {@code set
 * ikev2-profile}, as IOS keys it — through the production path ({@link Ikev1Service#configure} → {@link
 * Ikev1TunnelPolicies} → {@link TunnelKeeper} → engine) on two engines in virtual time. Gateway A (B the same with the
 * addresses swapped):
 *
 * <pre>
 * crypto isakmp policy 10 / encryption aes 256 / hash sha256 / authentication pre-share / group 14
 * crypto isakmp key KEY address 10.0.0.2
 * crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
 * crypto ipsec profile V1 / set transform-set TS / set pfs group14 / set security-association lifetime seconds 1800
 * interface Gi1 / ip address 10.0.0.1 255.255.255.0
 * interface Tunnel1 / tunnel source Gi1 / tunnel mode ipsec ipv4 / tunnel destination 10.0.0.2 /
 *   tunnel protection ipsec profile V1
 * ip route 10.2.0.0 255.255.0.0 Tunnel1
 * </pre>
 */
class Ikev1TunnelInterfaceTest {

  private static final String PSK = "vti-v1-psk-0123456789";
  private static final TrafficSelector ANY = TrafficSelector.anyPorts("0.0.0.0", "255.255.255.255");

  private final TwoGateways g = new TwoGateways();

  static GatewayConfig vti(String local, String peer, String psk) {
    InterfaceConfig gi1 = new InterfaceConfig("Gi1", local, "255.255.255.0", null, null, null, null);
    InterfaceConfig tunnel = new InterfaceConfig("Tunnel1", "172.16.0.1", "255.255.255.252", 1400, null, null, null,
        null, new TunnelSettings("Gi1", peer, TunnelMode.IPSEC_IPV4, "V1"));
    return GatewayConfig.builder()
        .isakmpPolicies(List.of(new IsakmpPolicy(10, "aes 256", "sha256", "pre-share", 14, 86_400)))
        .isakmpKeys(List.of(new IsakmpKey(psk, peer, null)))
        .transformSets(List.of(new TransformSet("TS", EspTransform.AES_CBC_256_HMAC_SHA256_128, ChildSa.Mode.TUNNEL)))
        .interfaces(List.of(gi1, tunnel))
        .ipsecProfiles(List.of(new IpsecProfile("V1", List.of("TS"), new SaSettings(null, null, 1800L, null), 14,
            null)))
        .staticRoutes(List.of(new StaticRoute("10.2.0.0", "255.255.0.0", "Tunnel1", null, null)))
        .build();
  }

  private TunnelKeeper<Ikev1Policy> keeperOfA() {
    g.serviceA.configure(vti(A, B, PSK), "0.0.0.0");
    g.serviceB.configure(vti(B, A, PSK), "0.0.0.0");
    TunnelKeeper<Ikev1Policy> keeper = new TunnelKeeper<>(g.clock, g.serviceA::keepUp);
    keeper.configure(g.serviceA.tunnels());
    return keeper;
  }

  @Test
  void aProfileWithoutIkev2ProfileIsOneIkev1PolicyToTheDestinationWithAnyToAnyIds() {
    List<Ikev1Policy> ps = Ikev1TunnelPolicies.from(vti(A, B, PSK), "0.0.0.0");
    assertEquals(1, ps.size());
    Ikev1Policy p = ps.getFirst();
    assertEquals("Tunnel1", p.cryptoMap());
    assertEquals(GatewayConfig.TUNNEL_SEQUENCE, p.mapSequence());
    assertEquals(B, p.peerAddress(), "the peer is the tunnel destination");
    assertEquals(A, p.localAddress(), "the local address is the tunnel source's");
    assertEquals(List.of(ANY), p.localSelectors());
    assertEquals(List.of(ANY), p.remoteSelectors());
    assertEquals(14, p.pfsGroup().groupId, "the profile's set pfs");
    assertEquals(1800, p.lifetimeSeconds(), "the profile's set security-association lifetime");
    assertTrue(Ikev1TunnelPolicies.isTunnel(p));
    assertEquals(List.of(), Ikev1Policies.from(vti(A, B, PSK), "0.0.0.0"), "not a crypto map entry");
  }

  @Test
  void theTunnelComesUpWithTheConfigurationWithoutTrafficAndQuickModeCarriesAnyToAny() {
    TunnelKeeper<Ikev1Policy> keeper = keeperOfA();
    g.pump();
    assertEquals(1, g.a.children.size(), "up without a packet: " + g.a.quickModeFailures);
    ChildSa sa = g.a.children.getFirst();
    assertEquals("Tunnel1", sa.cryptoMap());
    assertEquals(GatewayConfig.TUNNEL_SEQUENCE, sa.mapSequence());
    assertEquals(List.of(ANY), sa.localSelectors(), "Quick Mode IDci 0.0.0.0/0");
    assertEquals(List.of(ANY), sa.remoteSelectors(), "Quick Mode IDcr 0.0.0.0/0");
    assertEquals(1800, sa.lifetime().hardSeconds());
    assertEquals(1, g.b.children.size());
    assertEquals("Tunnel1", g.b.children.getFirst().cryptoMap(), "the peer's tunnel interface took it");

    g.advance(TunnelKeeper.CHECK_MILLIS);
    assertEquals(1, g.a.children.size(), "a tunnel that is up is left alone");
    keeper.stop();
  }

  @Test
  void aTunnelWhoseIpsecSaWasDeletedGetsAQuickModeAtTheNextCheck() {
    TunnelKeeper<Ikev1Policy> keeper = keeperOfA();
    g.pump();
    int mainModeMessages = g.sentByA.size();
    g.serviceA.deleteChild(g.a.children.getFirst().inboundSpi(), "test");
    g.pump();
    assertEquals(1, g.a.deleted.size());
    g.advance(TunnelKeeper.CHECK_MILLIS - 1);
    assertEquals(1, g.a.children.size(), "not before the check");
    g.advance(1);
    assertEquals(2, g.a.children.size(), "Quick Mode over the ISAKMP SA at the check");
    assertEquals("Tunnel1", g.a.children.get(1).cryptoMap());
    // the delete notification, then QM1 and QM3: no new Main Mode
    assertEquals(mainModeMessages + 3, g.sentByA.size());
    keeper.stop();
  }

  @Test
  void bringUpsWhileANegotiationIsInFlightStartNothingMore() {
    g.serviceA.configure(vti(A, B, PSK), "0.0.0.0");
    g.serviceB.configure(vti(B, A, PSK), "0.0.0.0");
    Ikev1Policy tunnel = g.serviceA.tunnels().getFirst();
    g.serviceA.keepUp(tunnel);
    g.serviceA.keepUp(tunnel);
    assertEquals(1, g.sentByA.size(), "one MM1");
    g.pump();
    g.serviceA.keepUp(tunnel);
    g.pump();
    assertEquals(1, g.a.children.size());
    assertEquals(1, g.b.children.size());
  }

  @Test
  void asResponderTheTunnelAcceptsTheIdsThePeerNarrowsTo() {
    g.serviceA.configure(vti(A, B, PSK), "0.0.0.0");
    Ikev1Policy cryptoMapPeer = TwoGateways.withPfs(TwoGateways.policy(B, A, PSK,
        TwoGateways.suite(256, Ikev1Hash.SHA2_256, 14), EspTransform.AES_CBC_256_HMAC_SHA256_128, "10.2.0", "10.1.0"),
        14);
    g.serviceB.setPolicies(List.of(cryptoMapPeer));
    g.serviceB.initiate(cryptoMapPeer);
    g.pump();
    assertEquals(1, g.a.children.size(), "" + g.a.quickModeFailures);
    ChildSa sa = g.a.children.getFirst();
    assertEquals("Tunnel1", sa.cryptoMap(), "the tunnel interface, by the peer's address");
    assertEquals(List.of(TrafficSelector.anyPorts("10.1.0.0", "10.1.0.255")), sa.localSelectors());
    assertEquals(List.of(TrafficSelector.anyPorts("10.2.0.0", "10.2.0.255")), sa.remoteSelectors());
  }

  @Test
  void anotherKeyKeepsTheTunnelDown() {
    g.serviceA.configure(vti(A, B, PSK), "0.0.0.0");
    g.serviceB.configure(vti(B, A, "not-the-key"), "0.0.0.0");
    TunnelKeeper<Ikev1Policy> keeper = new TunnelKeeper<>(g.clock, g.serviceA::keepUp);
    keeper.configure(g.serviceA.tunnels());
    g.advance(1_000);
    assertEquals(List.of(), g.a.children);
    assertEquals(List.of(), g.b.children);
    keeper.stop();
  }

  /**
   * {@code interface Gi1 / ipv6 address 2001:db8:ffff::1/64}, {@code interface Tunnel6 / ipv6 address fd00:16::1/64 /
   * tunnel source Gi1 / tunnel mode ipsec ipv6 / tunnel destination 2001:db8:ffff::2 / tunnel protection ipsec
   * profile V1}, {@code crypto isakmp key KEY address ipv6 2001:db8:ffff::2/128}.
   */
  static GatewayConfig vti6(String local, String peer, String psk) {
    GatewayConfig v4 = vti("10.0.0.1", "10.0.0.2", psk);
    InterfaceConfig gi1 = InterfaceConfig.named("Gi1").withIpv6(local + "/64", null);
    InterfaceConfig tunnel = new InterfaceConfig("Tunnel6", null, null, null, null, null, null, null,
        new TunnelSettings("Gi1", peer, TunnelMode.IPSEC_IPV6, "V1")).withIpv6("fd00:16::1/64", null);
    return GatewayConfig.builder()
        .isakmpPolicies(v4.isakmpPolicies())
        .isakmpKeys(List.of(new IsakmpKey(psk, peer, "128")))
        .sa(v4.sa())
        .transformSets(v4.transformSets())
        .interfaces(List.of(gi1, tunnel))
        .ipsecProfiles(v4.ipsecProfiles())
        .staticRoutes(List.of(new StaticRoute("2001:db8:2::", "64", "Tunnel6", null, null)))
        .build();
  }

  @Test
  void anIpv6TunnelIsOneIkev1PolicyBetweenIpv6AddressesWithQuickModeIdsAnyToAnyIpv6() {
    List<Ikev1Policy> ps = Ikev1TunnelPolicies.from(vti6("2001:db8:ffff::1", "2001:db8:ffff::2", PSK), "0.0.0.0");
    assertEquals(1, ps.size(), "the ipv6 key covers the destination");
    Ikev1Policy p = ps.getFirst();
    assertEquals("Tunnel6", p.cryptoMap());
    assertTrue(Ikev1TunnelPolicies.isTunnel(p));
    assertEquals("2001:db8:ffff::2", p.peerAddress());
    assertEquals("2001:db8:ffff::1", p.localAddress(), "the tunnel source's ipv6 address");
    TrafficSelector any6 = TrafficSelector.anyPorts("::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
    assertEquals(List.of(any6), p.localSelectors(), "IDci ::/0, ID_IPV6_ADDR_SUBNET (RFC 2407 §4.6.2.1)");
    assertEquals(List.of(any6), p.remoteSelectors());
  }
}
