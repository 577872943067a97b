package io.ipsecmesh.ike.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.ike.policy.ConfigPolicies;
import io.ipsecmesh.ike.policy.PeerPolicy;
import io.ipsecmesh.ike.policy.PolicyStore;
import io.ipsecmesh.proto.config.AccessList;
import io.ipsecmesh.proto.config.AccessListEntry;
import io.ipsecmesh.proto.config.AddressMatch;
import io.ipsecmesh.proto.config.CryptoMapEntry;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.Ikev2Keyring;
import io.ipsecmesh.proto.config.Ikev2KeyringPeer;
import io.ipsecmesh.proto.config.Ikev2Profile;
import io.ipsecmesh.proto.config.InterfaceConfig;
import io.ipsecmesh.proto.config.TransformSet;
import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.sa.TrafficSelector;
import io.ipsecmesh.proto.time.VirtualScheduler;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * IKEv2 over IPv6 through the production path (configuration model → {@link ConfigPolicies} → {@link PolicyStore} →
 * two engines on a virtual wire between two IPv6 addresses). Each side is what config-service makes of
 *
 * <pre>
 * crypto ikev2 keyring KR / peer P / address PEER/128 / pre-shared-key KEY
 * crypto ikev2 profile PROF / match identity remote address PEER/128 / authentication … pre-share / keyring local KR
 * crypto map VPN6 10 ipsec-isakmp / set peer PEER / set transform-set TS / set ikev2-profile PROF / match address LAN6
 * interface Gi1 / ipv6 address OWN/64 / ipv6 crypto map VPN6
 * ipv6 access-list LAN6 / permit ipv6 OWN-LAN/64 PEER-LAN/64
 * </pre>
 *
 * The SA runs between the IPv6 addresses, identities are ID_IPV6_ADDR (RFC 7296 §3.5), the NAT_DETECTION hashes
 * over the IPv6 addresses match (no NAT: no UDP encapsulation, §2.23) and the Child SA carries TS_IPV6_ADDR_RANGE
 * selectors (§3.13.1) to the forwarder.
 */
class Ipv6NegotiationTest {

  private static final String A = "2001:db8:ffff::1";
  private static final String B = "2001:db8:ffff::2";
  private static final String PSK = "ipv6-psk-0123456789";

  record Packet(String from, int fromPort, String to, int toPort, byte[] bytes) {}

  private final VirtualScheduler clock = new VirtualScheduler();
  private final Deque<Packet> wire = new ArrayDeque<>();
  private final List<Packet> sent = new ArrayList<>();
  private final TestPeers.Recorder aEvents = new TestPeers.Recorder();
  private final TestPeers.Recorder bEvents = new TestPeers.Recorder();
  private final PolicyStore aPolicies = new PolicyStore();
  private final PolicyStore bPolicies = new PolicyStore();
  private final IkeEngine a = new IkeEngine(clock, (la, lp, pa, pp, m) -> wire.add(new Packet(la, lp, pa, pp, m)),
      aEvents, aPolicies, TestPeers.WRAP, RetransmitPolicy.DEFAULT, IkeEngine.Limits.DEFAULT, clock::nowMillis);
  private final IkeEngine b = new IkeEngine(clock, (la, lp, pa, pp, m) -> wire.add(new Packet(la, lp, pa, pp, m)),
      bEvents, bPolicies, TestPeers.WRAP, RetransmitPolicy.DEFAULT, IkeEngine.Limits.DEFAULT, clock::nowMillis);

  static GatewayConfig site(String own, String peer, String ownLan, String peerLan) {
    return site(own, List.of(peer), List.of(), ownLan, peerLan, peer,
        List.of(new Ikev2KeyringPeer("P", peer, "128", PSK, PSK)), List.of());
  }

  /**
   * The same site with a {@code set peer} list ({@code dynamic} names among them), the profile matching {@code
   * remoteId}/128, and the keyring's peers and {@code crypto isakmp key}s given.
   */
  static GatewayConfig site(String own, List<String> peers, List<String> dynamic, String ownLan, String peerLan,
      String remoteId, List<Ikev2KeyringPeer> ring, List<io.ipsecmesh.proto.config.IsakmpKey> isakmpKeys) {
    AccessList acl = new AccessList("LAN6", false, List.of(new AccessListEntry(AccessListEntry.Action.PERMIT, "ipv6",
        AddressMatch.ipv6Prefix(ownLan, 64), null, AddressMatch.ipv6Prefix(peerLan, 64), null, null)), true);
    CryptoMapEntry map = new CryptoMapEntry("VPN6", 10, CryptoMapEntry.Keying.IPSEC_ISAKMP, peers,
        List.of("TS"), null, null, "LAN6", "PROF", null, null, null, dynamic);
    InterfaceConfig wan = InterfaceConfig.named("Gi1").withIpv6(own + "/64", "VPN6");
    return GatewayConfig.builder()
        .isakmpKeys(isakmpKeys)
        .transformSets(List.of(new TransformSet("TS", EspTransform.AES_GCM_128, ChildSa.Mode.TUNNEL)))
        .cryptoMaps(List.of(map))
        .accessLists(List.of(acl))
        .interfaces(List.of(wan))
        .ikev2Keyrings(List.of(new Ikev2Keyring("KR", ring)))
        .ikev2Profiles(List.of(new Ikev2Profile("PROF", List.of(remoteId + "/128"), null, "pre-share", "pre-share",
            "KR", null,
            null)))
        .build();
  }

