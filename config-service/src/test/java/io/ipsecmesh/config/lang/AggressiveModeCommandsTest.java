package io.ipsecmesh.config.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.IkeIdentity;
import io.ipsecmesh.proto.config.IsakmpPeer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code crypto isakmp peer address IP} with {@code set aggressive-mode password} / {@code set aggressive-mode
 * client-endpoint}, and {@code crypto isakmp aggressive-mode disable}: parsed with the IOS ranges, rendered in
 * {@code show running-config}, read back equal; errors carry FILE:LINE and what to write instead.
 */
class AggressiveModeCommandsTest {

  private static final String CFG = """
      crypto isakmp aggressive-mode disable
      crypto isakmp peer address 192.0.2.10
       set aggressive-mode password branch-secret
       set aggressive-mode client-endpoint fqdn branch1.example.com
      crypto isakmp peer address 192.0.2.11
       set aggressive-mode client-endpoint user-fqdn vpn@example.com
       set aggressive-mode password 0ther
      crypto isakmp peer address 192.0.2.12
       set aggressive-mode client-endpoint ipv4-address 10.9.9.9
      """;

  @Test
  void peersAndTheirAggressiveModeSettingsLoadRenderAndParseBack() {
    ParseResult r = ConfigParser.parse("am.cfg", CFG);
    assertEquals(List.of(), r.errors());
    GatewayConfig c = r.config();
    assertTrue(c.aggressiveModeDisabled());
    assertEquals(new IsakmpPeer("192.0.2.10", "branch-secret", new IkeIdentity(IkeIdentity.Type.FQDN,
        "branch1.example.com")), c.isakmpPeer("192.0.2.10"));
    assertEquals(new IkeIdentity(IkeIdentity.Type.EMAIL, "vpn@example.com"), c.isakmpPeer("192.0.2.11").clientEndpoint());
    assertTrue(c.isakmpPeer("192.0.2.11").aggressive());
    assertFalse(c.isakmpPeer("192.0.2.12").aggressive(), "a client endpoint without password");
    assertEquals(List.of(new ConfigError("am.cfg", 8, "crypto isakmp peer address 192.0.2.12: Aggressive Mode needs"
        + " both set aggressive-mode password and set aggressive-mode client-endpoint; Main Mode is used until both"
        + " are set")), r.warnings());

    String running = c.render();
    assertTrue(running.contains("""
        crypto isakmp aggressive-mode disable
        crypto isakmp peer address 192.0.2.10
         set aggressive-mode password branch-secret
         set aggressive-mode client-endpoint fqdn branch1.example.com
        !
        """), running);
    assertTrue(running.contains(" set aggressive-mode client-endpoint ipv4-address 10.9.9.9\n"), running);
    assertEquals(c, RunningConfigRoundTripTest.reparse(c));
  }

  @Test
  void theSealedRunningConfigNeverShowsThePassword() {
    GatewayConfig c = ConfigParser.parse("am.cfg", CFG).config();
    String sealed = c.renderSealed();
    assertFalse(sealed.contains("branch-secret"), sealed);
    assertTrue(sealed.contains(" set aggressive-mode password 6 "), sealed);
    assertEquals(c, ConfigParser.parse("running-config", sealed).config(), "type 6 opens again");
    assertFalse(c.isakmpPeer("192.0.2.10").toString().contains("branch-secret"));
  }

  @Test
  void withoutTheCommandsAggressiveModeIsAcceptedAndNoPeerIsAggressive() {
    GatewayConfig c = ConfigParser.parse("none.cfg", "crypto isakmp keepalive 10\n").config();
    assertFalse(c.aggressiveModeDisabled(), "IOS answers Aggressive Mode by default");
    assertEquals(List.of(), c.isakmpPeers());
    assertFalse(c.render().contains("aggressive"));
  }

  @Test
  void malformedLinesNameTheLineAndTheFix() {
    assertEquals(List.of(new ConfigError("bad.cfg", 1, "crypto isakmp peer: hostname is not supported; write crypto"
        + " isakmp peer address IP")), ConfigParser.parse("bad.cfg", "crypto isakmp peer hostname hq.example\n").errors());
    assertEquals(List.of(new ConfigError("bad.cfg", 1, "crypto isakmp aggressive-mode setting must be disable, got"
        + " 'enable'")),
        ConfigParser.parse("bad.cfg", "crypto isakmp aggressive-mode enable\n").errors());
    ParseResult noType = ConfigParser.parse("bad.cfg", "crypto isakmp peer address 192.0.2.1\n"
        + " set aggressive-mode client-endpoint ipv6-address ::1\n");
    assertEquals(2, noType.errors().getFirst().line());
    assertTrue(noType.errors().getFirst().message().contains("must be ipv4-address|fqdn|user-fqdn, got 'ipv6-address'"),
        noType.errors().toString());
    ParseResult longPassword = ConfigParser.parse("bad.cfg", "crypto isakmp peer address 192.0.2.1\n"
        + " set aggressive-mode password " + "x".repeat(129) + "\n");
    assertTrue(longPassword.errors().getFirst().message().contains("1-128 printable characters"),
        longPassword.errors().toString());
    assertNull(longPassword.config());
  }
}
