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
    assertEquals(List.of(), r.warnings(), "a keyring peer's hostname is used by set peer HOST (HostNamePeersTest)");
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

  private static String resource(String name) throws Exception {
    try (var in = IdentityCommandsTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  @Test
  void trustpointCertificateChainAndIsakmpIdentitiesReachTheModelAndRoundTrip() throws Exception {
    ParseResult r = ConfigParser.parse("gw1.cfg", resource("pki-and-isakmp.cfg"));
    assertEquals(List.of(), r.errors());
    assertEquals(List.of(), r.warnings());
    GatewayConfig c = r.config();
    io.ipsecmesh.proto.config.PkiTrustpoint tp = c.pkiTrustpoint("BRANCH-CA");
    assertEquals(io.ipsecmesh.proto.config.PkiTrustpoint.Revocation.CRL, tp.revocationCheck());
    assertEquals("http://10.91.9.1/branch.crl", tp.crlQuery());
    assertEquals(1, tp.caCertificates().size());
    assertTrue(tp.caCertificates().get(0).startsWith("3082019d30820143"), tp.caCertificates().get(0));
    assertEquals(List.of("BRANCH-CA"), c.ikev2Profile("CERTS").pkiTrustpoints());
    assertEquals("hostname", c.isakmpIdentity());
    assertEquals("gw1.example.net", c.fullHostname());
    assertEquals("branch1.example.net", c.isakmpKeys().get(0).hostname());
    assertNull(c.isakmpKeys().get(0).address());
    io.ipsecmesh.proto.config.IsakmpProfile ip = c.isakmpProfile("BRANCHES");
    assertEquals(List.of(new IdentityMatch(IkeIdentity.Type.FQDN, "branches.example.net", true),
        new IdentityMatch(IkeIdentity.Type.EMAIL, "admin@example.net", false),
        new IdentityMatch(IkeIdentity.Type.ADDRESS, "198.51.100.0 255.255.255.0", false)), ip.matchIdentities());
    assertEquals(new IkeIdentity(IkeIdentity.Type.FQDN, "gw1.example.net"), ip.selfIdentity());
    assertEquals("BRANCHES", c.cryptoMapEntry("VPN", 10).isakmpProfile());

    String shown = c.render();
    assertTrue(shown.contains("crypto pki certificate chain BRANCH-CA\n certificate ca "
        + "5F668CD082E5238D1AF73432A709AE9BB4E2D10A\n  3082019D 30820143 "), shown);
    assertTrue(shown.contains("  \tquit\n"), shown);
    ParseResult again = ConfigParser.parse("running-config", shown);
    assertEquals(List.of(), again.errors(), shown);
    assertEquals(c, again.config());
  }

  @Test
  void aCertificateChainMustBeACaCertificateEndedByQuit() throws Exception {
    String text = resource("pki-and-isakmp.cfg");
    ParseResult noQuit = ConfigParser.parse("gw1.cfg", text.replace("  \tquit\n", ""));
    assertEquals(List.of(new ConfigError("gw1.cfg", 8,
        "certificate 5F668CD082E5238D1AF73432A709AE9BB4E2D10A has no quit: end the hex lines with quit")),
        noQuit.errors());
    ParseResult damaged = ConfigParser.parse("gw1.cfg", text.replace("3082019d 30820143", "3082019d 30820144"));
    assertEquals(1, damaged.errors().size(), damaged.errors().toString());
    assertEquals(23, damaged.errors().get(0).line(), "the quit line");
    assertTrue(damaged.errors().get(0).message().startsWith("quit: certificate ca 5F668CD082E5238D1AF73432A709AE9BB4E2D10A:"
        + " the hex lines are not one DER X.509 certificate"), damaged.errors().get(0).message());
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
        Arguments.of("crypto pki trustpoint t\n revocation-check ocsp", 2,
            "revocation-check: method must be crl|none, got 'ocsp'"),
        Arguments.of("crypto pki trustpoint t\n crl query ldap://x/y", 2,
            "crl query: url must be http://HOST[:PORT]/PATH or file:/PATH, got 'ldap://x/y'"),
        Arguments.of("crypto isakmp identity dn", 1, "crypto isakmp identity must be address|hostname, got 'dn'"),
        Arguments.of("crypto isakmp profile p\n match identity host bad_host", 2,
            "match identity host: fqdn must be a DNS name such as vpn.example.com (letters, digits, '-', '.'), got "
                + "'bad_host'"),
        Arguments.of("crypto isakmp key k hostname", 1, "crypto isakmp key: missing hostname"),
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
