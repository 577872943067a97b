package io.ipsecmesh.ike.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.ike.crypto.DhGroup;
import io.ipsecmesh.ike.exchange.Proposals;
import io.ipsecmesh.proto.config.AccessList;
import io.ipsecmesh.proto.config.AccessListEntry;
import io.ipsecmesh.proto.config.AddressMatch;
import io.ipsecmesh.proto.config.CryptoMapEntry;
import io.ipsecmesh.proto.config.DfBit;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.Ikev2Keyring;
import io.ipsecmesh.proto.config.Ikev2KeyringPeer;
import io.ipsecmesh.proto.config.Ikev2Policy;
import io.ipsecmesh.proto.config.Ikev2Profile;
import io.ipsecmesh.proto.config.Ikev2Proposal;
import io.ipsecmesh.proto.config.InterfaceConfig;
import io.ipsecmesh.proto.config.IsakmpKey;
import io.ipsecmesh.proto.config.PortMatch;
import io.ipsecmesh.proto.config.SaSettings;
import io.ipsecmesh.proto.config.TransformSet;
import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.sa.TrafficSelector;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The IOS model of an IKEv2 site-to-site configuration, resolved into peer policies. */
class ConfigPoliciesTest {

  /*
   * crypto ikev2 proposal P1 / encryption aes-gcm-256 aes-cbc-128 / integrity sha384 / prf sha256 / group 19 31
   * crypto ikev2 policy POL / proposal P1
   * crypto ikev2 keyring KR / peer B / address 192.0.2.2 / pre-shared-key local L remote R
   * crypto ikev2 profile PROF / match identity remote address 192.0.2.2 255.255.255.255 / keyring local KR
   * crypto isakmp key fallback-key address 192.0.2.3
   * crypto ipsec transform-set TS esp-gcm 256
   * access-list 101 permit ip 10.1.0.0 0.0.255.255 10.2.0.0 0.0.255.255
   * access-list 101 permit tcp host 10.1.1.1 10.3.0.0 0.0.0.255 eq 443
   * crypto map VPN 10 ipsec-isakmp / set peer 192.0.2.2 / set peer 192.0.2.3 / set transform-set TS
   *   set pfs group19 / set ikev2-profile PROF / match address 101 / set security-association lifetime seconds 1800
   * interface Gi1 / ip address 192.0.2.1 255.255.255.0 / crypto map VPN / crypto ipsec df-bit clear
   */
  private static GatewayConfig config() {
    GatewayConfig e = GatewayConfig.empty();
    CryptoMapEntry map = new CryptoMapEntry("VPN", 10, CryptoMapEntry.Keying.IPSEC_ISAKMP,
        List.of("192.0.2.2", "192.0.2.3"), List.of("TS"), new SaSettings(null, null, 1800L, null), 19, "101", "PROF",
        null, null);
    CryptoMapEntry v1 = new CryptoMapEntry("V1", 20, CryptoMapEntry.Keying.IPSEC_ISAKMP, List.of("198.51.100.9"),
        List.of("TS"), null, null, "101", null, null, null);
    AccessList acl = new AccessList("101", true, List.of(
        new AccessListEntry(AccessListEntry.Action.PERMIT, "ip", new AddressMatch("10.1.0.0", "0.0.255.255"), null,
            new AddressMatch("10.2.0.0", "0.0.255.255"), null, null),
        AccessListEntry.remark("web"),
        new AccessListEntry(AccessListEntry.Action.PERMIT, "tcp", AddressMatch.host("10.1.1.1"), null,
            new AddressMatch("10.3.0.0", "0.0.0.255"), new PortMatch(PortMatch.Operator.EQ, 443, 443), null)));
    return GatewayConfig.builder()
        .isakmpKeys(List.of(new IsakmpKey("fallback-key", "192.0.2.3", null)))
        .transformSets(List.of(new TransformSet("TS", EspTransform.AES_GCM_256, ChildSa.Mode.TUNNEL)))
        .cryptoMaps(List.of(map, v1))
        .accessLists(List.of(acl))
        .interfaces(List.of(new InterfaceConfig("Gi1", "192.0.2.1", "255.255.255.0", null, "VPN", DfBit.CLEAR, null)))
        .ikev2Proposals(List.of(new Ikev2Proposal("P1", List.of("aes-gcm-256", "aes-cbc-128"), List.of("sha384"),
            List.of("sha256"),
            List.of(19, 31))))
        .ikev2Policies(List.of(new Ikev2Policy("POL", List.of("P1"), List.of())))
        .ikev2Keyrings(List.of(new Ikev2Keyring("KR", List.of(new Ikev2KeyringPeer("B", "192.0.2.2", null, "L", "R")))))
        .ikev2Profiles(List.of(new Ikev2Profile("PROF", List.of("192.0.2.2 255.255.255.255"), null, "pre-share",
            "pre-share", "KR",
            null, 3600)))
        .build();
  }

