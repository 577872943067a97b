package io.ipsecmesh.config.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.IdentityMatch;
import io.ipsecmesh.proto.config.IkeIdentity;
import io.ipsecmesh.proto.config.Ikev2KeyringPeer;
import io.ipsecmesh.proto.config.Ikev2Profile;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The identity commands of IOS XE's IKEv2 profile and keyring sub-modes: {@code match identity remote
 * address|fqdn|email|key-id} (with {@code domain}), {@code identity local address|fqdn|email|key-id|dn},
 * {@code authentication remote pre-share|rsa-sig|ecdsa-sig}, a keyring peer's {@code identity} and
 * {@code hostname}; what they make of the model, that the running-config text parses back to it, and the
 * errors for names an ID payload could never carry.
 */
class IdentityCommandsTest {

  static final String TEXT = """
      crypto ikev2 keyring KR
       peer branches
        identity fqdn domain branches.example.net
        pre-shared-key branch-key
       !
       peer hq
        hostname hq.example.net
        address 198.51.100.7
        pre-shared-key local out-key
        pre-shared-key remote in-key
       !
       peer admin
        identity email admin@example.net
        pre-shared-key admin-key
       !
      !
      crypto ikev2 profile BRANCHES
       match identity remote fqdn domain branches.example.net
       match identity remote email domain example.net
       match identity remote fqdn hq.example.net
       match identity remote key-id site-17
       match identity remote address 198.51.100.7 255.255.255.255
       identity local fqdn gw1.example.net
       authentication remote pre-share
       authentication local pre-share
       keyring local KR
      !
      crypto ikev2 profile CERTS
       match identity remote email vpn@example.net
       identity local dn
       authentication remote ecdsa-sig
       authentication local rsa-sig
      !
      """;

  @Test
  void profileAndKeyringIdentitiesReachTheModel() {
    ParseResult r = ConfigParser.parse("gw1.cfg", TEXT);
    assertEquals(List.of(), r.errors());
    GatewayConfig c = r.config();
    Ikev2Profile p = c.ikev2Profile("BRANCHES");
    assertEquals(List.of("198.51.100.7 255.255.255.255"), p.matchRemoteAddresses());
    assertEquals(List.of(
        new IdentityMatch(IkeIdentity.Type.FQDN, "branches.example.net", true),
        new IdentityMatch(IkeIdentity.Type.EMAIL, "example.net", true),
        new IdentityMatch(IkeIdentity.Type.FQDN, "hq.example.net", false),
        new IdentityMatch(IkeIdentity.Type.KEY_ID, "site-17", false)), p.matchIdentities());
    assertEquals(new IkeIdentity(IkeIdentity.Type.FQDN, "gw1.example.net"), p.identityLocal());
    assertNull(p.identityLocalAddress());
    Ikev2Profile certs = c.ikev2Profile("CERTS");
    assertEquals(new IkeIdentity(IkeIdentity.Type.DN, ""), certs.identityLocal());
    assertEquals("ecdsa-sig", certs.authenticationRemote());
    assertEquals("rsa-sig", certs.authenticationLocal());
    List<Ikev2KeyringPeer> peers = c.ikev2Keyring("KR").peers();
    assertEquals(new IdentityMatch(IkeIdentity.Type.FQDN, "branches.example.net", true), peers.get(0).identity());
    assertNull(peers.get(0).address());
    assertEquals("hq.example.net", peers.get(1).hostname());
    assertEquals(new IdentityMatch(IkeIdentity.Type.EMAIL, "admin@example.net", false), peers.get(2).identity());
  }

  @Test
  void theRunningConfigParsesBackToTheSameModel() {
    GatewayConfig c = ConfigParser.parse("gw1.cfg", TEXT).config();
    String shown = c.render();
    assertTrue(shown.contains(" match identity remote fqdn domain branches.example.net\n"), shown);
    assertTrue(shown.contains(" match identity remote key-id site-17\n"), shown);
    assertTrue(shown.contains(" identity local fqdn gw1.example.net\n"), shown);
    assertTrue(shown.contains(" identity local dn\n"), shown);
    assertTrue(shown.contains("  identity email admin@example.net\n"), shown);
    assertTrue(shown.contains("  hostname hq.example.net\n"), shown);
    ParseResult again = ConfigParser.parse("running-config", shown);
    assertEquals(List.of(), again.errors());
    assertEquals(c, again.config());
  }

  @Test
  void theLastIdentityLocalWins() {
    GatewayConfig c = ConfigParser.parse("gw1.cfg", """
        crypto ikev2 profile P
         identity local fqdn gw1.example.net
         identity local address 192.0.2.1
        """).config();
    assertNull(c.ikev2Profile("P").identityLocal());
    assertEquals("192.0.2.1", c.ikev2Profile("P").identityLocalAddress());
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of("crypto ikev2 profile p\n match identity remote fqdn bad_name.example", 2,
            "match identity remote fqdn must be a DNS name such as vpn.example.com (letters, digits, '-', '.'),"
                + " got 'bad_name.example'"),
        Arguments.of("crypto ikev2 profile p\n match identity remote fqdn *.example.net", 2,
            "match identity remote fqdn must be a DNS name such as vpn.example.com (letters, digits, '-', '.'),"
                + " got '*.example.net'"),
        Arguments.of("crypto ikev2 profile p\n match identity remote email nobody", 2,
            "match identity remote email must be user@domain, got 'nobody'"),
        Arguments.of("crypto ikev2 profile p\n match identity remote dn", 2,
            "match identity remote: identity type must be address|fqdn|email|key-id, got 'dn'"),
        Arguments.of("crypto ikev2 profile p\n match identity remote fqdn", 2,
            "match identity remote fqdn: missing fqdn"),
        Arguments.of("crypto ikev2 profile p\n identity local fqdn a.example b", 2,
            "identity local fqdn: unexpected 'b'"),
        Arguments.of("crypto ikev2 profile p\n authentication remote eap", 2,
            "authentication remote: method must be pre-share|rsa-sig|ecdsa-sig, got 'eap'"),
        Arguments.of("crypto ikev2 keyring k\n peer x\n  identity fqdn", 3, "identity fqdn: missing fqdn"),
        Arguments.of("crypto ikev2 keyring k\n peer x\n  hostname -", 3,
            "hostname must be a DNS name such as vpn.example.com (letters, digits, '-', '.'), got '-'"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("malformed")
  void malformedIdentitiesAreRefusedWithTheirLine(String config, int line, String message) {
    ParseResult r = ConfigParser.parse("router.cfg", config);
    assertEquals(List.of(new ConfigError("router.cfg", line, message)), r.errors());
  }
}
