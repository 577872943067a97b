package io.ipsecmesh.ike.engine;

import static io.ipsecmesh.ike.engine.TestPeers.A;
import static io.ipsecmesh.ike.engine.TestPeers.B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.ike.policy.ConfigPolicies;
import io.ipsecmesh.ike.policy.CurrentPeers;
import io.ipsecmesh.ike.policy.HostResolver;
import io.ipsecmesh.ike.policy.PeerPolicy;
import io.ipsecmesh.ike.policy.TrustStore;
import io.ipsecmesh.proto.bus.DpdMessages;
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
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code set peer HOST [dynamic]} (Cisco guide, "Creating Static Crypto Maps", step 4) on two engines whose policies
 * come from configuration models through {@link ConfigPolicies} and whose {@code PolicyStore}s resolve through an
 * /etc/hosts-style file the test writes ({@code ipsecmesh.hosts-file}, the production switch
 * {@code IPSECMESH_HOSTS_FILE}): never the machine's resolver, never a DNS query. A host name without
 * {@code dynamic} is resolved when the configuration is applied; with {@code dynamic}, at every attempt and for
 * every request from the peer, so a changed address is followed without a configuration change.
 */
class HostNamePeerTest {

  private static final String PSK = "host-name-peer-psk-0123456789";

  @TempDir
  Path dir;
  private Path hosts;

  @BeforeEach
  void hostsFile() throws IOException {
    hosts = dir.resolve("hosts");
    Files.writeString(hosts, "# the test's own hosts file\n" + A + " gwa.example gwa\n" + B + " gwb.example\n");
    System.setProperty("ipsecmesh.hosts-file", hosts.toString());
  }

  @AfterEach
  void clear() {
    System.clearProperty("ipsecmesh.hosts-file");
  }

  /**
   * <pre>
   * crypto ikev2 keyring KR / peer P / hostname PEER (or address PEER) / pre-shared-key PSK
   * crypto ikev2 profile PROF / match identity remote address REMOTE 255.255.255.255 / keyring local KR
   * crypto ipsec transform-set TS esp-gcm 128
   * access-list 101 permit ip LOCAL_NET 0.0.0.255 REMOTE_NET 0.0.0.255
   * crypto map VPN 10 ipsec-isakmp / set peer PEER [dynamic] … / set transform-set TS / set ikev2-profile PROF /
   *   match address 101
   * interface Gi1 / ip address LOCAL 255.255.255.252 / crypto map VPN
   * </pre>
   */
  static GatewayConfig config(String local, String remote, List<String> peers, List<String> dynamic,
      Ikev2KeyringPeer key, String localNet, String remoteNet) {
    return config(local, remote, peers, dynamic, List.of(key), localNet, remoteNet);
  }

  static GatewayConfig config(String local, String remote, List<String> peers, List<String> dynamic,
      List<Ikev2KeyringPeer> keys, String localNet, String remoteNet) {
    CryptoMapEntry entry = new CryptoMapEntry("VPN", 10, CryptoMapEntry.Keying.IPSEC_ISAKMP, peers, List.of("TS"),
        null, null, "101", "PROF", null, null, null, dynamic);
    AccessList acl = new AccessList("101", true, List.of(new AccessListEntry(AccessListEntry.Action.PERMIT, "ip",
        new AddressMatch(localNet, "0.0.0.255"), null, new AddressMatch(remoteNet, "0.0.0.255"), null, null)));
    Ikev2Profile profile = new Ikev2Profile("PROF", List.of(remote + " 255.255.255.255"), null, "pre-share",
        "pre-share", "KR", null, null);
    return GatewayConfig.builder()
        .transformSets(List.of(new TransformSet("TS", EspTransform.AES_GCM_128, ChildSa.Mode.TUNNEL)))
        .cryptoMaps(List.of(entry))
        .accessLists(List.of(acl))
        .interfaces(List.of(new InterfaceConfig("Gi1", local, "255.255.255.252", null, "VPN", null, null)))
        .ikev2Keyrings(List.of(new Ikev2Keyring("KR", keys)))
        .ikev2Profiles(List.of(profile))
        .build();
  }

