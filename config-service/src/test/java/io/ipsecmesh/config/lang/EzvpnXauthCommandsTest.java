package io.ipsecmesh.config.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.config.EzvpnClient;
import io.ipsecmesh.proto.config.GatewayConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The seed's Easy VPN remote ({@code crypto ipsec client ezvpn ezvpn-config}, {@code group unity key preshared},
 * {@code mode client}, {@code peer 10.2.80.209}) with the XAUTH credentials IOS stores for it: {@code username NAME
 * password PASSWORD} and {@code xauth userid mode local}; rendered with the password as type 6, read back equal;
 * the interactive modes refused with the fix.
 */
class EzvpnXauthCommandsTest {

  private static final String REMOTE = """
      crypto ipsec client ezvpn ezvpn-config
       connect auto
       group unity key preshared
       mode client
       peer 10.2.80.209
       username ezuser password ezpass-0123
       xauth userid mode local
      """;

  @Test
  void credentialsLoadRenderSealedAndParseBack() {
    ParseResult r = ConfigParser.parse("ezvpn.cfg", REMOTE);
    assertEquals(List.of(), r.errors());
    EzvpnClient c = r.config().ezvpnClient("ezvpn-config");
    assertEquals(new EzvpnClient("ezvpn-config", EzvpnClient.Connect.AUTO, "unity", "preshared",
        EzvpnClient.Mode.CLIENT, List.of("10.2.80.209"), "ezuser", "ezpass-0123", "local"), c);
    assertFalse(c.toString().contains("ezpass-0123"));
    assertTrue(r.config().render().contains(" username ezuser password ezpass-0123\n xauth userid mode local\n"));
    GatewayConfig again = RunningConfigRoundTripTest.reparse(r.config());
    assertEquals(r.config(), again);
    String sealed = r.config().renderSealed();
    assertFalse(sealed.contains("ezpass-0123"), sealed);
    assertTrue(sealed.contains(" username ezuser password 6 "), sealed);
    assertEquals(r.config(), ConfigParser.parse("running-config", sealed).config());
  }

  @Test
  void theSeedRemoteWithoutCredentialsStillLoads() {
    GatewayConfig c = ConfigParser.parse("seed.cfg", REMOTE.replace(" username ezuser password ezpass-0123\n", "")
        .replace(" xauth userid mode local\n", "")).config();
    assertEquals(null, c.ezvpnClient("ezvpn-config").username());
  }

  @Test
  void interactiveModesAndAMissingPasswordAreRefusedWithTheFix() {
    ParseResult interactive = ConfigParser.parse("bad.cfg", "crypto ipsec client ezvpn e\n xauth userid mode"
        + " interactive\n");
    assertEquals(2, interactive.errors().getFirst().line());
    assertTrue(interactive.errors().getFirst().message().contains("interactive needs a person to type the password;"
        + " write username NAME password PASSWORD and xauth userid mode local"), interactive.errors().toString());
    ParseResult noPassword = ConfigParser.parse("bad.cfg", "crypto ipsec client ezvpn e\n username ezuser\n");
    assertTrue(noPassword.errors().getFirst().message().contains("missing 'password PASSWORD' after the user name"),
        noPassword.errors().toString());
  }

  /**
   * Legacy Easy VPN is IPv4 only (Cisco Easy VPN Remote; IOS carries IPv6 over IPsec with crypto maps and tunnel
   * interfaces): an IPv6 {@code peer} and an outside interface with an IPv6 address only are refused, each error at
   * its line and naming what to write instead.
   */
  @Test
  void anIpv6PeerOrOutsideInterfaceIsRefusedWithWhatToUseInstead() {
    ParseResult peer = ConfigParser.parse("v6.cfg", REMOTE.replace(" peer 10.2.80.209\n", " peer 2001:db8::209\n"));
    assertEquals(1, peer.errors().size(), peer.errors().toString());
    assertEquals(5, peer.errors().getFirst().line());
    String m = peer.errors().getFirst().message();
    assertTrue(m.contains("peer 2001:DB8::209 is IPv6, and legacy Easy VPN is IPv4 only")
        && m.contains("ipv6 crypto map") && m.contains("tunnel mode ipsec ipv6"), m);

    ParseResult outside = ConfigParser.parse("v6-outside.cfg", REMOTE + """
        interface GigabitEthernet0/0
         ipv6 address 2001:db8:1::1/64
         crypto ipsec client ezvpn ezvpn-config outside
        """);
    assertEquals(1, outside.errors().size(), outside.errors().toString());
    assertEquals(10, outside.errors().getFirst().line());
    m = outside.errors().getFirst().message();
    assertTrue(m.contains("crypto ipsec client ezvpn ezvpn-config outside needs an IPv4 address")
        && m.contains("legacy Easy VPN is IPv4 only") && m.contains("ipv6 crypto map"), m);

    // a host name stays accepted: it is resolved at each attempt, to its IPv4 address (EasyVpnHostNamePeersTest)
    assertEquals(List.of(), ConfigParser.parse("name.cfg", REMOTE.replace(" peer 10.2.80.209\n",
        " peer hub6.example.net\n")).errors());
  }
}