  private void run() {
    for (int i = 0; i < 1000 && !confirmInstalls(a).isEmpty(); i++) {
      Packet p = wire.poll();
      sent.add(p);
      (p.to().equals(B) ? b : a).receive(p.to(), p.toPort(), p.from(), p.fromPort(), p.bytes());
    }
  }

  /** Each side's forwarder confirms the Child SAs installed (what waited for them leaves); the wire. */
  private Deque<Packet> confirmInstalls(IkeEngine aSide) {
    aEvents.confirmTo(aSide::childSaAccepted);
    bEvents.confirmTo(b::childSaAccepted);
    return wire;
  }

  @Test
  void anIpv6CryptoMapNegotiatesBetweenIpv6Addresses() {
    List<PeerPolicy> pa = ConfigPolicies.from(site(A, B, "2001:db8:1::", "2001:db8:2::"), "0.0.0.0", null);
    aPolicies.replace(pa);
    bPolicies.replace(ConfigPolicies.from(site(B, A, "2001:db8:2::", "2001:db8:1::"), "0.0.0.0", null));
    PeerPolicy policy = pa.getFirst();
    assertEquals(B, policy.peerAddress());
    assertEquals(A, policy.localAddress(), "the ipv6 address of the interface with ipv6 crypto map VPN6");
    assertEquals(IkeConstants.ID_IPV6_ADDR, policy.localId().idType(), "RFC 7296 §3.5: the address as ID_IPV6_ADDR");

    a.initiate(policy);
    run();

    assertEquals(1, aEvents.installed.size(), "Child SA at the initiator");
    assertEquals(1, bEvents.installed.size(), "Child SA at the responder");
    ChildSa sa = aEvents.installed.getFirst();
    assertEquals(A, sa.localAddress());
    assertEquals(B, sa.peerAddress());
    assertFalse(sa.udpEncapsulation(), "NAT_DETECTION over the IPv6 addresses matched: no NAT, no encapsulation");
    assertEquals(List.of(TrafficSelector.anyPorts("2001:db8:1::", "2001:db8:1:0:ffff:ffff:ffff:ffff")),
        sa.localSelectors());
    assertEquals(List.of(TrafficSelector.anyPorts("2001:db8:2::", "2001:db8:2:0:ffff:ffff:ffff:ffff")),
        sa.remoteSelectors());
    assertEquals(sa.localSelectors(), bEvents.installed.getFirst().remoteSelectors());
    assertEquals(B, aEvents.up.getFirst().dst());
    assertEquals(A, aEvents.up.getFirst().src());
    assertEquals(B, aEvents.up.getFirst().peerId(), "the responder's ID_IPV6_ADDR as text");
    assertEquals(A, bEvents.up.getFirst().peerId());
    assertTrue(sent.stream().allMatch(p -> p.from().contains(":") && p.to().contains(":")), "IPv6 end to end");
  }

  @Test
  void aPeerClaimingAnotherIpv6AddressIsRefused() {
    // B's profile expects 2001:db8:ffff::1/128; A presents itself from ::1 but its keyring names ::9 as B
    List<PeerPolicy> pa = ConfigPolicies.from(site(A, B, "2001:db8:1::", "2001:db8:2::"), "0.0.0.0", null);
    aPolicies.replace(pa);
    bPolicies.replace(ConfigPolicies.from(site(B, "2001:db8:ffff::9", "2001:db8:2::", "2001:db8:1::"), "0.0.0.0",
        null));
    a.initiate(pa.getFirst());
    run();
    assertEquals(List.of(), aEvents.installed);
    assertEquals(0, b.ikeSaCount());
  }

