package io.ipsecmesh.config.lang;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.config.AccessListEntry;
import io.ipsecmesh.proto.config.AddressMatch;
import io.ipsecmesh.proto.config.CryptoMapEntry;
import io.ipsecmesh.proto.config.DfBit;
import io.ipsecmesh.proto.config.DpdMode;
import io.ipsecmesh.proto.config.EzvpnAttachment;
import io.ipsecmesh.proto.config.EzvpnClient;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.InterfaceConfig;
import io.ipsecmesh.proto.config.IsakmpKeepalive;
import io.ipsecmesh.proto.config.IsakmpKey;
import io.ipsecmesh.proto.config.IsakmpPolicy;
import io.ipsecmesh.proto.config.Replay;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every configuration example of the seed documents loads, or fails only on its insecure transforms with
 * the error naming the modern replacement; once those are replaced, the same example loads into the
 * model the document describes.
 */
class SeedExamplesTest {

  /** How the error of an algorithm the compliance shield refuses ends: it names the command that allows it. */
  static final String SHIELD = "; or allow it with 'crypto engine compliance shield disable'";
  private static final String DES =
      "esp-des is insecure (RFC 8221): use esp-gcm 256 or esp-aes 256 esp-sha256-hmac" + SHIELD;
  private static final String TRIPLE_DES =
      "esp-3des is insecure (RFC 8221): use esp-gcm 256 or esp-aes 256 esp-sha256-hmac" + SHIELD;
  private static final String MD5_HMAC = "esp-md5-hmac is insecure (RFC 8221): use esp-sha256-hmac" + SHIELD;
  private static final String AH_SHA =
      "ah-sha-hmac is refused (RFC 8221: AH is not supported): use esp-gcm 256 or esp-aes 256 esp-sha256-hmac";
  private static final String AH_MD5 =
      "ah-md5-hmac is insecure (RFC 8221: MD5, and AH is not supported): use esp-gcm 256 or esp-aes 256 esp-sha256-hmac";
  private static final String IKE_3DES = "encryption 3des is insecure (RFC 8247): use encryption aes 256" + SHIELD;
  private static final String IKE_GROUP2 = "group 2 is insecure (RFC 8247): use group 14, 19 or 20" + SHIELD;
  private static final String IKE_MD5 = "hash md5 is insecure (RFC 8247): use hash sha256" + SHIELD;

  /** The errors of the examples that use the old algorithms, as "LINE: message". */
  static final Map<String, List<String>> INSECURE = Map.of(
      "05-dpd-site-to-site-3des-flat", List.of("2: " + IKE_3DES, "4: " + IKE_GROUP2, "9: " + TRIPLE_DES),
      "11-anti-replay-global", List.of("27: " + DES, "27: " + MD5_HMAC),
      "12-anti-replay-per-crypto-map",
      List.of("18: " + DES, "18: " + MD5_HMAC, "19: " + DES, "19: " + MD5_HMAC, "20: " + DES, "20: " + MD5_HMAC),
      "13-invalid-spi-recovery-router-a", List.of("44: " + AH_SHA, "44: " + DES),
      "14-invalid-spi-recovery-router-b", List.of("48: " + AH_SHA, "48: " + DES),
      "15-dpd-site-to-site-3des", List.of("2: " + IKE_3DES, "4: " + IKE_GROUP2, "10: " + TRIPLE_DES),
      "19-nat-keepalives", List.of("7: " + DES),
      "20-df-bit-override", List.of("2: " + IKE_MD5, "8: " + AH_MD5, "8: " + DES));

  /**
   * The example with each refused algorithm swapped for the replacement its error names (the AH
   * integrity moves into ESP); line numbers stay the same.
   */
  static String modernised(String name) {
    String text = SeedExamples.text(name);
    String[][] swaps = {
        {"ah-sha-hmac esp-des esp-sha-hmac", "esp-aes 256 esp-sha-hmac"},
        {"ah-md5-hmac esp-des", "esp-aes 256 esp-sha256-hmac"},
        {"esp-des esp-md5-hmac", "esp-aes 256 esp-sha256-hmac"},
        {"esp-3des", "esp-aes 256"},
        {"esp-des", "esp-aes 256"},
        {"encryption 3des", "encryption aes 256"},
        {"group 2", "group 14"},
        {"hash md5", "hash sha256"},
    };
    for (String[] s : swaps) {
      // Whole words only: "esp-3des-sha" is the name of a transform set, not a transform.
      text = text.replaceAll("(?<![\\w-])" + Pattern.quote(s[0]) + "(?![\\w-])", s[1]);
    }
    return text;
  }

