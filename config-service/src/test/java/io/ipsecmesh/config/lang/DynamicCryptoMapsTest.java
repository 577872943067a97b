package io.ipsecmesh.config.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.config.CryptoMapEntry;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.Replay;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code crypto dynamic-map NAME SEQ} and {@code crypto map NAME SEQ ipsec-isakmp dynamic DYN} (Cisco guide,
 * anti-replay chapter: {@code set security-association replay window-size} "for a particular crypto map, dynamic
 * crypto map, or crypto profile"): parsed into the model, shown by show running-config as IOS writes them, refused
 * where IOS refuses them.
 */
class DynamicCryptoMapsTest {

  private static final String HUB = """
      crypto ikev2 keyring KR
       peer any
        address 0.0.0.0 0.0.0.0
        pre-shared-key spoke-key
      crypto ikev2 profile PROF
       match identity remote address 0.0.0.0 0.0.0.0
       authentication local pre-share
       authentication remote pre-share
       keyring local KR
      crypto ipsec transform-set TS esp-gcm 256
      access-list 102 permit ip 10.1.1.0 0.0.0.255 10.2.0.0 0.0.255.255
      crypto dynamic-map DYN 10
       set transform-set TS
       set ikev2-profile PROF
       set pfs group19
       set security-association lifetime seconds 1800
       set security-association replay window-size 128
       match address 102
      crypto dynamic-map DYN 20
       set transform-set TS
       set ikev2-profile PROF
      crypto map VPN 65535 ipsec-isakmp dynamic DYN
      interface GigabitEthernet0/0
       ip address 192.0.2.1 255.255.255.0
       crypto map VPN
      """;

  @Test
  void theDynamicMapAndTheEntryThatStandsForItReachTheModel() {
    ParseResult r = ConfigParser.parse("hub.cfg", HUB);
    assertEquals(List.of(), r.errors());
    GatewayConfig c = r.config();
    CryptoMapEntry via = c.cryptoMap("VPN").getFirst();
    assertEquals(65535, via.seq());
    assertEquals("DYN", via.dynamicMap());
    assertEquals(List.of(), via.peers());
    List<CryptoMapEntry> dyn = c.dynamicMap("DYN");
    assertEquals(List.of(10, 20), dyn.stream().map(CryptoMapEntry::seq).toList());
    CryptoMapEntry first = dyn.getFirst();
    assertEquals(List.of("TS"), first.transformSets());
    assertEquals("PROF", first.ikev2Profile());
    assertEquals(19, first.pfsGroup());
    assertEquals(1800L, first.sa().lifetimeSeconds());
    assertEquals(Replay.window(128), first.sa().replay());
    assertEquals("102", first.matchAddress());
    assertNull(dyn.get(1).matchAddress(), "match address is optional");
    assertTrue(r.warnings().stream().noneMatch(w -> w.message().contains("dynamic")), r.warnings().toString());
  }

  @Test
  void showRunningConfigPrintsThemAsIosDoesAndReadsThemBack() {
    GatewayConfig c = ConfigParser.parse("hub.cfg", HUB).config();
    String shown = c.render();
    assertTrue(shown.contains("crypto dynamic-map DYN 10\n set security-association replay window-size 128\n"), shown);
    assertTrue(shown.contains("crypto map VPN 65535 ipsec-isakmp dynamic DYN\n"), shown);
    assertTrue(shown.indexOf("crypto dynamic-map DYN 10") < shown.indexOf("crypto map VPN 65535"),
        "defined before it is referred to");
    assertEquals(c, ConfigParser.parse("running-config", shown).config(), "round trip");
  }

  @Test
  void anUndefinedDynamicMapIsNamed() {
    ParseResult r = ConfigParser.parse("hub.cfg", HUB.replace("ipsec-isakmp dynamic DYN", "ipsec-isakmp dynamic DIN"));
    assertTrue(r.warnings().stream().anyMatch(w -> w.toString().equals("hub.cfg:22: dynamic crypto map DIN is not "
        + "defined")), r.warnings().toString());
  }

  @Test
  void aManualEntryCannotReferToADynamicMapAndSetCommandsDoNotMixWithIt() {
    ParseResult manual = ConfigParser.parse("m.cfg", "crypto map VPN 10 ipsec-manual dynamic DYN\n");
    assertTrue(manual.errors().getFirst().toString().startsWith("m.cfg:1:"), manual.errors().toString());
    ParseResult mixed = ConfigParser.parse("x.cfg", """
        crypto ipsec transform-set TS esp-gcm 256
        crypto map VPN 10 ipsec-isakmp
         set peer 192.0.2.9
         set transform-set TS
        crypto map VPN 10 ipsec-isakmp dynamic DYN
        """);
    assertTrue(mixed.errors().stream().anyMatch(e -> e.line() == 5 && e.message().contains(
        "a dynamic entry takes them from crypto dynamic-map DYN")), mixed.errors().toString());
  }

  @Test
  void theItTestsHubConfigurationIsValid() throws Exception {
    // the hub of it/GatewayStrongswanDynamicMapTest, with its match line
    String hub;
    try (var in = getClass().getResourceAsStream("/io/ipsecmesh/config/lang/dynamic-map-hub.cfg")) {
      hub = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    ParseResult r = ConfigParser.parse("hub-template.cfg", hub.replace("@MATCH@", " match address 102"));
    assertEquals(List.of(), r.errors());
    assertEquals("102", r.config().dynamicMap("DYN").getFirst().matchAddress());
  }

  @Test
  void theItTestsIkev1HubConfigurationIsValid() throws Exception {
    // the IKEv1 hub of it/GatewayStrongswanDynamicMapTest: a dynamic map without set ikev2-profile, a wildcard key
    String hub;
    try (var in = getClass().getResourceAsStream("/io/ipsecmesh/config/lang/dynamic-map-hub-ikev1.cfg")) {
      hub = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    ParseResult r = ConfigParser.parse("hub-ikev1.cfg", hub);
    assertEquals(List.of(), r.errors());
    assertEquals(List.of(), r.warnings());
    CryptoMapEntry dyn = r.config().dynamicMap("DYN1").getFirst();
    assertNull(dyn.ikev2Profile());
    assertEquals(14, dyn.pfsGroup());
    assertEquals(1800L, dyn.sa().lifetimeSeconds());
    assertEquals("0.0.0.0", r.config().isakmpKeyFor("172.31.255.2").address());
  }

  @Test
  void reverseRouteInADynamicMapSaysTheNegotiatedNetworksAreAlwaysRouted() {
    ParseResult r = ConfigParser.parse("hub.cfg", HUB.replace(" match address 102\n", " match address 102\n reverse-route\n"));
    assertEquals(List.of(), r.errors());
    assertTrue(r.warnings().stream().anyMatch(w -> w.message().contains("reverse-route: the networks peers negotiate"
        + " through a dynamic crypto map are always routed")), r.warnings().toString());
  }
}
