package io.ipsecmesh.ike.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.ike.engine.RetransmitPolicy;
import io.ipsecmesh.proto.bus.IkeMessages.IkeDatagram;
import io.ipsecmesh.proto.config.AccessList;
import io.ipsecmesh.proto.config.AccessListEntry;
import io.ipsecmesh.proto.config.AddressMatch;
import io.ipsecmesh.proto.config.CryptoMapEntry;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.InterfaceConfig;
import io.ipsecmesh.proto.config.IsakmpKey;
import io.ipsecmesh.proto.config.IsakmpPolicy;
import io.ipsecmesh.proto.config.TransformSet;
import io.ipsecmesh.proto.ikev1.IsakmpConstants;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.Identification;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.sa.TrafficSelector;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * IKEv1 over IPv6 through the production path (configuration model → {@link Ikev1Policies} → two {@link
 * Ikev1Service}s on a virtual wire between IPv6 addresses): Main Mode with {@code crypto isakmp key … address ipv6
 * X/LEN}, phase-1 IDs ID_IPV6_ADDR and Quick Mode client IDs ID_IPV6_ADDR_SUBNET (RFC 2407 §4.6.2.1), NAT-D over
 * the IPv6 addresses (RFC 3947 §3.2: no NAT, no encapsulation). Each side:
 *
 * <pre>
 * crypto isakmp policy 10 / encr aes 256 / hash sha256 / authentication pre-share / group 14
 * crypto isakmp key KEY address ipv6 PEER/128
 * crypto map VPN6 10 ipsec-isakmp / set peer PEER / set transform-set TS / match address LAN6
 * interface Gi1 / ipv6 address OWN/64 / ipv6 crypto map VPN6
 * ipv6 access-list LAN6 / permit ipv6 OWN-LAN/64 PEER-LAN/64
 * </pre>
 */
class Ikev1Ipv6Test {

  private static final String A = "2001:db8:ffff::1";
  private static final String B = "2001:db8:ffff::2";

  private final TwoGateways.Events aEvents = new TwoGateways.Events();
  private final TwoGateways.Events bEvents = new TwoGateways.Events();
  private final io.ipsecmesh.proto.time.VirtualScheduler clock = new io.ipsecmesh.proto.time.VirtualScheduler();
  private final Deque<IkeDatagram> wire = new ArrayDeque<>();
  private final Ikev1Service a = new Ikev1Service(clock, aEvents, TwoGateways.WRAP, RetransmitPolicy.DEFAULT,
      wire::add);
  private final Ikev1Service b = new Ikev1Service(clock, bEvents, TwoGateways.WRAP, RetransmitPolicy.DEFAULT,
      wire::add);

  static GatewayConfig site(String own, String peer, String ownLan, String peerLan, String key) {
    return site(own, List.of(peer), List.of(), ownLan, peerLan, List.of(new IsakmpKey(key, peer, "128")));
  }

  /** The same site with a {@code set peer} list (names among them, some {@code dynamic}) and its own keys. */
  static GatewayConfig site(String own, List<String> peers, List<String> dynamicPeers, String ownLan, String peerLan,
      List<IsakmpKey> keys) {
    AccessList acl = new AccessList("LAN6", false, List.of(new AccessListEntry(AccessListEntry.Action.PERMIT, "ipv6",
        AddressMatch.ipv6Prefix(ownLan, 64), null, AddressMatch.ipv6Prefix(peerLan, 64), null, null)), true);
    CryptoMapEntry map = new CryptoMapEntry("VPN6", 10, CryptoMapEntry.Keying.IPSEC_ISAKMP, peers,
        List.of("TS"), null, null, "LAN6", null, null, null, null, dynamicPeers);
    return GatewayConfig.builder()
        .isakmpPolicies(List.of(new IsakmpPolicy(10, "aes 256", "sha256", "pre-share", 14, 86_400)))
        .isakmpKeys(keys)
        .transformSets(List.of(new TransformSet("TS", EspTransform.AES_CBC_256_HMAC_SHA256_128, ChildSa.Mode.TUNNEL)))
        .cryptoMaps(List.of(map))
        .accessLists(List.of(acl))
        .interfaces(List.of(InterfaceConfig.named("Gi1").withIpv6(own + "/64", "VPN6")))
        .build();
  }