  @Test
  void resolvesOnePolicyPerPeerOfIkev2CryptoMapEntries() {
    List<PeerPolicy> ps = ConfigPolicies.from(config(), null);
    assertEquals(2, ps.size(), "two peers of VPN 10; V1 20 has no IKEv2 profile");
    PeerPolicy b = ps.get(0);
    assertEquals("192.0.2.2", b.peerAddress());
    assertEquals("VPN", b.cryptoMap());
    assertEquals(10, b.mapSequence());
    assertEquals("192.0.2.1", b.localAddress(), "the address of the interface carrying the crypto map");
    assertEquals(new PeerPolicy.Identity(IkeConstants.ID_IPV4_ADDR, "192.0.2.1"), b.localId());
    assertTrue(b.remote().accepts(IkeConstants.ID_IPV4_ADDR, new byte[] {(byte) 192, 0, 2, 2}),
        "match identity remote address 192.0.2.2");
    assertFalse(b.remote().accepts(IkeConstants.ID_FQDN, "intruder.example".getBytes(StandardCharsets.UTF_8)));
    assertArrayEquals("L".getBytes(StandardCharsets.UTF_8), b.psk());
    assertArrayEquals("R".getBytes(StandardCharsets.UTF_8), b.remotePsk());
    assertArrayEquals("fallback-key".getBytes(StandardCharsets.UTF_8), ps.get(1).psk(), "crypto isakmp key");
    assertEquals(List.of(EspTransform.AES_GCM_256), b.espTransforms());
    assertEquals(DhGroup.ECP_256, b.pfsGroup());
    assertEquals(1800, b.lifetimeSeconds());
    assertEquals(SaSettings.DEFAULT_LIFETIME_KILOBYTES, b.lifetimeKilobytes());
    assertEquals("clear", b.dfBit());
    assertEquals(3600, b.ikeLifetimeSeconds());
    assertEquals(List.of(Proposals.parseSuite("aes256gcm16-prfsha256-ecp256"),
        Proposals.parseSuite("aes256gcm16-prfsha256-x25519"),
        Proposals.parseSuite("aes128-sha384-prfsha256-ecp256"),
        Proposals.parseSuite("aes128-sha384-prfsha256-x25519")), b.ikeSuites());
    assertEquals(List.of(TrafficSelector.anyPorts("10.1.0.0", "10.1.255.255"),
        new TrafficSelector("10.1.1.1", "10.1.1.1", 6, 0, 65535)), b.localSelectors());
    assertEquals(List.of(TrafficSelector.anyPorts("10.2.0.0", "10.2.255.255"),
        new TrafficSelector("10.3.0.0", "10.3.0.255", 6, 443, 443)), b.remoteSelectors());
  }

  @Test
  void peersWithoutAKeyAreSkippedAndDefaultsApply() {
    GatewayConfig c = config();
    GatewayConfig noKeys = c.toBuilder().isakmpKeys(List.of()).ikev2Proposals(List.of()).ikev2Policies(List.of())
        .build();
    List<PeerPolicy> ps = ConfigPolicies.from(noKeys, null);
    assertEquals(1, ps.size(), "192.0.2.3 has neither a keyring entry nor an isakmp key");
    assertEquals(ConfigPolicies.DEFAULT_SUITES, ps.get(0).ikeSuites(), "no ikev2 policy: default proposals");
  }

