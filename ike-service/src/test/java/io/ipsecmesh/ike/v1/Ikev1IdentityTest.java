package io.ipsecmesh.ike.v1;

import static io.ipsecmesh.ike.v1.TwoGateways.A;
import static io.ipsecmesh.ike.v1.TwoGateways.B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.config.AccessList;
import io.ipsecmesh.proto.config.AccessListEntry;
import io.ipsecmesh.proto.config.AddressMatch;
import io.ipsecmesh.proto.config.CryptoMapEntry;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.IdentityMatch;
import io.ipsecmesh.proto.config.IkeIdentity;
import io.ipsecmesh.proto.config.InterfaceConfig;
import io.ipsecmesh.proto.config.IsakmpKey;
import io.ipsecmesh.proto.config.IsakmpPolicy;
import io.ipsecmesh.proto.config.IsakmpProfile;
import io.ipsecmesh.proto.config.TransformSet;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * IKEv1 identities as IOS binds them, on two engines in virtual time whose policies come from configuration models
 * through {@link Ikev1Policies}: {@code crypto isakmp identity address|hostname}, {@code crypto isakmp profile} with
 * {@code match identity address|host|user-fqdn} selected by {@code set isakmp-profile}, and {@code crypto isakmp
 * key … hostname}. A (10.0.0.1, LAN 10.1.0.0/24) initiates Main Mode towards B (10.0.0.2, LAN 10.2.0.0/24).
 */
class Ikev1IdentityTest {

  private static final String PSK = "ikev1-identity-psk";

  /**
   * <pre>
   * hostname HOST / ip domain name example.net / crypto isakmp identity IDENTITY
   * crypto isakmp policy 10 / encryption aes 256 / hash sha256 / authentication pre-share / group 14
   * crypto isakmp key PSK address PEER   (or KEYS)
   * crypto isakmp profile P / match identity … / self-identity …
   * crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
   * crypto map VPN 10 ipsec-isakmp / set peer PEER / set transform-set TS / [set isakmp-profile P] / match address 101
   * </pre>
   */
  private static GatewayConfig config(String local, String peer, String localNet, String remoteNet, String host,
      String identity, List<IsakmpKey> keys, IsakmpProfile profile) {
    AccessList acl = new AccessList("101", true, List.of(new AccessListEntry(AccessListEntry.Action.PERMIT, "ip",
        new AddressMatch(localNet, "0.0.0.255"), null, new AddressMatch(remoteNet, "0.0.0.255"), null, null)));
    CryptoMapEntry map = new CryptoMapEntry("vpn", 10, CryptoMapEntry.Keying.IPSEC_ISAKMP, List.of(peer),
        List.of("TS"), null, null, "101", null, null, null, profile == null ? null : profile.name());
    return GatewayConfig.builder()
        .isakmpPolicies(List.of(new IsakmpPolicy(10, "aes 256", "sha256", "pre-share", 14, 86_400)))
        .isakmpKeys(keys)
        .transformSets(List.of(new TransformSet("TS", EspTransform.AES_CBC_256_HMAC_SHA256_128, ChildSa.Mode.TUNNEL)))
        .cryptoMaps(List.of(map))
        .accessLists(List.of(acl))
        .interfaces(List.of(new InterfaceConfig("Gi1", local, "255.255.255.0", null, "vpn", null, null)))
        .isakmpIdentity(identity)
        .hostname(host)
        .domainName("example.net")
        .isakmpProfiles(profile == null ? List.of() : List.of(profile))
        .build();
  }

  private static IsakmpKey addressKey(String peer) {
    return new IsakmpKey(PSK, peer, null);
  }

  private static IsakmpProfile profile(IkeIdentity self, IdentityMatch... match) {
    return new IsakmpProfile("P", List.of(match), self);
  }

  private static IdentityMatch host(String name) {
    return new IdentityMatch(IkeIdentity.Type.FQDN, name, false);
  }

  private static TwoGateways run(GatewayConfig a, GatewayConfig b) {
    TwoGateways g = new TwoGateways();
    List<Ikev1Policy> pa = Ikev1Policies.from(a, A);
    List<Ikev1Policy> pb = Ikev1Policies.from(b, B);
    assertEquals(1, pa.size(), "A resolves to one policy");
    assertEquals(1, pb.size(), "B resolves to one policy");
    g.configure(pa.get(0), pb.get(0));
    assertTrue(g.serviceA.acquire("vpn", 10, null));
    g.pump();
    return g;
  }

