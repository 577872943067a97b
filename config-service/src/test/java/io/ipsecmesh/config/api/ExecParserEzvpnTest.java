package io.ipsecmesh.config.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ipsecmesh.config.api.ExecCommand.ClearSession;
import io.ipsecmesh.config.api.ExecCommand.Ezvpn;
import io.ipsecmesh.config.api.ExecCommand.ShowEzvpn;
import io.ipsecmesh.config.api.ExecCommand.ShowIpsecSa;
import org.junit.jupiter.api.Test;

/** The Easy VPN remote's exec commands (Cisco Easy VPN Remote: connect manual needs the exec command). */
class ExecParserEzvpnTest {

  @Test
  void showConnectAndClearInFullAndAbbreviated() throws Exception {
    assertEquals(new ShowEzvpn(), ExecParser.parse("show crypto ipsec client ezvpn"));
    assertEquals(new ShowEzvpn(), ExecParser.parse("sh cry ips cl ez"));
    assertEquals(new ShowIpsecSa(null, false), ExecParser.parse("sh cry ips sa"), "ipsec sa is unchanged");
    assertEquals(new Ezvpn("ezvpn-config", true), ExecParser.parse("crypto ipsec client ezvpn connect ezvpn-config"));
    assertEquals(new Ezvpn(null, true), ExecParser.parse("cry ips cl ez conn"), "the only remote");
    assertEquals(new Ezvpn("ezvpn-config", false), ExecParser.parse("clear crypto ipsec client ezvpn ezvpn-config"));
    assertEquals(new Ezvpn(null, false), ExecParser.parse("clear crypto ipsec client ezvpn"));
    assertEquals(new ClearSession(null), ExecParser.parse("clear crypto session"), "clear crypto session unchanged");
  }

  @Test
  void aMisspelledOrIncompleteCommandIsRefusedLikeIos() {
    ExecSyntaxException e = assertThrows(ExecSyntaxException.class,
        () -> ExecParser.parse("crypto ipsec client ezvpn start x"));
    assertEquals("crypto ipsec client ezvpn start x\n                          ^\n% Invalid input detected at '^'"
        + " marker.", e.getMessage());
    assertEquals("% Incomplete command.", assertThrows(ExecSyntaxException.class,
        () -> ExecParser.parse("crypto ipsec client")).getMessage());
    assertEquals("% Ambiguous command:  \"c ipsec\"", assertThrows(ExecSyntaxException.class,
        () -> ExecParser.parse("c ipsec")).getMessage(), "clear and crypto");
    assertThrows(ExecSyntaxException.class, () -> ExecParser.parse("crypto ipsec client ezvpn connect a b"));
  }
}