  @Test
  void rsaSigProfilesUseTheGatewayCertificate() throws Exception {
    GatewayConfig c = config();
    Ikev2Profile p = c.ikev2Profiles().get(0);
    Ikev2Profile sig = new Ikev2Profile(p.name(), p.matchRemoteAddresses(), null, "rsa-sig", "rsa-sig", null, null,
        null);
    GatewayConfig withSig = c.toBuilder().ikev2Profiles(List.of(sig)).build();
    assertEquals(List.of(), ConfigPolicies.from(withSig, null, null), "no certificate configured: not negotiable");
    io.ipsecmesh.ike.engine.TestCertificates ca = new io.ipsecmesh.ike.engine.TestCertificates("CN=test CA");
    Credentials creds = ca.issue("gwa.example.net", ca);
    List<PeerPolicy> ps = ConfigPolicies.from(withSig, null, creds);
    assertEquals(2, ps.size());
    assertEquals(creds, ps.get(0).credentials());
    assertEquals(new PeerPolicy.Identity(IkeConstants.ID_FQDN, "gwa.example.net"), ps.get(0).localId(),
        "identity = the certificate's DNS name");
    assertNull(ps.get(0).psk());
  }

  /** A PFS group the engine cannot compute (ECP-521 here) fails the policies, never means "no PFS". */
  @Test
  void aPfsGroupTheEngineLacksFailsThePolicyInsteadOfDroppingPfs() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ConfigPolicies.from(withPfsGroup(config(), 21), null));
    assertEquals("crypto map VPN 10: set pfs group21 is not supported (supported: group14, group19, group20,"
        + " group31); refusing the policy rather than negotiating without PFS", e.getMessage());
    assertEquals(DhGroup.MODP_2048, ConfigPolicies.from(withPfsGroup(config(), 14), null).get(0).pfsGroup());
  }

  /** The configuration with every crypto map entry's {@code set pfs} group replaced by {@code group}. */
  private static GatewayConfig withPfsGroup(GatewayConfig c, int group) {
    List<CryptoMapEntry> maps = c.cryptoMaps().stream().map(m -> new CryptoMapEntry(m.name(), m.seq(), m.keying(),
        m.peers(), m.transformSets(), m.sa(), group, m.matchAddress(), m.ikev2Profile(), m.inboundEsp(),
        m.outboundEsp())).toList();
    return c.toBuilder().cryptoMaps(maps).build();
  }

  /** {@code crypto map VPN local-address Loopback1}: IKE's local address (and identity) is Loopback1's. */
  @Test
  void localAddressInterfaceGivesTheLocalAddress() {
    GatewayConfig c = config();
    List<InterfaceConfig> itfs = new java.util.ArrayList<>(c.interfaces());
    itfs.add(new InterfaceConfig("Loopback1", "203.0.113.1", "255.255.255.255", null, null, null, null));
    GatewayConfig withLoopback = c.toBuilder().interfaces(itfs)
        .cryptoMapLocalAddress(java.util.Map.of("VPN", "Loopback1")).build();
    assertEquals("192.0.2.1", ConfigPolicies.from(c, null).get(0).localAddress(), "the map's interface");
    PeerPolicy p = ConfigPolicies.from(withLoopback, null).get(0);
    assertEquals("203.0.113.1", p.localAddress());
    assertEquals("clear", p.dfBit(), "DF still follows the interface the map is applied to");
  }

  /**
   * {@code mode transport} in the transform set: the SAs are negotiated in tunnel mode, which the forwarder
   * runs (before, transport mode was negotiated and the forwarder refused the SA).
   */
  @Test
  void transportModeInTheTransformSetNegotiatesTunnelMode() {
    GatewayConfig c = config();
    List<TransformSet> ts = c.transformSets().stream()
        .map(t -> new TransformSet(t.name(), t.transform(), ChildSa.Mode.TRANSPORT)).toList();
    GatewayConfig transport = c.toBuilder().transformSets(ts).build();
    for (PeerPolicy p : ConfigPolicies.from(transport, null)) {
      assertEquals(ChildSa.Mode.TUNNEL, p.mode(), p.cryptoMap());
    }
  }
}