  /**
   * {@code set peer HOST dynamic} on an {@code ipv6 crypto map}: the name's IPv6 address (an IPv6 line of the hosts
   * file; its IPv4 line is not this map's family), resolved at the attempt, keyed by {@code crypto isakmp key KEY
   * hostname HOST}; the SA runs between the IPv6 addresses. Once the name has only an IPv4 address, the attempt
   * fails (logged) rather than negotiating across families.
   */
  @Test
  void aHostNamePeerOnAnIpv6CryptoMapNegotiatesWithItsIpv6Address(@org.junit.jupiter.api.io.TempDir
      java.nio.file.Path dir) throws java.io.IOException {
    java.nio.file.Path hosts = dir.resolve("hosts");
    java.nio.file.Files.writeString(hosts, "192.0.2.2 gwb6.example\n" + B + " gwb6.example\n");
    io.ipsecmesh.ike.policy.HostResolver resolver = io.ipsecmesh.ike.policy.HostResolver.hostsFile(hosts);
    PolicyStore aStore = new PolicyStore(resolver);
    IkeEngine a6 = new IkeEngine(clock, (la, lp, pa, pp, m) -> wire.add(new Packet(la, lp, pa, pp, m)), aEvents,
        aStore, TestPeers.WRAP, RetransmitPolicy.DEFAULT, IkeEngine.Limits.DEFAULT, clock::nowMillis);
    aStore.replace(ConfigPolicies.from(site(A, List.of("gwb6.example"), List.of("gwb6.example"), "2001:db8:1::",
        "2001:db8:2::", B, List.of(), List.of(new io.ipsecmesh.proto.config.IsakmpKey(PSK, null, null,
            "gwb6.example"))), "0.0.0.0", null, io.ipsecmesh.ike.policy.TrustStore.EMPTY, resolver));
    bPolicies.replace(ConfigPolicies.from(site(B, A, "2001:db8:2::", "2001:db8:1::"), "0.0.0.0", null));
    PeerPolicy policy = aStore.forMapEntry("VPN6", 10).orElseThrow();
    assertEquals(B, policy.peerAddress(), "the IPv6 address of gwb6.example, not its IPv4 one");
    for (int i = 0; i < 1000 && !wire.isEmpty(); i++) {
      wire.poll();
    }
    a6.initiate(policy);
    for (int i = 0; i < 1000 && !confirmInstalls(a6).isEmpty(); i++) {
      Packet p = wire.poll();
      (p.to().equals(B) ? b : a6).receive(p.to(), p.toPort(), p.from(), p.fromPort(), p.bytes());
    }
    assertEquals(1, aEvents.installed.size(), "Child SA at the initiator");
    assertEquals(B, aEvents.installed.getFirst().peerAddress());
    assertEquals(1, bEvents.installed.size(), "Child SA at the responder: the hostname key is the peer's key");

    java.nio.file.Files.writeString(hosts, "192.0.2.2 gwb6.example\n");
    assertTrue(aStore.forMapEntry("VPN6", 10).isEmpty(), "no IPv6 address now: this attempt fails");
  }

  /** On an IPv4 crypto map a name with IPv6 addresses only is left out (without dynamic) or fails each attempt. */
  @Test
  void aHostNameWithOnlyIpv6AddressesIsNoPeerOfAnIpv4CryptoMap(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws java.io.IOException {
    java.nio.file.Path hosts = dir.resolve("hosts");
    java.nio.file.Files.writeString(hosts, B + " v6only.example\n");
    io.ipsecmesh.ike.policy.HostResolver resolver = io.ipsecmesh.ike.policy.HostResolver.hostsFile(hosts);
    Ikev2KeyringPeer key = new Ikev2KeyringPeer("P", null, null, PSK, PSK, null, "v6only.example");
    assertEquals(List.of(), ConfigPolicies.from(HostNamePeerTest.config(TestPeers.A, TestPeers.B,
        List.of("v6only.example"), List.of(), key, "10.91.1.0", "10.91.2.0"), TestPeers.A, null,
        io.ipsecmesh.ike.policy.TrustStore.EMPTY, resolver), "left out, logged");
    PolicyStore store = new PolicyStore(resolver);
    store.replace(ConfigPolicies.from(HostNamePeerTest.config(TestPeers.A, TestPeers.B, List.of("v6only.example"),
        List.of("v6only.example"), key, "10.91.1.0", "10.91.2.0"), TestPeers.A, null,
        io.ipsecmesh.ike.policy.TrustStore.EMPTY, resolver));
    assertEquals(1, store.all().size(), "a dynamic name stays configured");
    assertTrue(store.forMapEntry("VPN", 10).isEmpty(), "but has no IPv4 address for an attempt");
    assertTrue(store.forPeer(B).isEmpty(), "nor is a request from its IPv6 address this IPv4 entry's");
  }
}
