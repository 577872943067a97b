package io.ipsecmesh.config.show;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.config.api.ExecCommand;
import io.ipsecmesh.config.api.ExecParser;
import io.ipsecmesh.config.lang.ConfigParser;
import io.ipsecmesh.proto.config.GatewayConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code show crypto map} and {@code show crypto dynamic-map}: host-name peers shown by name as configured
 * ({@code set peer HOST [dynamic]}), an entry standing for a dynamic map shown with its template tag.
 */
class ShowCryptoMapTest {

  private static final GatewayConfig CONFIG = ConfigParser.parse("gw.cfg", """
      crypto ikev2 keyring KR
       peer any
        address 0.0.0.0 0.0.0.0
        pre-shared-key k
      crypto ikev2 profile PROF
       match identity remote address 0.0.0.0 0.0.0.0
       keyring local KR
      crypto ipsec transform-set TS esp-gcm 256
      access-list 101 permit ip 10.1.1.0 0.0.0.255 10.2.2.0 0.0.0.255
      crypto dynamic-map DYN 10
       set transform-set TS
       set ikev2-profile PROF
      crypto map VPN 10 ipsec-isakmp
       set peer hub.example.net dynamic
       set peer 192.0.2.7
       set transform-set TS
       set ikev2-profile PROF
       set pfs group19
       match address 101
      crypto map VPN 65535 ipsec-isakmp dynamic DYN
      interface GigabitEthernet0/0
       ip address 192.0.2.1 255.255.255.0
       crypto map VPN
      """).config();

  @Test
  void hostNamePeersAreShownByNameAndTheDynamicEntryByItsTemplate() {
    String out = ShowCryptoMap.render(CONFIG, List.of(), null, false);
    assertTrue(out.startsWith("Crypto Map \"VPN\" 10 ipsec-isakmp\n\tPeer = hub.example.net (dynamic)\n"
        + "\tPeer = 192.0.2.7\n\tExtended IP access list 101\n"
        + "\t    access-list 101 permit ip 10.1.1.0 0.0.0.255 10.2.2.0 0.0.0.255\n"), out);
    assertTrue(out.contains("\tPFS (Y/N): Y\n\tDH group:  group19\n"), out);
    assertTrue(out.contains("\t\tTS:  { esp-gcm 256  } , \n"), out);
    assertTrue(out.contains("Crypto Map \"VPN\" 65535 ipsec-isakmp\n\tDynamic map template tag: DYN\n"), out);
    assertTrue(out.contains("\tInterfaces using crypto map VPN:\n\t\tGigabitEthernet0/0\n"), out);
  }

  @Test
  void theDynamicMapItselfAndATag() {
    String out = ShowCryptoMap.render(CONFIG, List.of(), "DYN", true);
    assertTrue(out.startsWith("Crypto Map Template\"DYN\" 10\n"), out);
    assertFalse(ShowCryptoMap.render(CONFIG, List.of(), "OTHER", false).contains("Crypto Map"));
  }

  @Test
  void theExecParserTakesBothCommandsAndTheirAbbreviations() throws Exception {
    assertEquals(new ExecCommand.ShowCryptoMap(null, false), ExecParser.parse("show crypto map"));
    assertEquals(new ExecCommand.ShowCryptoMap("VPN", false), ExecParser.parse("sh cry map tag VPN"));
    assertEquals(new ExecCommand.ShowCryptoMap(null, true), ExecParser.parse("show crypto dynamic-map"));
    assertEquals(new ExecCommand.ShowCryptoMap("DYN", true), ExecParser.parse("show crypto dyn tag DYN"));
  }
}
