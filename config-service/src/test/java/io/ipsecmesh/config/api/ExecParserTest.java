package io.ipsecmesh.config.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ipsecmesh.config.api.ExecCommand.ClearSession;
import io.ipsecmesh.config.api.ExecCommand.Debug;
import io.ipsecmesh.config.api.ExecCommand.ShowIkev2Sa;
import io.ipsecmesh.config.api.ExecCommand.ShowLogging;
import io.ipsecmesh.config.api.ExecCommand.ShowIpsecSa;
import io.ipsecmesh.config.api.ExecCommand.ShowIsakmpSa;
import io.ipsecmesh.config.api.ExecCommand.ShowRunningConfig;
import io.ipsecmesh.config.api.ExecCommand.ShowSession;
import io.ipsecmesh.config.api.ExecCommand.UndebugAll;
import io.ipsecmesh.config.show.IpsecSaQuery;
import io.ipsecmesh.config.show.IpsecSaQuery.Kind;
import io.ipsecmesh.proto.bus.MgmtMessages.Facility;
import org.junit.jupiter.api.Test;

class ExecParserTest {

  @Test
  void everySupportedCommandInFullAndAbbreviated() throws Exception {
    assertEquals(new ShowRunningConfig(), ExecParser.parse("show running-config"));
    assertEquals(new ShowRunningConfig(), ExecParser.parse("sh run"));
    assertEquals(new ShowIsakmpSa(), ExecParser.parse("show crypto isakmp sa"));
    assertEquals(new ShowIsakmpSa(), ExecParser.parse("  SH CRY ISA SA "));
    assertEquals(new ShowIsakmpSa(true), ExecParser.parse("show crypto isakmp sa detail"));
    assertEquals(new ShowIsakmpSa(true), ExecParser.parse("sh cry isa sa det"));
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

  @Test
  void showCryptoIpsecSaFiltersAsIosTakesThem() throws Exception {
    assertEquals(new ShowIpsecSa(new IpsecSaQuery(Kind.MAP, "testtag1", false)),
        ExecParser.parse("show crypto ipsec sa map testtag1"));
    assertEquals(new ShowIpsecSa(new IpsecSaQuery(Kind.ADDRESS, null, true)),
        ExecParser.parse("sh cry ips sa add det"));
    assertEquals(new ShowIpsecSa(new IpsecSaQuery(Kind.IDENTITY, null, false)),
        ExecParser.parse("show crypto ipsec sa identity"));
    // the seed's own command line, and the type and number apart
    assertEquals(new ShowIpsecSa(new IpsecSaQuery(Kind.INTERFACE, "fastethernet0/0", false)),
        ExecParser.parse("show crypto ipsec sa interface fastethernet0/0"));
    assertEquals(new ShowIpsecSa(new IpsecSaQuery(Kind.INTERFACE, "FastEthernet0/0", true)),
        ExecParser.parse("show crypto ipsec sa interface FastEthernet 0/0 detail"));
    assertEquals("% Ambiguous command:  \"show crypto ipsec sa i x\"",
        assertThrows(ExecSyntaxException.class, () -> ExecParser.parse("show crypto ipsec sa i x")).getMessage());
    assertEquals("% Incomplete command.",
        assertThrows(ExecSyntaxException.class, () -> ExecParser.parse("show crypto ipsec sa map")).getMessage());
    assertThrows(ExecSyntaxException.class, () -> ExecParser.parse("show crypto ipsec sa map a peer 10.0.0.1"));
  }

  @Test
  void ikev2SaLoggingAndIkev2Debug() throws Exception {
    assertEquals(new ShowIkev2Sa(false), ExecParser.parse("show crypto ikev2 sa"));
    assertEquals(new ShowIkev2Sa(true), ExecParser.parse("sh cry ikev2 sa detailed"));
    assertEquals(new ShowLogging(), ExecParser.parse("show logging"));
    assertEquals(new ShowLogging(), ExecParser.parse("sh log"));
    assertEquals(new Debug(Facility.IKEV2, true), ExecParser.parse("debug crypto ikev2"));
    assertEquals(new Debug(Facility.IKEV2, false), ExecParser.parse("undebug crypto ikev2"));
  }

  @Test
  void clearCryptoSessionWithTheSeedsOptions() throws Exception {
    assertEquals(new ClearSession("10.1.32.14", 500, "10.2.80.209", 4500),
        ExecParser.parse("clear crypto session local 10.1.32.14 port 500 remote 10.2.80.209 port 4500"));
    assertEquals(new ClearSession("10.1.32.14", 0, null, 0), ExecParser.parse("clear crypto session local 10.1.32.14"));
    assertEquals(new ClearSession("10.1.32.14", 0, "10.2.80.209", 0),
        ExecParser.parse("clear cry sess loc 10.1.32.14 rem 10.2.80.209"));
    assertEquals(new ClearSession(null, 0, "10.2.80.209", 500),
        ExecParser.parse("clear crypto session remote 10.2.80.209 port 500"));
    // only the global routing table exists: any VRF name is one that is not configured
    assertEquals("% VRF blue not configured: only the global routing table exists on this gateway (fvrf takes no"
        + " name for it)", assertThrows(ExecSyntaxException.class,
            () -> ExecParser.parse("clear crypto session remote 10.2.80.209 fvrf blue")).getMessage());
    assertThrows(ExecSyntaxException.class, () -> ExecParser.parse("clear crypto session ivrf red"));
    // IOS order: remote before local is not accepted, nor a port out of range
    assertThrows(ExecSyntaxException.class,
        () -> ExecParser.parse("clear crypto session remote 10.2.80.209 local 10.1.32.14"));
    assertThrows(ExecSyntaxException.class, () -> ExecParser.parse("clear crypto session local 10.1.32.14 port 0"));
    assertThrows(ExecSyntaxException.class,
        () -> ExecParser.parse("clear crypto session local 10.1.32.14 port 65536"));
    assertEquals("% Incomplete command.", assertThrows(ExecSyntaxException.class,
        () -> ExecParser.parse("clear crypto session remote 10.2.80.209 port")).getMessage());
  }
}
