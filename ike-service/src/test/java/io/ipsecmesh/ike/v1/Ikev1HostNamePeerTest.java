package io.ipsecmesh.ike.v1;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.ike.policy.CurrentPeers;
import io.ipsecmesh.proto.bus.DpdMessages.PeerDead;
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
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code set peer HOST} in an IKEv1 entry: resolved when the configuration is applied, through the service's
 * resolver (here an /etc/hosts-style file the test writes, {@code ipsecmesh.hosts-file}); its key found by
 * {@code crypto isakmp key … hostname HOST}, else by the address; a name that does not resolve leaves the peer out.
 */
class Ikev1HostNamePeerTest {

  @TempDir
  Path dir;

  @AfterEach
  void clear() {
    System.clearProperty("ipsecmesh.hosts-file");
  }

  private static GatewayConfig config(List<String> peers, List<IsakmpKey> keys) {
    return config(peers, List.of(), keys, "192.0.2.1");
  }

  /** Ours at {@code own} (Gi1), protecting 10.1.0.0/24 → 10.2.0.0/24, {@code set peer} as listed. */
  private static GatewayConfig config(List<String> peers, List<String> dynamicPeers, List<IsakmpKey> keys,
      String own) {
    AccessList acl = new AccessList("101", true, List.of(new AccessListEntry(AccessListEntry.Action.PERMIT, "ip",
        new AddressMatch("10.1.0.0", "0.0.0.255"), null, new AddressMatch("10.2.0.0", "0.0.0.255"), null, null)));
    return GatewayConfig.builder()
        .isakmpPolicies(List.of(new IsakmpPolicy(10, "aes 256", "sha256", "pre-share", 14, 86_400)))
        .isakmpKeys(keys)
        .transformSets(List.of(new TransformSet("TS", EspTransform.AES_CBC_256_HMAC_SHA256_128, ChildSa.Mode.TUNNEL)))
        .cryptoMaps(List.of(new CryptoMapEntry("VPN", 10, CryptoMapEntry.Keying.IPSEC_ISAKMP, peers, List.of("TS"),
            null, null,
            "101", null, null, null, null, dynamicPeers)))
        .accessLists(List.of(acl))
        .interfaces(List.of(new InterfaceConfig("Gi1", own, "255.255.255.0", null, "VPN", null, null)))
        .build();
  }

  @Test
  void aHostNamePeerIsResolvedWhenTheConfigurationIsApplied() throws IOException {
    Path hosts = dir.resolve("hosts");
    Files.writeString(hosts, "192.0.2.2 hub.example.net\n");
    System.setProperty("ipsecmesh.hosts-file", hosts.toString());
    List<Ikev1Policy> ps = Ikev1Policies.from(config(List.of("nowhere.example.net", "hub.example.net"),
        List.of(new IsakmpKey("by-name", null, null, "hub.example.net"), new IsakmpKey("by-address", "192.0.2.2",
            null))), "203.0.113.1");
    assertEquals(1, ps.size(), "nowhere.example.net does not resolve");
    assertEquals("192.0.2.2", ps.getFirst().peerAddress());
    assertArrayEquals("by-name".getBytes(StandardCharsets.UTF_8), ps.getFirst().psk(), "the key named for the host");

    List<Ikev1Policy> byAddress = Ikev1Policies.from(config(List.of("hub.example.net"),
        List.of(new IsakmpKey("by-address", "192.0.2.2", null))), "203.0.113.1");
    assertArrayEquals("by-address".getBytes(StandardCharsets.UTF_8), byAddress.getFirst().psk());
  }

  private Path hosts(String text) throws IOException {
    Path hosts = dir.resolve("hosts");
    Files.writeString(hosts, text);
    System.setProperty("ipsecmesh.hosts-file", hosts.toString());
    return hosts;
  }

  /** The addresses {@code from} sent Main Mode messages (ISAKMP exchange type 2, RFC 2408 §4.4) to, in order. */
  private static List<String> mainModeTo(List<IkeDatagram> sent) {
    return sent.stream().filter(d -> d.message().length > 18 && d.message()[18] == IsakmpConstants.EXCH_IDENTITY_PROTECTION)
        .map(IkeDatagram::peerAddress).toList();
  }

