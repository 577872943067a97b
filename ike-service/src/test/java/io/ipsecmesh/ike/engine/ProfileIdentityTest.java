package io.ipsecmesh.ike.engine;

import static io.ipsecmesh.ike.engine.TestPeers.A;
import static io.ipsecmesh.ike.engine.TestPeers.B;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipsecmesh.ike.policy.ConfigPolicies;
import io.ipsecmesh.ike.policy.Credentials;
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
import io.ipsecmesh.proto.config.TransformSet;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Identities and authentication methods as IOS enforces them, on two engines whose policies come from
 * configuration models through {@link ConfigPolicies} (the production path; nothing sets a policy field by hand).
 * Every configuration is the same site-to-site pair (A 172.31.255.1, LAN 10.91.1.0/24; B 172.31.255.2, LAN
 * 10.91.2.0/24; a keyring with one key); only the profile's {@code match identity remote}, {@code identity local},
 * {@code authentication remote} and the keyring's peers change. A initiates.
 */
class ProfileIdentityTest {

  private static final String PSK = "interop-test-psk-0123456789";

  private static IdentityMatch address(String ip) {
    return new IdentityMatch(IkeIdentity.Type.ADDRESS, ip + " 255.255.255.255", false);
  }

  private static IdentityMatch fqdn(String name, boolean domain) {
    return new IdentityMatch(IkeIdentity.Type.FQDN, name, domain);
  }

  /**
   * <pre>
   * crypto ikev2 keyring KR / peer P / address PEER / pre-shared-key PSK
   * crypto ikev2 profile PROF / match identity remote … / identity local … / authentication remote R /
   *   authentication local pre-share / keyring local KR
   * crypto ipsec transform-set TS esp-gcm 128
   * access-list 101 permit ip LOCAL_NET 0.0.0.255 REMOTE_NET 0.0.0.255
   * crypto map VPN SEQ ipsec-isakmp / set peer PEER / set transform-set TS / set ikev2-profile PROF / match address 101
   * interface Gi1 / ip address LOCAL 255.255.255.252 / crypto map VPN
   * </pre>
   */
  static GatewayConfig config(String local, String peer, String localNet, String remoteNet,
      List<Ikev2Profile> profiles, List<Ikev2KeyringPeer> keyringPeers, List<Integer> seqs) {
    List<CryptoMapEntry> entries = new ArrayList<>();
    List<AccessList> acls = new ArrayList<>();
    for (int i = 0; i < profiles.size(); i++) {
      String acl = Integer.toString(101 + i);
      entries.add(new CryptoMapEntry("VPN", seqs.get(i), CryptoMapEntry.Keying.IPSEC_ISAKMP, List.of(peer),
          List.of("TS"), null, null, acl, profiles.get(i).name(), null, null));
      String remote = i == profiles.size() - 1 ? remoteNet : "10.99." + i + ".0";
      acls.add(new AccessList(acl, true, List.of(new AccessListEntry(AccessListEntry.Action.PERMIT, "ip",
          new AddressMatch(localNet, "0.0.0.255"), null, new AddressMatch(remote, "0.0.0.255"), null, null))));
    }
    return GatewayConfig.builder()
        .transformSets(List.of(new TransformSet("TS", EspTransform.AES_GCM_128, ChildSa.Mode.TUNNEL)))
        .cryptoMaps(entries)
        .accessLists(acls)
        .interfaces(List.of(new InterfaceConfig("Gi1", local, "255.255.255.252", null, "VPN", null, null)))
        .ikev2Keyrings(List.of(new Ikev2Keyring("KR", keyringPeers)))
        .ikev2Profiles(profiles)
        .build();
  }

  private static Ikev2Profile profile(String name, List<IdentityMatch> match, IkeIdentity local, String remoteAuth) {
    List<String> addresses = match.stream().filter(m -> m.type() == IkeIdentity.Type.ADDRESS).map(IdentityMatch::value)
        .toList();
    List<IdentityMatch> others = match.stream().filter(m -> m.type() != IkeIdentity.Type.ADDRESS).toList();
    return new Ikev2Profile(name, addresses, null, "pre-share", remoteAuth, "KR", null, null, others, local, List.of());
  }

  private static Ikev2KeyringPeer byAddress(String address) {
    return new Ikev2KeyringPeer("P", address, null, PSK, PSK);
  }

