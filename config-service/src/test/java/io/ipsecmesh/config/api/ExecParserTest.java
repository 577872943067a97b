package io.ipsecmesh.config.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ipsecmesh.config.api.ExecCommand.ClearSession;
import io.ipsecmesh.config.api.ExecCommand.Debug;
import io.ipsecmesh.config.api.ExecCommand.ShowIpsecSa;
import io.ipsecmesh.config.api.ExecCommand.ShowIsakmpSa;
import io.ipsecmesh.config.api.ExecCommand.ShowRunningConfig;
import io.ipsecmesh.config.api.ExecCommand.ShowSession;
import io.ipsecmesh.config.api.ExecCommand.UndebugAll;
import io.ipsecmesh.proto.bus.MgmtMessages.Facility;
import org.junit.jupiter.api.Test;

class ExecParserTest {

  @Test
  void everySupportedCommandInFullAndAbbreviated() throws Exception {
    assertEquals(new ShowRunningConfig(), ExecParser.parse("show running-config"));
    assertEquals(new ShowRunningConfig(), ExecParser.parse("sh run"));
    assertEquals(new ShowIsakmpSa(), ExecParser.parse("show crypto isakmp sa"));
    assertEquals(new ShowIsakmpSa(), ExecParser.parse("  SH CRY ISA SA "));
    assertEquals(new ShowIpsecSa(null, false), ExecParser.parse("show crypto ipsec sa"));
    assertEquals(new ShowIpsecSa("10.2.2.2", false), ExecParser.parse("sh cry ips sa peer 10.2.2.2"));
    assertEquals(new ShowIpsecSa("10.2.2.2", true), ExecParser.parse("show crypto ipsec sa peer 10.2.2.2 detail"));
    assertEquals(new ShowIpsecSa(null, true), ExecParser.parse("show crypto ipsec sa detail"));
    assertEquals(new ShowIpsecSa("2001:db8::1", false), ExecParser.parse("show crypto ipsec sa peer 2001:db8::1"));
    assertEquals(new ShowSession(), ExecParser.parse("show crypto session"));
    assertEquals(new ClearSession(null), ExecParser.parse("clear crypto session"));
    assertEquals(new ClearSession("192.0.2.2"), ExecParser.parse("clear crypto session remote 192.0.2.2"));
    assertEquals(new Debug(Facility.ISAKMP, true), ExecParser.parse("debug crypto isakmp"));
    assertEquals(new Debug(Facility.IPSEC, true), ExecParser.parse("deb cry ipsec"));
    assertEquals(new Debug(Facility.IPSEC, false), ExecParser.parse("undebug crypto ipsec"));
    assertEquals(new Debug(Facility.ISAKMP, false), ExecParser.parse("no debug crypto isakmp"));
    assertEquals(new UndebugAll(), ExecParser.parse("undebug all"));
    assertEquals(new UndebugAll(), ExecParser.parse("u all"));
  }

  @Test
  void unknownWordIsMarkedWithACaretLikeIos() {
    ExecSyntaxException e = assertThrows(ExecSyntaxException.class, () -> ExecParser.parse("show crypto bogus sa"));
    assertEquals("show crypto bogus sa\n            ^\n% Invalid input detected at '^' marker.", e.getMessage());
    e = assertThrows(ExecSyntaxException.class, () -> ExecParser.parse("reload"));
    assertEquals("reload\n^\n% Invalid input detected at '^' marker.", e.getMessage());
  }

  @Test
  void trailingWordsAndBadAddressesAreInvalidInput() {
    ExecSyntaxException e = assertThrows(ExecSyntaxException.class, () -> ExecParser.parse("show crypto session now"));
    assertEquals("show crypto session now\n                    ^\n% Invalid input detected at '^' marker.",
        e.getMessage());
    e = assertThrows(ExecSyntaxException.class, () -> ExecParser.parse("show crypto ipsec sa peer 10.2.2.300"));
    assertEquals("show crypto ipsec sa peer 10.2.2.300\n                          ^\n"
        + "% Invalid input detected at '^' marker.", e.getMessage());
    // a host name would need DNS: IOS wants an address here too
    assertThrows(ExecSyntaxException.class, () -> ExecParser.parse("clear crypto session remote example.com"));
    // "detail peer X" is not IOS order
    assertThrows(ExecSyntaxException.class, () -> ExecParser.parse("show crypto ipsec sa detail peer 10.0.0.1"));
  }

  @Test
  void incompleteAndAmbiguous() {
    assertEquals("% Incomplete command.",
        assertThrows(ExecSyntaxException.class, () -> ExecParser.parse("show crypto")).getMessage());
    assertEquals("% Incomplete command.",
        assertThrows(ExecSyntaxException.class, () -> ExecParser.parse("   ")).getMessage());
    assertEquals("% Incomplete command.",
        assertThrows(ExecSyntaxException.class, () -> ExecParser.parse("show crypto ipsec sa peer")).getMessage());
    assertEquals("% Ambiguous command:  \"show crypto i sa\"",
        assertThrows(ExecSyntaxException.class, () -> ExecParser.parse("show crypto i sa")).getMessage());
  }

  @Test
  void oneShortCommandPerRequest() {
    assertEquals("% One command per request",
        assertThrows(ExecSyntaxException.class, () -> ExecParser.parse("show run\nclear crypto session")).getMessage());
    assertThrows(ExecSyntaxException.class, () -> ExecParser.parse("show " + "x".repeat(600)));
  }
}