  /**
   * The DPD chapter's "set peer" list with {@code crypto isakmp keepalive}, the peers given by name: when DPD declares
   * hub1 dead, the entry fails over to hub2 — the next name in the list, not dpd-service's stateless choice (it knows
   * the dead peer by address and names the list's first name again) — and hub2, {@code dynamic}, is resolved again
   * for that attempt: the hosts file moved it since the configuration was applied.
   */
  @Test
  void dpdFailoverFromAHostNamePeerGoesToTheNextSetPeerResolvedAgain() throws IOException {
    Path hosts = hosts(TwoGateways.B + " hub1.example.net\n10.0.0.7 hub2.example.net\n");
    TwoGateways g = new TwoGateways();
    g.serviceA.configure(config(List.of("hub1.example.net", "hub2.example.net"), List.of("hub2.example.net"),
        List.of(new IsakmpKey("k", null, null, "hub1.example.net"), new IsakmpKey("k", null, null,
            "hub2.example.net")), TwoGateways.A), "192.0.2.99");
    Ikev1Suite suite = TwoGateways.suite(256, Ikev1Hash.SHA2_256, 14);
    g.serviceB.setPolicies(List.of(TwoGateways.policy(TwoGateways.B, TwoGateways.A, "k", suite,
        EspTransform.AES_CBC_256_HMAC_SHA256_128, "10.2.0", "10.1.0")));
    assertEquals(List.of("hub1.example.net = " + TwoGateways.B, "hub2.example.net dynamic = 10.0.0.7"),
        g.serviceA.engine().policies().stream().map(p -> p.peerHost() + (p.resolveEachAttempt() ? " dynamic" : "")
            + " = " + p.peerAddress()).toList());
    assertTrue(g.serviceA.acquire("VPN", 10, null));
    g.pump();
    assertEquals(1, g.b.children.size(), "up with hub1 (B)");
    String hub1Sa = g.serviceA.ikeSaIdFor(TwoGateways.B);

    Files.writeString(hosts, TwoGateways.B + " hub1.example.net\n10.0.0.3 hub2.example.net\n");
    g.sentByA.clear();
    CurrentPeers current = new CurrentPeers();
    g.serviceA.peerDead(new PeerDead(hub1Sa, TwoGateways.B, 500, 30_000, TwoGateways.B, "hub1.example.net"),
        current);
    assertEquals(List.of("10.0.0.3"), mainModeTo(g.sentByA), "Main Mode with hub2 where it resolves now, not hub1");
    assertEquals("hub2.example.net", current.current("VPN", 10).orElseThrow(), "kept by name for later ACQUIREs");
    g.pump(); // B plays hub2 at 10.0.0.3
    assertEquals(2, g.a.up.size());
    assertEquals("10.0.0.3", g.a.up.getLast().peerAddress());

    // traffic later: the entry's ACQUIRE goes to its current peer, hub2, resolved again
    Files.writeString(hosts, TwoGateways.B + " hub1.example.net\n10.0.0.4 hub2.example.net\n");
    g.serviceA.clear("10.0.0.3", "clear crypto session");
    g.pump();
    g.sentByA.clear();
    g.serviceA.acquire(new io.ipsecmesh.proto.bus.FwdMessages.Acquire("VPN", 10, "10.1.0.1", "10.2.0.1", 1), current);
    assertEquals(List.of("10.0.0.4"), mainModeTo(g.sentByA));

    // and hub2 dead: after the last, the first (hub1, resolved when the configuration was applied)
    g.pump();
    g.sentByA.clear();
    g.serviceA.peerDead(new PeerDead(g.serviceA.ikeSaIdFor("10.0.0.4"), "10.0.0.4", 500, 30_000, "", "hub1.example.net"),
        current);
    assertEquals(List.of(TwoGateways.B), mainModeTo(g.sentByA), "wraps to hub1");
  }

  @Test
  void aDynamicPeerThatDoesNotResolveAtTheFailoverIsPassedOverForTheNext() throws IOException {
    Path hosts = hosts(TwoGateways.B + " hub1.example.net\n10.0.0.7 hub2.example.net\n");
    TwoGateways g = new TwoGateways();
    g.serviceA.configure(config(List.of("hub1.example.net", "hub2.example.net", "10.0.0.5"),
        List.of("hub2.example.net"), List.of(new IsakmpKey("k", "0.0.0.0", "0.0.0.0")), TwoGateways.A), "192.0.2.99");
    Ikev1Suite suite = TwoGateways.suite(256, Ikev1Hash.SHA2_256, 14);
    g.serviceB.setPolicies(List.of(TwoGateways.policy(TwoGateways.B, TwoGateways.A, "k", suite,
        EspTransform.AES_CBC_256_HMAC_SHA256_128, "10.2.0", "10.1.0")));
    g.serviceA.acquire("VPN", 10, null);
    g.pump();
    Files.writeString(hosts, TwoGateways.B + " hub1.example.net\n");
    g.sentByA.clear();
    g.serviceA.peerDead(new PeerDead(g.serviceA.ikeSaIdFor(TwoGateways.B), TwoGateways.B, 500, 30_000, "",
        "hub1.example.net"), new CurrentPeers());
    assertEquals(List.of("10.0.0.5"), mainModeTo(g.sentByA), "hub2 does not resolve now: the next set peer");
  }