  private static Ikev2KeyringPeer byHostname(String host) {
    return new Ikev2KeyringPeer("P", null, null, PSK, PSK, null, host);
  }

  private static Ikev2KeyringPeer byAddress(String address) {
    return new Ikev2KeyringPeer("P", address, null, PSK, PSK);
  }

  private List<PeerPolicy> policies(GatewayConfig c, String local) {
    return ConfigPolicies.from(c, local, null, TrustStore.EMPTY, HostResolver.hostsFile(hosts));
  }

  @Test
  void aHostNamePeerIsResolvedWhenTheConfigurationIsAppliedAndNegotiatesWithItsAddress() {
    GatewayConfig a = config(A, B, List.of("gwb.example"), List.of(), byHostname("gwb.example"), "10.91.1.0",
        "10.91.2.0");
    GatewayConfig b = config(B, A, List.of(A), List.of(), byAddress(A), "10.91.2.0", "10.91.1.0");
    List<PeerPolicy> pa = policies(a, A);
    assertEquals(1, pa.size());
    assertEquals(B, pa.get(0).peerAddress(), "resolved from the hosts file");
    assertEquals("gwb.example", pa.get(0).peerHost());
    TestPeers n = new TestPeers();
    n.aPolicies.replace(pa);
    n.bPolicies.replace(policies(b, B));
    n.a.initiate(n.aPolicies.forMapEntry("VPN", 10).orElseThrow());
    n.run();
    assertEquals(1, n.aEvents.installed.size(), "Child SA at A");
    assertEquals(B, n.aEvents.installed.get(0).peerAddress());
    assertEquals(1, n.bEvents.installed.size(), "Child SA at B");
  }

  @Test
  void dpdFailoverFromAHostNamePeerGoesToTheNextSetPeerByName() throws IOException {
    // the seed's "set peer" list with names: gwb.example is up, gwc.example is the next one
    Files.writeString(hosts, B + " gwb.example\n172.31.255.9 gwc.example\n");
    GatewayConfig a = config(A, B, List.of("gwb.example", "gwc.example"), List.of("gwc.example"),
        List.of(byHostname("gwb.example"), byHostname("gwc.example")), "10.91.1.0", "10.91.2.0");
    GatewayConfig b = config(B, A, List.of(A), List.of(), byAddress(A), "10.91.2.0", "10.91.1.0");
    TestPeers n = new TestPeers();
    n.aPolicies.replace(policies(a, A));
    n.bPolicies.replace(policies(b, B));
    n.a.initiate(n.aPolicies.forMapEntry("VPN", 10).orElseThrow());
    n.run();
    String ikeSaId = n.aEvents.up.get(0).ikeSaId();
    CurrentPeers current = new CurrentPeers();
    // dpd-service knows the dead peer by address only, so its stateless choice is the list's first name again
    n.a.peerDead(new DpdMessages.PeerDead(ikeSaId, B, 500, 0, "172.31.255.2", "gwb.example"), current);
    assertEquals(1, n.a.ikeSaCount(), "the dead SA is gone, one new IKE SA is being set up");
    assertEquals(List.of("172.31.255.9"), n.wire.stream().map(TestPeers.Packet::to).distinct().toList(),
        "IKE_SA_INIT goes to gwc.example, not back to the dead gwb.example");
    assertEquals("gwc.example", current.current("VPN", 10).orElseThrow(),
        "kept by name: the entry's next ACQUIRE resolves gwc.example again");
    assertEquals("172.31.255.9", current.forAcquire(n.aPolicies, "VPN", 10).orElseThrow().peerAddress());
  }

  @Test
  void aHostNameThatDoesNotResolveLeavesItsPeerOutAndTheNextSetPeerStays() {
    GatewayConfig a = config(A, B, List.of("nowhere.example", "gwb.example"), List.of(), byHostname("gwb.example"),
        "10.91.1.0", "10.91.2.0");
    List<PeerPolicy> pa = policies(a, A);
    assertEquals(1, pa.size(), "only the peer that resolves");
    assertEquals(B, pa.get(0).peerAddress());
  }