  /** The model of an example: as it is if it loads, else its modernised form. */
  static GatewayConfig model(String name) {
    ParseResult r = INSECURE.containsKey(name)
        ? ConfigParser.parse(name + ".cfg", modernised(name))
        : SeedExamples.parse(name);
    assertEquals(List.of(), r.errors(), name);
    assertNotNull(r.config(), name);
    return r.config();
  }

  static Stream<String> examples() {
    return SeedExamples.ALL.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void loadsOrFailsOnlyOnInsecureTransforms(String name) {
    ParseResult r = SeedExamples.parse(name);
    List<String> errors = r.errors().stream().map(e -> e.line() + ": " + e.message()).toList();
    assertEquals(INSECURE.getOrDefault(name, List.of()), errors);
    assertEquals(r.errors().isEmpty(), r.config() != null);
    r.errors().forEach(e -> assertEquals(name + ".cfg:" + e.line() + ": " + e.message(), e.toString()));
  }

  /** The example as an IOS XE 17.11.1+ router runs it: with the compliance shield turned off first. */
  static String shieldDisabled(String name) {
    return "crypto engine compliance shield disable\n" + SeedExamples.text(name);
  }

  /**
   * IOS XE 17.11.1 and later take every legacy algorithm of the examples back after {@code crypto engine
   * compliance shield disable} (Cisco Field Notice FN72510), with a warning on each use; only AH stays refused.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void loadsWithTheComplianceShieldDisabledExceptAh(String name) {
    ParseResult r = ConfigParser.parse(name + ".cfg", shieldDisabled(name));
    List<String> errors = r.errors().stream().map(ConfigError::message).toList();
    if (List.of("13-invalid-spi-recovery-router-a", "14-invalid-spi-recovery-router-b", "20-df-bit-override")
        .contains(name)) {
      assertEquals(1, errors.size(), errors.toString());
      assertTrue(errors.get(0).contains("AH is not supported"), errors.toString());
      return;
    }
    assertEquals(List.of(), errors);
    assertTrue(r.config().complianceShieldDisabled(), name);
    long legacyUses = INSECURE.getOrDefault(name, List.of()).size();
    List<String> warnings = r.warnings().stream().map(ConfigError::message)
        .filter(w -> w.endsWith("is insecure and allowed only because of 'crypto engine compliance shield disable'"))
        .toList();
    assertEquals(legacyUses, warnings.size(), "one warning per use: " + warnings);
  }

  @Test
  void shieldDisabledRunsTheExamplesOwnLegacyTransforms() {
    GatewayConfig c = ConfigParser.parse("15.cfg", shieldDisabled("15-dpd-site-to-site-3des")).config();
    assertEquals(EspTransform.TDES_CBC_HMAC_SHA1_96, c.transformSet("esp-3des-sha").transform());
    assertEquals("3des", c.isakmpPolicies().get(0).encryption());
    assertEquals(2, c.isakmpPolicies().get(0).group());
    assertEquals(EspTransform.DES_CBC_HMAC_MD5_96,
        ConfigParser.parse("11.cfg", shieldDisabled("11-anti-replay-global")).config().transformSet("basic").transform());
    // the command survives show running-config
    assertTrue(c.render().startsWith("crypto engine compliance shield disable\n"), c.render());
    assertTrue(ConfigParser.parse("r.cfg", c.render()).config().complianceShieldDisabled());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void loadsOnceTheInsecureTransformsAreReplaced(String name) {
    assertNotNull(model(name));
  }

  @Test
  void siteToSiteWithPeriodicDpd() {
    GatewayConfig c = model("01-dpd-site-to-site-periodic");
    assertAll(
        () -> assertEquals(List.of(new IsakmpPolicy(1, "aes", "sha256", "pre-share", 14, 86_400)), c.isakmpPolicies()),
        () -> assertEquals(List.of(new IsakmpKey("kd94j1ksldz", "10.2.80.209", "255.255.255.0")), c.isakmpKeys()),
        () -> assertEquals(new IsakmpKeepalive(10, 2, DpdMode.PERIODIC), c.isakmpKeepalive()),
        () -> assertEquals(EspTransform.AES_CBC_128_HMAC_SHA1_96, c.transformSet("Trans1").transform()),
        () -> assertEquals(ChildSa.Mode.TUNNEL, c.transformSet("Trans1").mode()),
        () -> assertEquals(new CryptoMapEntry("test", 1, CryptoMapEntry.Keying.IPSEC_ISAKMP, List.of("10.2.80.209"),
            List.of("Trans1"), null, null, "101", null, null, null), c.cryptoMapEntry("test", 1)),
        () -> assertEquals(new InterfaceConfig("FastEthernet0", "10.1.32.14", "255.255.255.0", null, "test", null, null),
            c.interfaceNamed("FastEthernet0")),
        () -> assertEquals("kd94j1ksldz", c.isakmpKeyFor("10.2.80.209").key()));
  }

  @Test
  void easyVpnRemoteWithDpd30Seconds20SecondRetriesPeriodic() {
    for (String name : List.of("02-dpd-ezvpn-remote-periodic", "16-dpd-ezvpn-remote-guide")) {
      GatewayConfig c = model(name);
      assertEquals(new IsakmpKeepalive(30, 20, DpdMode.PERIODIC), c.isakmpKeepalive(), name);
      assertEquals(new EzvpnClient("ezvpn-config", EzvpnClient.Connect.AUTO, "unity", "preshared",
          EzvpnClient.Mode.CLIENT, List.of("10.2.80.209")), c.ezvpnClient("ezvpn-config"), name);
      // Both blocks configure FastEthernet0: as on IOS the second one modifies the first.
      assertEquals(List.of(new InterfaceConfig("FastEthernet0", "10.1.32.14", "255.255.255.0", null, null, null,
          new EzvpnAttachment("ezvpn-config", true))), c.interfaces(), name);
    }
  }

  @Test
  void flatEasyVpnExampleKeepsInsideAndOutsideInterfaces() {
    GatewayConfig c = model("06-dpd-ezvpn-remote-flat");
    assertEquals(new EzvpnAttachment("ezvpn-config", false), c.interfaceNamed("Ethernet0").ezvpn());
    assertEquals("10.2.3.4", c.interfaceNamed("Ethernet0").ipAddress());
    assertEquals(new EzvpnAttachment("ezvpn-config", true), c.interfaceNamed("FastEthernet0").ezvpn());
  }

  @Test
  void threeSetPeerLinesKeepTheirOrderAsTheFailoverList() {
    for (String name : List.of("03-dpd-crypto-map-multiple-peers", "07-dpd-crypto-map-multiple-peers-flat",
        "10-dpd-crypto-map-keepalive-markdown", "17-dpd-crypto-map-multiple-peers-guide")) {
      CryptoMapEntry green = model(name).cryptoMapEntry("green", 1);
      assertEquals(List.of("10.0.0.1", "10.0.0.2", "10.0.0.3"), green.peers(), name);
      assertEquals(List.of("txfm"), green.transformSets(), name);
      assertEquals("101", green.matchAddress(), name);
    }
    assertEquals(new IsakmpKeepalive(10, 2, DpdMode.PERIODIC),
        model("10-dpd-crypto-map-keepalive-markdown").isakmpKeepalive());
  }

  @Test
  void easyVpnPeersKeepTheirOrder() {
    for (String name : List.of("04-dpd-ezvpn-multiple-peers", "08-dpd-ezvpn-multiple-peers-flat",
        "18-dpd-ezvpn-multiple-peers-guide")) {
      assertEquals(List.of("10.10.10.10", "10.2.2.2", "10.3.3.3"), model(name).ezvpnClient("ezvpn-config").peers(),
          name);
    }
  }

  @Test
  void markdownExampleWithANamelessInterfaceWarnsAndLoads() {
    ParseResult r = SeedExamples.parse("09-dpd-site-to-site-xe-markdown");
    assertTrue(r.warnings().stream().anyMatch(w ->
        w.line() == 15 && w.message().equals("interface without a name; its block is ignored")));
    assertEquals(List.of(), r.config().interfaces());
    assertEquals(EspTransform.AES_CBC_128_HMAC_SHA1_96, r.config().transformSet("Trans1").transform());
  }

  @Test
  void antiReplayWindowSetGloballyTo1024() {
    GatewayConfig c = model("11-anti-replay-global");
    assertEquals(Replay.window(1024), c.sa().replay());
    CryptoMapEntry mymap = c.cryptoMapEntry("mymap", 10);
    assertEquals(1024, c.effectiveSa(mymap).replay().effectiveWindow());
    assertEquals(List.of("192.165.201.2"), mymap.peers());
    assertEquals("mymap", c.interfaceNamed("Serial1/0").cryptoMap());
    assertEquals("255.255.255.252", c.interfaceNamed("Serial1/0").mask());
    assertEquals(List.of(
        new AccessListEntry(AccessListEntry.Action.PERMIT, "ip", new AddressMatch("192.168.1.0", "0.0.0.255"), null,
            new AddressMatch("172.16.2.0", "0.0.0.255"), null, null),
        AccessListEntry.remark("Crypto ACL")), c.accessList("101").entries());
    assertEquals(List.of(new IsakmpKey("cisco123", "192.165.201.2", null)), c.isakmpKeys());
  }

  @Test
  void antiReplayDisabledForOneCryptoMapEntryAndDefault64ForTheOthers() {
    GatewayConfig c = model("12-anti-replay-per-crypto-map");
    List<CryptoMapEntry> eth0 = c.cryptoMap("ETH0");
    assertEquals(List.of(17, 18, 19), eth0.stream().map(CryptoMapEntry::seq).toList());
    assertEquals(0, c.effectiveSa(eth0.get(0)).replay().effectiveWindow());
    assertFalse(c.effectiveSa(eth0.get(0)).replay().enabled());
    assertEquals(64, c.effectiveSa(eth0.get(1)).replay().effectiveWindow());
    assertEquals(64, c.effectiveSa(eth0.get(2)).replay().effectiveWindow());
    assertEquals(List.of("192.168.1.4"), eth0.get(2).peers());
    assertEquals(3, c.isakmpKeys().size());
    assertEquals("cisco180", c.isakmpKeyFor("172.17.150.3").key());
    assertEquals(List.of("170", "180", "190"), c.accessLists().stream().map(a -> a.name()).toList());
  }

  @Test
  void invalidSpiRecoveryOnBothRouters() {
    GatewayConfig a = model("13-invalid-spi-recovery-router-a");
    GatewayConfig b = model("14-invalid-spi-recovery-router-b");
    assertTrue(a.invalidSpiRecovery());
    assertTrue(b.invalidSpiRecovery());
    assertEquals(180, a.isakmpPolicies().get(0).lifetimeSeconds());
    assertEquals(new IsakmpKey("1234", "10.2.2.2", null), a.isakmpKeys().get(0));
    assertEquals(new IsakmpKey("1234", "10.1.1.1", null), b.isakmpKeys().get(0));
    AccessListEntry acl = a.accessList("150").entries().get(0);
    assertTrue(acl.source().isHost() && acl.source().address().equals("10.0.0.1"));
    assertTrue(acl.destination().isHost() && acl.destination().address().equals("10.0.2.2"));
    assertEquals("testtag1", a.interfaceNamed("FastEthernet0/0").cryptoMap());
    assertEquals("testtag1", b.interfaceNamed("FastEthernet1/0").cryptoMap());
    assertEquals("10.2.2.2", b.interfaceNamed("FastEthernet1/0").ipAddress());
    assertNull(b.interfaceNamed("FastEthernet1/2").ipAddress());
  }

  @Test
  void natKeepalivesEvery20Seconds() {
    GatewayConfig c = model("19-nat-keepalives");
    assertEquals(20, c.natKeepaliveSeconds());
    assertTrue(c.natTransparency());
    assertEquals(List.of("10.0.0.1"), c.cryptoMapEntry("test2", 10).peers());
  }

  @Test
  void dfBitClearedGloballyAndCopiedOnFastEthernet() {
    GatewayConfig c = model("20-df-bit-override");
    assertEquals(DfBit.CLEAR, c.dfBit());
    assertEquals(DfBit.COPY, c.effectiveDfBit("FastEthernet"));
    assertEquals(DfBit.CLEAR, c.effectiveDfBit("FastEthernet1"));
    assertEquals(DfBit.CLEAR, c.effectiveDfBit("Serial0"));
    assertEquals(List.of("armadillo", "basilisk"), c.cryptoMaps().stream().map(CryptoMapEntry::name).toList());
    assertEquals(2, c.isakmpKeys().size());
  }

  @Test
  void idleTimerGloballyAndPerCryptoMap() {
    GatewayConfig global = model("21-idle-timer-global");
    assertEquals(600, global.sa().idleTimeSeconds());
    assertEquals(3600L, global.sa().lifetimeSeconds());
    assertEquals(4_608_000L, global.sa().lifetimeKilobytes());
    GatewayConfig perMap = model("22-idle-timer-per-crypto-map");
    assertNull(perMap.sa().idleTimeSeconds());
    assertEquals(600, perMap.effectiveSa(perMap.cryptoMapEntry("test", 1)).idleTimeSeconds());
  }

  @Test
  void unrelatedLinesOfTheFullRouterConfigurationsAreWarnings() {
    ParseResult r = SeedExamples.parse("13-invalid-spi-recovery-router-a");
    // hostname is read (crypto isakmp identity hostname sends it), so line 12 is no warning
    assertTrue(r.warnings().stream().noneMatch(w -> w.line() == 12) && r.errors().stream().noneMatch(e -> e.line() == 12));
    assertTrue(r.warnings().stream().anyMatch(w -> w.message().startsWith("ignored in interface FastEthernet0/0")));
    assertTrue(r.warnings().stream().anyMatch(w -> w.message().equals("ignored: the configuration ended with 'end'")));
  }
}
