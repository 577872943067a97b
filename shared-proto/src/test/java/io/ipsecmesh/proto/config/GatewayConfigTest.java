package io.ipsecmesh.proto.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.bus.ConfigMessages.ConfigChanged;
import io.ipsecmesh.proto.bus.RecordJson;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import java.util.List;
import org.junit.jupiter.api.Test;

class GatewayConfigTest {

  static GatewayConfig sample() {
    return GatewayConfig.builder()
        .isakmpPolicies(List.of(new IsakmpPolicy(1, "aes", "sha256", "pre-share", 14, 86_400)))
        .isakmpKeys(List.of(new IsakmpKey("kd94j1ksldz", "10.2.80.209", "255.255.255.0")))
        .isakmpKeepalive(new IsakmpKeepalive(30, 20, DpdMode.PERIODIC))
        .natKeepaliveSeconds(20)
        .invalidSpiRecovery(true)
        .natTransparency(false)
        .dfBit(DfBit.CLEAR)
        .sa(new SaSettings(Replay.window(1024), 600, null, null))
        .transformSets(List.of(new TransformSet("Trans1", EspTransform.AES_GCM_256, ChildSa.Mode.TUNNEL)))
        .cryptoMaps(List.of(
            new CryptoMapEntry("green", 1, CryptoMapEntry.Keying.IPSEC_ISAKMP,
                List.of("10.0.0.1", "10.0.0.2", "10.0.0.3"), List.of("Trans1"),
                new SaSettings(Replay.DISABLED, null, 1800L, null), 19, "101", null, null, null),
            new CryptoMapEntry("green", 2, CryptoMapEntry.Keying.IPSEC_MANUAL, List.of("10.0.0.9"),
                List.of("Trans1"), null, null, "102", null,
                new SessionKey(300, "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff01020304", null),
                new SessionKey(301, "ffeeddccbbaa99887766554433221100ffeeddccbbaa9988776655443322110001020304", null))))
        .accessLists(List.of(new AccessList("101", true, List.of(
            new AccessListEntry(AccessListEntry.Action.PERMIT, "ip", new AddressMatch("192.168.1.0", "0.0.0.255"),
                null, new AddressMatch("172.16.2.0", "0.0.0.255"), null, null),
            AccessListEntry.remark("Crypto ACL")))))
        .interfaces(List.of(new InterfaceConfig("FastEthernet0", "10.1.32.14", "255.255.255.0", 1400, "green",
            DfBit.SET, null),
            InterfaceConfig.named("Serial0")))
        .ezvpnClients(List.of(new EzvpnClient("ezvpn-config", EzvpnClient.Connect.AUTO, "unity", "preshared",
            EzvpnClient.Mode.CLIENT, List.of("10.10.10.10", "10.2.2.2", "10.3.3.3"))))
        .ikev2Proposals(List.of(new Ikev2Proposal("prop", List.of("aes-gcm-256"), List.of(), List.of("sha384"),
            List.of(20))))
        .ikev2Policies(List.of(new Ikev2Policy("pol", List.of("prop"), List.of())))
        .ikev2Keyrings(List.of(new Ikev2Keyring("kr", List.of(new Ikev2KeyringPeer("site", "10.0.0.1", null, "k",
            "k")))))
        .ikev2Profiles(List.of(new Ikev2Profile("prof", List.of("10.0.0.1 255.255.255.255"), null, "pre-share",
            "pre-share", "kr",
            new Ikev2Dpd(10, 2, DpdMode.ON_DEMAND), null)))
        .build();
  }

  @Test
  void survivesTheEventBusCodec() {
    GatewayConfig c = sample();
    ConfigChanged msg = new ConfigChanged(7, c);
    assertEquals(msg, RecordJson.fromJson(RecordJson.toJson(msg), ConfigChanged.class));
  }

  @Test
  void interfaceDfBitWinsOverTheGlobalOne() {
    GatewayConfig c = sample();
    assertEquals(DfBit.SET, c.effectiveDfBit("FastEthernet0"));
    assertEquals(DfBit.CLEAR, c.effectiveDfBit("Serial0"));
    assertEquals(DfBit.CLEAR, c.effectiveDfBit("NoSuchInterface"));
    assertEquals(DfBit.COPY, GatewayConfig.empty().effectiveDfBit("FastEthernet0"));
  }

  @Test
  void cryptoMapSettingsOverrideTheGlobalOnesOneByOne() {
    GatewayConfig c = sample();
    SaSettings sa = c.effectiveSa(c.cryptoMapEntry("green", 1));
    assertEquals(new SaSettings(Replay.DISABLED, 600, 1800L, 4_608_000L), sa);
    assertEquals(0, sa.replay().effectiveWindow());
    SaSettings inherited = c.effectiveSa(c.cryptoMapEntry("green", 2));
    assertEquals(1024, inherited.replay().effectiveWindow());
    assertEquals(3600L, inherited.lifetimeSeconds());
  }

  @Test
  void emptyConfigHasTheIosDefaults() {
    GatewayConfig c = GatewayConfig.empty();
    assertEquals(64, c.sa().replay().effectiveWindow());
    assertEquals(3600L, c.sa().lifetimeSeconds());
    assertEquals(4_608_000L, c.sa().lifetimeKilobytes());
    assertNull(c.sa().idleTimeSeconds());
    assertTrue(c.natTransparency());
    assertNull(c.isakmpKeepalive());
  }

  @Test
  void lookups() {
    GatewayConfig c = sample();
    assertEquals(List.of(1, 2), c.cryptoMap("green").stream().map(CryptoMapEntry::seq).toList());
    assertEquals(List.of("10.0.0.1", "10.0.0.2", "10.0.0.3"), c.cryptoMap("green").get(0).peers());
    assertEquals("101", c.accessList("101").name());
    assertTrue(c.accessList("101").entries().get(0).source().matches("192.168.1.77"));
    assertFalse(c.accessList("101").entries().get(0).source().matches("192.168.2.1"));
    assertEquals("kd94j1ksldz", c.isakmpKeyFor("10.2.80.1").key());
    assertNull(c.isakmpKeyFor("10.2.81.1"));
    assertEquals(new Ikev2Dpd(10, 2, DpdMode.ON_DEMAND), c.effectiveDpd(c.ikev2Profile("prof")));
    assertEquals(1, c.interfacesWithCryptoMap("green").size());
    assertEquals(36, c.cryptoMapEntry("green", 2).inboundEsp().cipherKey().length);
  }
}