  @Test
  void aDynamicPeerIsResolvedAgainAtEveryAttemptAndFollowsItsNewAddress() throws IOException {
    Files.writeString(hosts, "172.31.255.9 gwb.example\n"); // the old address, where nobody answers
    GatewayConfig a = config(A, B, List.of("gwb.example"), List.of("gwb.example"), byHostname("gwb.example"),
        "10.91.1.0", "10.91.2.0");
    GatewayConfig b = config(B, A, List.of(A), List.of(), byAddress(A), "10.91.2.0", "10.91.1.0");
    List<PeerPolicy> pa = policies(a, A);
    assertEquals(PeerPolicy.UNRESOLVED, pa.get(0).peerAddress(), "nothing resolved when the configuration applied");
    assertTrue(pa.get(0).resolveEachAttempt());
    TestPeers n = new TestPeers();
    n.aPolicies.replace(pa);
    n.bPolicies.replace(policies(b, B));
    assertEquals("172.31.255.9", n.aPolicies.forMapEntry("VPN", 10).orElseThrow().peerAddress());

    Files.writeString(hosts, B + " gwb.example\n"); // the peer moved (DNS updated): no configuration change
    PeerPolicy attempt = n.aPolicies.forMapEntry("VPN", 10).orElseThrow();
    assertEquals(B, attempt.peerAddress());
    n.a.initiate(attempt);
    n.run();
    assertEquals(1, n.aEvents.installed.size());
    assertEquals(B, n.aEvents.installed.get(0).peerAddress());
  }

  @Test
  void aResponderRecognisesADynamicPeerByWhatItsNameResolvesToNow() throws IOException {
    GatewayConfig a = config(A, B, List.of(B), List.of(), byAddress(B), "10.91.1.0", "10.91.2.0");
    GatewayConfig b = config(B, A, List.of("gwa.example"), List.of("gwa.example"), byHostname("gwa.example"),
        "10.91.2.0", "10.91.1.0");
    TestPeers n = new TestPeers();
    n.aPolicies.replace(policies(a, A));
    n.bPolicies.replace(policies(b, B));
    assertEquals(A, n.bPolicies.forPeer(A).orElseThrow().peerAddress());
    assertEquals(A, n.bPolicies.forPeer("gwa.example").orElseThrow().peerAddress(), "DPD failover names the host");

    Files.writeString(hosts, "172.31.255.5 gwa.example\n");
    assertTrue(n.bPolicies.forPeer(A).isEmpty(), "no longer the peer's address: refused like any stranger");
    Files.writeString(hosts, A + " gwa.example\n");
    n.a.initiate(n.aPolicies.forMapEntry("VPN", 10).orElseThrow());
    n.run();
    assertEquals(1, n.bEvents.installed.size(), "Child SA at the responder");
    assertEquals(A, n.bEvents.installed.get(0).peerAddress());
  }

  @Test
  void aDynamicPeerThatDoesNotResolveAtTheAttemptIsPassedOverForTheNextSetPeer() throws IOException {
    Files.writeString(hosts, "# empty\n");
    GatewayConfig a = config(A, B, List.of("gwb.example", B), List.of("gwb.example"), byAddress(B), "10.91.1.0",
        "10.91.2.0");
    TestPeers n = new TestPeers();
    n.aPolicies.replace(policies(a, A));
    PeerPolicy p = n.aPolicies.forMapEntry("VPN", 10).orElseThrow();
    assertEquals(B, p.peerAddress());
    assertNull(p.peerHost());
  }

  @Test
  void theHostsFileMatchesNamesCaseInsensitivelyAndSkipsWhatIsNotAnAddressLine() throws IOException {
    Files.writeString(hosts, "2001:DB8:0::0001 gwb.example\nfe80::1%eth0 gwb.example\nbad line\n"
        + "10.0.0.1 GWB.Example alias # comment\n10.0.0.2 gwb.example\n");
    assertEquals(List.of("2001:db8::1", "10.0.0.1", "10.0.0.2"), HostResolver.hostsFile(hosts).resolve("gwb.EXAMPLE"),
        "IPv6 lines too, in RFC 5952 text; a zoned link-local address is no peer address");
    assertEquals(List.of("10.0.0.1"), HostResolver.hostsFile(hosts).resolve("alias"));
    assertEquals(List.of(), HostResolver.hostsFile(dir.resolve("missing")).resolve("gwb.example"));
  }
}
