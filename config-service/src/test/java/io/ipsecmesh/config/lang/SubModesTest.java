package io.ipsecmesh.config.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.config.CryptoMapEntry;
import io.ipsecmesh.proto.config.DfBit;
import io.ipsecmesh.proto.config.GatewayConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Sub-modes as on IOS: indentation, {@code !}, {@code exit}, flat text, re-entered blocks, undefined names. */
class SubModesTest {

  private static GatewayConfig load(String text) {
    ParseResult r = ConfigParser.parse("router.cfg", text);
    assertEquals(List.of(), r.errors());
    return r.config();
  }

  private static List<String> warnings(String text) {
    return ConfigParser.parse("router.cfg", text).warnings().stream().map(ConfigError::toString).toList();
  }

  @Test
  void exitLeavesTheCryptoMapSoTheNextSetIsRefused() {
    ParseResult r = ConfigParser.parse("router.cfg", """
        crypto map test 1 ipsec-isakmp
         set peer 10.0.0.1
         exit
        set peer 10.0.0.2
        """);
    assertEquals(List.of(new ConfigError("router.cfg", 4,
        "'set' is a sub-mode command but no block that takes it is open")), r.errors());
  }

  @Test
  void exitLeavesOnlyTheInnermostBlock() {
    GatewayConfig c = load("""
        crypto ikev2 keyring branches
         peer hq
          address 198.51.100.7
          exit
         peer spokes
          address 203.0.113.0 255.255.255.0
        """);
    assertEquals(List.of("hq", "spokes"), c.ikev2Keyring("branches").peers().stream().map(p -> p.name()).toList());
  }

  @Test
  void flatTextBelongsToTheBlockThatKnowsTheCommand() {
    GatewayConfig c = load("""
        interface FastEthernet0
        ip address 10.1.32.14 255.255.255.0
        speed auto
        crypto map test
        crypto ipsec df-bit set
        crypto map test 1 ipsec-isakmp
        set peer 10.2.80.209
        """);
    assertEquals("test", c.interfaceNamed("FastEthernet0").cryptoMap());
    assertEquals(DfBit.SET, c.effectiveDfBit("FastEthernet0"));
    assertEquals(DfBit.COPY, c.dfBit());
    assertEquals(List.of("10.2.80.209"), c.cryptoMapEntry("test", 1).peers());
  }

  @Test
  void globalCommandAfterAnInterfaceBlockIsGlobal() {
    GatewayConfig c = load("""
        interface FastEthernet0
         ip address 10.1.32.14 255.255.255.0
        crypto isakmp nat keepalive 20
        crypto ipsec df-bit clear
        """);
    assertEquals(20, c.natKeepaliveSeconds());
    assertEquals(DfBit.CLEAR, c.dfBit());
    assertNull(c.interfaceNamed("FastEthernet0").dfBit());
  }

  @Test
  void reEnteringACryptoMapEntryAddsToIt() {
    GatewayConfig c = load("""
        crypto map green 1 ipsec-isakmp
         set peer 10.0.0.1
        !
        crypto map green 2 ipsec-isakmp
         set peer 10.9.9.9
        !
        crypto map green 1
         set peer 10.0.0.2
        """);
    assertEquals(List.of("10.0.0.1", "10.0.0.2"), c.cryptoMapEntry("green", 1).peers());
    assertEquals(List.of(1, 2), c.cryptoMap("green").stream().map(CryptoMapEntry::seq).toList());
  }

  @Test
  void aCryptoMapEntryKeepsItsKeying() {
    ParseResult r = ConfigParser.parse("router.cfg", """
        crypto map green 1 ipsec-manual
        !
        crypto map green 1 ipsec-isakmp
        """);
    assertEquals(List.of(new ConfigError("router.cfg", 3,
        "crypto map: green 1 is ipsec-manual: it cannot become ipsec-isakmp (remove the entry first)")), r.errors());
  }

  @Test
  void subCommandsOfARefusedHeaderGiveNoFurtherErrors() {
    ParseResult r = ConfigParser.parse("router.cfg", """
        crypto ipsec transform-set old ah-md5-hmac ah-sha-hmac
         mode transport
        crypto map test 0 ipsec-isakmp
         set peer 10.0.0.1
         set transform-set old
        crypto isakmp nat keepalive 20
        """);
    assertEquals(List.of(1, 1, 3), r.errors().stream().map(ConfigError::line).toList());
    assertEquals(List.of(), r.warnings());
  }

  @Test
  void unrelatedLinesAreWarningsThatNameTheCommandButNoSecret() {
    assertEquals(List.of(
        "router.cfg:3: ignored in interface Serial0 (not part of the IPsec configuration): no fair-queue",
        "router.cfg:5: ignored (not part of the IPsec configuration): line vty …",
        "router.cfg:6: ignored (not part of the IPsec configuration): password …",
        "router.cfg:7: ignored (not part of the IPsec configuration): enable secret …"),
        warnings("""
            hostname VPN-Gateway1
            interface Serial0
             no fair-queue
            !
            line vty 0 4
             password ww
            enable secret 5 $1$KxKv$cbqKsZtQTLJLGPn.tErFZl
            """));
  }

  @Test
  void namesUsedButNotDefinedAreWarnings() {
    assertEquals(List.of(
        "router.cfg:3: transform set txfm is not defined",
        "router.cfg:4: access list 101 is not defined",
        "router.cfg:6: crypto map greem is not defined"),
        warnings("""
            crypto map green 1 ipsec-isakmp
             set peer 10.0.0.1
             set transform-set txfm
             match address 101
            interface FastEthernet0
             crypto map greem
            """));
  }

  @Test
  void accessListEntriesKeepConfigurationOrderAndSequenceNumbersAreDropped() {
    GatewayConfig c = load("""
        ip access-list extended vpn
         20 permit ip 10.1.0.0 0.0.255.255 10.2.0.0 0.0.255.255
         10 deny ip any any
        """);
    assertEquals(2, c.accessList("vpn").entries().size());
    assertTrue(c.accessList("vpn").entries().get(1).destination().isAny());
  }
}