  /**
   * {@code set peer HOST} takes the address family of its crypto map: on an IPv4 map the name's IPv4 address
   * (its IPv6 lines ignored), and a name with IPv6 addresses only is left out, logged; on an {@code ipv6 crypto map}
   * its IPv6 address, the key found by {@code crypto isakmp key … hostname}.
   */
  @Test
  void aHostNameTakesTheAddressFamilyOfItsCryptoMap() throws IOException {
    hosts("2001:db8:ffff::2 hub.example.net dual.example.net\n192.0.2.2 dual.example.net\n");
    List<IsakmpKey> keys = List.of(new IsakmpKey("k", null, null, "hub.example.net"),
        new IsakmpKey("k", null, null, "dual.example.net"));
    List<Ikev1Policy> v4 = Ikev1Policies.from(config(List.of("hub.example.net", "dual.example.net"), List.of(), keys,
        "192.0.2.1"), "192.0.2.99");
    assertEquals(List.of("192.0.2.2"), v4.stream().map(Ikev1Policy::peerAddress).toList(),
        "hub.example.net has no IPv4 address: left out; dual.example.net by its IPv4 address");

    List<Ikev1Policy> v6 = Ikev1Policies.from(Ikev1Ipv6Test.site("2001:db8:ffff::1", List.of("dual.example.net"),
        List.of(), "2001:db8:1::", "2001:db8:2::", keys), "192.0.2.99");
    assertEquals(List.of("2001:db8:ffff::2"), v6.stream().map(Ikev1Policy::peerAddress).toList());
    assertArrayEquals("k".getBytes(StandardCharsets.UTF_8), v6.getFirst().psk(), "crypto isakmp key … hostname");
  }

  /**
   * IKEv1 over IPv6 to a peer given by name (the hosts file's IPv6 line): Main Mode and Quick Mode complete between
   * the IPv6 addresses, keyed by {@code crypto isakmp key … hostname}; a {@code dynamic} name that has only an IPv4
   * address at the attempt fails that attempt, logged, and nothing is sent.
   */
  @Test
  void anIpv6CryptoMapNegotiatesWithTheNamesIpv6Address() throws IOException {
    Path hosts = hosts("2001:db8:ffff::2 hub6.example.net\n");
    String a6 = "2001:db8:ffff::1";
    String b6 = "2001:db8:ffff::2";
    java.util.Deque<IkeDatagram> wire = new java.util.ArrayDeque<>();
    io.ipsecmesh.proto.time.VirtualScheduler clock = new io.ipsecmesh.proto.time.VirtualScheduler();
    TwoGateways.Events aEvents = new TwoGateways.Events();
    TwoGateways.Events bEvents = new TwoGateways.Events();
    List<IkeDatagram> sentByA = new java.util.ArrayList<>();
    Ikev1Service a = new Ikev1Service(clock, aEvents, TwoGateways.WRAP,
        io.ipsecmesh.ike.engine.RetransmitPolicy.DEFAULT, d -> {
          sentByA.add(d);
          wire.add(d);
        });
    Ikev1Service b = new Ikev1Service(clock, bEvents, TwoGateways.WRAP,
        io.ipsecmesh.ike.engine.RetransmitPolicy.DEFAULT, wire::add);
    a.configure(Ikev1Ipv6Test.site(a6, List.of("hub6.example.net"), List.of("hub6.example.net"), "2001:db8:1::",
        "2001:db8:2::", List.of(new IsakmpKey("k6", null, null, "hub6.example.net"))), "192.0.2.99");
    b.configure(Ikev1Ipv6Test.site(b6, a6, "2001:db8:2::", "2001:db8:1::", "k6"), "192.0.2.99");
    assertTrue(a.acquire("VPN6", 10, null));
    for (int i = 0; i < 1000 && !wire.isEmpty(); i++) {
      IkeDatagram d = wire.poll();
      IkeDatagram in = new IkeDatagram(d.peerAddress(), d.peerPort(), d.localAddress(), d.localPort(), d.message());
      (d.peerAddress().equals(b6) ? b : a).receive(in, wire::add);
    }
    assertEquals(1, aEvents.children.size(), "Quick Mode completed at A");
    assertEquals(b6, aEvents.up.getFirst().peerAddress());
    assertEquals(1, bEvents.children.size(), "and at B");

    a.clear(null, "clear crypto session");
    wire.clear();
    Files.writeString(hosts, "192.0.2.2 hub6.example.net\n");
    sentByA.clear();
    a.acquire("VPN6", 10, null);
    assertEquals(List.of(), mainModeTo(sentByA), "hub6 has no IPv6 address now: this attempt fails, nothing sent");
  }
}