  private static TestPeers pair(GatewayConfig a, GatewayConfig b, Credentials bCredentials) {
    TestPeers n = new TestPeers();
    List<PeerPolicy> pa = ConfigPolicies.from(a, A, null);
    List<PeerPolicy> pb = ConfigPolicies.from(b, B, bCredentials);
    assertEquals(1, pa.size(), "A's configuration resolves to one policy");
    return n.connect(pa, pb);
  }


  @Test
  void theRightPskWithAnIdentityTheProfileDoesNotMatchIsRefusedByTheResponder() {
    // A knows the key but claims IDi = intruder.example; B's only profile matches 172.31.255.1
    GatewayConfig a = config(A, B, "10.91.1.0", "10.91.2.0", List.of(profile("PROF", List.of(address(B)),
        new IkeIdentity(IkeIdentity.Type.FQDN, "intruder.example"), "pre-share")), List.of(byAddress(B)), List.of(10));
    GatewayConfig b = config(B, A, "10.91.2.0", "10.91.1.0", List.of(profile("PROF", List.of(address(A)), null,
        "pre-share")), List.of(byAddress(A)), List.of(10));
    TestPeers n = pair(a, b, null);
    n.assertAuthenticationRefused();
    assertEquals(List.of(), n.bEvents.installed, "the responder installs nothing for a refused IDi");
  }

  @Test
  void aResponderClaimingAnIdentityTheProfileDoesNotMatchIsRefusedByTheInitiator() {
    GatewayConfig a = config(A, B, "10.91.1.0", "10.91.2.0", List.of(profile("PROF", List.of(address(B)), null,
        "pre-share")), List.of(byAddress(B)), List.of(10));
    GatewayConfig b = config(B, A, "10.91.2.0", "10.91.1.0", List.of(profile("PROF", List.of(address(A)),
        new IkeIdentity(IkeIdentity.Type.FQDN, "intruder.example"), "pre-share")), List.of(byAddress(A)), List.of(10));
    pair(a, b, null).assertAuthenticationRefused();
  }

  @Test
  void addressIdentitiesAsTheProfilesGiveThemSucceed() {
    GatewayConfig a = config(A, B, "10.91.1.0", "10.91.2.0", List.of(profile("PROF", List.of(address(B)), null,
        "pre-share")), List.of(byAddress(B)), List.of(10));
    GatewayConfig b = config(B, A, "10.91.2.0", "10.91.1.0", List.of(profile("PROF", List.of(address(A)), null,
        "pre-share")), List.of(byAddress(A)), List.of(10));
    TestPeers n = pair(a, b, null);
    assertEquals(1, n.aEvents.installed.size());
    assertEquals(1, n.bEvents.installed.size());
    assertEquals(A, n.bEvents.up.get(0).peerId());
    assertEquals(B, n.aEvents.up.get(0).peerId());
  }

  @Test
  void aPskPeerOnAnRsaSigProfileIsRefused() throws Exception {
    // B verifies peers by certificate (authentication remote rsa-sig, CAs from its credentials); A sends a PSK AUTH
    TestCertificates ca = new TestCertificates("CN=ipsec-mesh test CA");
    GatewayConfig a = config(A, B, "10.91.1.0", "10.91.2.0", List.of(profile("PROF", List.of(address(B)), null,
        "pre-share")), List.of(byAddress(B)), List.of(10));
    GatewayConfig b = config(B, A, "10.91.2.0", "10.91.1.0", List.of(profile("PROF", List.of(address(A)), null,
        "rsa-sig")), List.of(byAddress(A)), List.of(10));
    TestPeers n = pair(a, b, ca.issue("gwb.interop.test", ca));
    n.assertAuthenticationRefused();
    assertEquals(List.of(), n.bEvents.installed);
  }

  @Test
  void fqdnDomainMatchAndTheKeyringPeerFoundByIdentity() {
    // B: match identity remote fqdn domain example.net; its keyring knows A only by "identity fqdn gwa.example.net"
    GatewayConfig a = config(A, B, "10.91.1.0", "10.91.2.0", List.of(profile("PROF", List.of(address(B)),
        new IkeIdentity(IkeIdentity.Type.FQDN, "gwa.example.net"), "pre-share")), List.of(byAddress(B)), List.of(10));
    GatewayConfig b = config(B, A, "10.91.2.0", "10.91.1.0", List.of(profile("PROF", List.of(fqdn("example.net", true)),
        null, "pre-share")), List.of(new Ikev2KeyringPeer("P", null, null, PSK, PSK, fqdn("gwa.example.net", false),
            null)), List.of(10));
    TestPeers n = pair(a, b, null);
    assertEquals(1, n.bEvents.installed.size(), n.bEvents.down.toString());
    assertEquals("gwa.example.net", n.bEvents.up.get(0).peerId());
  }