  private static void assertRefused(TwoGateways g) {
    assertEquals(List.of(), g.b.up, "B accepted no IKE SA");
    assertEquals(List.of(), g.b.children, "B installed no SA");
    assertEquals(List.of(), g.a.children, "A installed no SA");
  }

  @Test
  void addressIdentitiesByDefault() {
    TwoGateways g = run(config(A, B, "10.1.0.0", "10.2.0.0", "gwa", null, List.of(addressKey(B)), null),
        config(B, A, "10.2.0.0", "10.1.0.0", "gwb", null, List.of(addressKey(A)), null));
    assertEquals(1, g.b.children.size());
    assertEquals(A, g.b.up.getFirst().peerId());
  }

  @Test
  void aHostnameIdentityIsRefusedWhereNoProfileAcceptsIt() {
    // A: crypto isakmp identity hostname (gwa.example.net) with the right key; B expects A's address
    assertRefused(run(config(A, B, "10.1.0.0", "10.2.0.0", "gwa", "hostname", List.of(addressKey(B)), null),
        config(B, A, "10.2.0.0", "10.1.0.0", "gwb", null, List.of(addressKey(A)), null)));
  }

  @Test
  void anIsakmpProfileMatchingTheHostAcceptsItAndRefusesAnotherHost() {
    GatewayConfig b = config(B, A, "10.2.0.0", "10.1.0.0", "gwb", null, List.of(addressKey(A)),
        profile(null, host("gwa.example.net")));
    TwoGateways g = run(config(A, B, "10.1.0.0", "10.2.0.0", "gwa", "hostname", List.of(addressKey(B)), null), b);
    assertEquals(1, g.b.children.size());
    assertEquals("gwa.example.net", g.b.up.getFirst().peerId());
    // another router with the key, calling itself gwx.example.net
    assertRefused(run(config(A, B, "10.1.0.0", "10.2.0.0", "gwx", "hostname", List.of(addressKey(B)), null), b));
  }

  @Test
  void aHostnameKeyServesThePeerItsProfileNames() {
    // B knows no key for A's address, only "crypto isakmp key PSK hostname gwa.example.net", and its profile says
    // the peer of this entry is that host
    GatewayConfig b = config(B, A, "10.2.0.0", "10.1.0.0", "gwb", null,
        List.of(new IsakmpKey(PSK, null, null, "gwa.example.net")), profile(null, host("gwa.example.net")));
    TwoGateways g = run(config(A, B, "10.1.0.0", "10.2.0.0", "gwa", "hostname", List.of(addressKey(B)), null), b);
    assertEquals(1, g.b.children.size());
    assertEquals("gwa.example.net", g.b.up.getFirst().peerId());
  }

  @Test
  void userFqdnIdentitiesAndTheDomainMatch() {
    GatewayConfig a = config(A, B, "10.1.0.0", "10.2.0.0", "gwa", null, List.of(addressKey(B)),
        profile(new IkeIdentity(IkeIdentity.Type.EMAIL, "vpn@example.net"),
            new IdentityMatch(IkeIdentity.Type.ADDRESS, B + " 255.255.255.255", false)));
    GatewayConfig b = config(B, A, "10.2.0.0", "10.1.0.0", "gwb", null, List.of(addressKey(A)),
        profile(null, new IdentityMatch(IkeIdentity.Type.EMAIL, "example.net", true)));
    TwoGateways g = run(a, b);
    assertEquals(1, g.b.children.size());
    assertEquals("vpn@example.net", g.b.up.getFirst().peerId());
    assertEquals(1, g.a.children.size(), "A's profile matches B by address");
  }

  @Test
  void theInitiatorRefusesAResponderTheProfileDoesNotMatch() {
    // A's profile wants host gwb.example.net; B answers with its address
    GatewayConfig a = config(A, B, "10.1.0.0", "10.2.0.0", "gwa", null, List.of(addressKey(B)),
        profile(null, host("gwb.example.net")));
    TwoGateways g = run(a, config(B, A, "10.2.0.0", "10.1.0.0", "gwb", null, List.of(addressKey(A)), null));
    assertEquals(List.of(), g.a.up, "A accepted no IKE SA");
    assertEquals(List.of(), g.a.children);
    assertEquals("negotiation-failed: peer-id-mismatch", g.a.down.getFirst().reason(),
        "HASH_R verified, the identity it authenticated did not match");
  }
}
