package io.ipsecmesh.config.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.config.CryptoMapEntry;
import io.ipsecmesh.proto.config.GatewayConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code set peer {host-name [dynamic] | ip-address}} (Cisco guide, "Creating Static Crypto Maps", step 4) and the
 * keys found by host name ({@code crypto isakmp key … hostname}, keyring {@code peer … hostname}): parsed, kept
 * through show running-config as IOS prints them, and an address given {@code dynamic} refused with the fix.
 */
class HostNamePeersTest {

  private static final String TEXT = """
      crypto isakmp key 0 branch-key hostname branch.example.net
      crypto ikev2 keyring KR
       peer HUB
        hostname hub.example.net
        pre-shared-key hub-key
      crypto ikev2 profile PROF
       match identity remote address 0.0.0.0 0.0.0.0
       authentication local pre-share
       authentication remote pre-share
       keyring local KR
      crypto ipsec transform-set TS esp-gcm 256
      access-list 101 permit ip 10.1.1.0 0.0.0.255 10.2.2.0 0.0.0.255
      crypto map VPN 10 ipsec-isakmp
       set peer hub.example.net dynamic
       set peer backup.example.net
       set peer 192.0.2.7
       set transform-set TS
       set ikev2-profile PROF
       match address 101
      interface GigabitEthernet0/0
       ip address 192.0.2.1 255.255.255.0
       crypto map VPN
      """;

  @Test
  void hostNamePeersKeepTheirOrderAndTheirDynamicFlag() {
    ParseResult r = ConfigParser.parse("hosts.cfg", TEXT);
    assertEquals(List.of(), r.errors());
    CryptoMapEntry e = r.config().cryptoMaps().getFirst();
    assertEquals(List.of("hub.example.net", "backup.example.net", "192.0.2.7"), e.peers());
    assertEquals(List.of("hub.example.net"), e.dynamicPeers());
    assertTrue(e.dynamicPeer("hub.example.net"));
    assertTrue(!e.dynamicPeer("backup.example.net"));
    assertEquals("hub.example.net", r.config().ikev2Keyrings().getFirst().peers().getFirst().hostname());
    assertEquals("branch.example.net", r.config().isakmpKeys().getFirst().hostname());
  }

  @Test
  void showRunningConfigPrintsTheHostNamesAsWritten() {
    GatewayConfig c = ConfigParser.parse("hosts.cfg", TEXT).config();
    String shown = c.render();
    assertTrue(shown.contains(" set peer hub.example.net dynamic\n set peer backup.example.net\n set peer 192.0.2.7\n"),
        shown);
    assertEquals(c, ConfigParser.parse("running-config", shown).config(), "round trip");
  }

  @Test
  void dynamicAfterAnAddressIsALineErrorWithTheFix() {
    ParseResult r = ConfigParser.parse("bad.cfg", TEXT.replace("set peer 192.0.2.7", "set peer 192.0.2.7 dynamic"));
    assertEquals(1, r.errors().size(), r.errors().toString());
    String m = r.errors().getFirst().toString();
    assertTrue(m.startsWith("bad.cfg:16:"), m);
    assertTrue(m.contains("dynamic applies to a host name only: write set peer 192.0.2.7"), m);
  }
}