  @Test
  void emailIdentityAndEmailDomainMatch() {
    for (IdentityMatch m : List.of(new IdentityMatch(IkeIdentity.Type.EMAIL, "vpn@example.net", false),
        new IdentityMatch(IkeIdentity.Type.EMAIL, "example.net", true))) {
      GatewayConfig a = config(A, B, "10.91.1.0", "10.91.2.0", List.of(profile("PROF", List.of(address(B)),
          new IkeIdentity(IkeIdentity.Type.EMAIL, "vpn@example.net"), "pre-share")), List.of(byAddress(B)),
          List.of(10));
      GatewayConfig b = config(B, A, "10.91.2.0", "10.91.1.0", List.of(profile("PROF", List.of(m), null,
          "pre-share")), List.of(byAddress(A)), List.of(10));
      TestPeers n = pair(a, b, null);
      assertEquals(1, n.bEvents.installed.size(), m + ": " + n.aEvents.down);
      assertEquals("vpn@example.net", n.bEvents.up.get(0).peerId());
    }
    // another domain is not matched: sales.example.org is no name in example.net
    GatewayConfig a = config(A, B, "10.91.1.0", "10.91.2.0", List.of(profile("PROF", List.of(address(B)),
        new IkeIdentity(IkeIdentity.Type.EMAIL, "vpn@sales.example.org"), "pre-share")), List.of(byAddress(B)),
        List.of(10));
    GatewayConfig b = config(B, A, "10.91.2.0", "10.91.1.0", List.of(profile("PROF", List.of(
        new IdentityMatch(IkeIdentity.Type.EMAIL, "example.net", true)), null, "pre-share")), List.of(byAddress(A)),
        List.of(10));
    pair(a, b, null).assertAuthenticationRefused();
  }

  @Test
  void keyIdIdentities() {
    GatewayConfig a = config(A, B, "10.91.1.0", "10.91.2.0", List.of(profile("PROF", List.of(address(B)),
        new IkeIdentity(IkeIdentity.Type.KEY_ID, "site-17"), "pre-share")), List.of(byAddress(B)), List.of(10));
    GatewayConfig b = config(B, A, "10.91.2.0", "10.91.1.0", List.of(profile("PROF", List.of(
        new IdentityMatch(IkeIdentity.Type.KEY_ID, "site-17", false)), null, "pre-share")), List.of(byAddress(A)),
        List.of(10));
    TestPeers n = pair(a, b, null);
    assertEquals(1, n.bEvents.installed.size(), n.aEvents.down.toString());
    assertEquals("site-17", n.bEvents.up.get(0).peerId());
    // key-id site-18 is another identity
    GatewayConfig other = config(A, B, "10.91.1.0", "10.91.2.0", List.of(profile("PROF", List.of(address(B)),
        new IkeIdentity(IkeIdentity.Type.KEY_ID, "site-18"), "pre-share")), List.of(byAddress(B)), List.of(10));
    pair(other, b, null).assertAuthenticationRefused();
  }

  @Test
  void theResponderSelectsTheCryptoMapEntryWhoseProfileMatchesTheIdentity() {
    // B has two entries for A: VPN 10 with a profile for branch1.example (other selectors), VPN 20 for
    // gwa.example.net; A's IDi selects entry 20, whose ACL fits A's traffic selectors
    GatewayConfig a = config(A, B, "10.91.1.0", "10.91.2.0", List.of(profile("PROF", List.of(address(B)),
        new IkeIdentity(IkeIdentity.Type.FQDN, "gwa.example.net"), "pre-share")), List.of(byAddress(B)), List.of(10));
    GatewayConfig b = config(B, A, "10.91.2.0", "10.91.1.0", List.of(
        profile("BRANCH1", List.of(fqdn("branch1.example", false)), null, "pre-share"),
        profile("GWA", List.of(fqdn("gwa.example.net", false)), null, "pre-share")), List.of(byAddress(A)),
        List.of(10, 20));
    TestPeers n = pair(a, b, null);
    assertEquals(1, n.bEvents.installed.size(), n.aEvents.down.toString());
    assertEquals(20, n.bEvents.installed.get(0).mapSequence());
    assertEquals(1, n.aEvents.installed.size());
  }
}