  private void pump() {
    for (int i = 0; i < 1000 && !wire.isEmpty(); i++) {
      IkeDatagram d = wire.poll();
      IkeDatagram in = new IkeDatagram(d.peerAddress(), d.peerPort(), d.localAddress(), d.localPort(), d.message());
      (d.peerAddress().equals(B) ? b : a).receive(in, wire::add);
    }
  }

  @Test
  void mainModeAndQuickModeRunBetweenIpv6Addresses() {
    a.configure(site(A, B, "2001:db8:1::", "2001:db8:2::", "v1-ipv6-key"), "0.0.0.0");
    b.configure(site(B, A, "2001:db8:2::", "2001:db8:1::", "v1-ipv6-key"), "0.0.0.0");
    Ikev1Policy policy = a.engine().policies().getFirst();
    assertEquals(A, policy.localAddress(), "the ipv6 address of the interface with ipv6 crypto map VPN6");
    assertEquals(IsakmpConstants.ID_IPV6_ADDR, policy.localId().idType());

    a.initiate(policy);
    pump();

    assertEquals(1, aEvents.children.size(), "Child SA at the initiator: " + aEvents.quickModeFailures);
    assertEquals(1, bEvents.children.size(), "Child SA at the responder: " + bEvents.quickModeFailures);
    ChildSa sa = aEvents.children.getFirst();
    assertEquals(A, sa.localAddress());
    assertEquals(B, sa.peerAddress());
    assertFalse(sa.udpEncapsulation(), "NAT-D over the IPv6 addresses matched");
    assertEquals(List.of(TrafficSelector.anyPorts("2001:db8:1::", "2001:db8:1:0:ffff:ffff:ffff:ffff")),
        sa.localSelectors());
    assertEquals(List.of(TrafficSelector.anyPorts("2001:db8:2::", "2001:db8:2:0:ffff:ffff:ffff:ffff")),
        sa.remoteSelectors());
    assertEquals(B, aEvents.up.getFirst().peerId(), "B's ID_IPV6_ADDR as text");
    assertEquals(A, bEvents.up.getFirst().peerId());
  }

  @Test
  void aWrongKeyForTheIpv6PeerGetsNoSa() {
    a.configure(site(A, B, "2001:db8:1::", "2001:db8:2::", "v1-ipv6-key"), "0.0.0.0");
    b.configure(site(B, A, "2001:db8:2::", "2001:db8:1::", "another-key"), "0.0.0.0");
    a.initiate(a.engine().policies().getFirst());
    pump();
    assertEquals(List.of(), aEvents.children);
    assertEquals(List.of(), bEvents.children);
  }

  @Test
  void quickModeIdsOfIpv6SelectorsAsRfc2407Writes() {
    TrafficSelector prefix = TrafficSelector.anyPorts("2001:db8:1::", "2001:db8:1:0:ffff:ffff:ffff:ffff");
    Identification subnet = QuickModeIds.toId(prefix);
    assertEquals(IsakmpConstants.ID_IPV6_ADDR_SUBNET, subnet.idType());
    assertEquals("20010db8000100000000000000000000ffffffffffffffff0000000000000000",
        java.util.HexFormat.of().formatHex(subnet.data()), "address then mask, 16 octets each");
    assertEquals(prefix, QuickModeIds.fromId(subnet));
    TrafficSelector host = TrafficSelector.anyPorts("2001:db8:1::10", "2001:db8:1::10");
    assertEquals(IsakmpConstants.ID_IPV6_ADDR, QuickModeIds.toId(host).idType());
    assertEquals(host, QuickModeIds.fromId(QuickModeIds.toId(host)));
    TrafficSelector range = new TrafficSelector("2001:db8::5", "2001:db8::9", 6, 443, 443);
    Identification r = QuickModeIds.toId(range);
    assertEquals(IsakmpConstants.ID_IPV6_ADDR_RANGE, r.idType());
    assertEquals(range, QuickModeIds.fromId(r));
    assertNull(QuickModeIds.fromId(new Identification(IsakmpConstants.ID_IPV6_ADDR_SUBNET, 0, 0, new byte[16])),
        "a subnet ID without its mask is refused");
    assertNull(QuickModeIds.fromId(new Identification(IsakmpConstants.ID_IPV6_ADDR_RANGE, 0, 0,
        java.util.HexFormat.of().parseHex("20010db8000000000000000000000009" + "20010db8000000000000000000000005"))),
        "a range that runs backwards is refused");
    assertTrue(QuickModeIds.number("2001:db8::1").bitLength() > 64);
  }
}
