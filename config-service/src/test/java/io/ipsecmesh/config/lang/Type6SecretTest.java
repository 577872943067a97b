package io.ipsecmesh.config.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.config.GatewayConfig;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code show running-config} as it leaves config-service: every secret as type 6, sealed under the
 * cluster KEK; the text applies again (same KEK) to the same model, and an altered or moved type 6
 * key is a line error.
 */
class Type6SecretTest {

  private static final String MANUAL = """
      crypto ipsec transform-set T esp-aes 128 esp-sha256-hmac
      crypto map man 10 ipsec-manual
       set peer 192.0.2.2
       set transform-set T
       match address 101
       set session-key inbound esp 300 cipher 00112233445566778899aabbccddeeff authenticator 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
       set session-key outbound esp 301 cipher ffeeddccbbaa99887766554433221100 authenticator fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210
      interface GigabitEthernet0/0
       ip address 192.0.2.1 255.255.255.0
       crypto map man
      access-list 101 permit ip 10.1.0.0 0.0.255.255 10.2.0.0 0.0.255.255
      """;

  @Test
  void theSealedRunningConfigHoldsNoSecretInClearAndParsesBackToTheSameModel() {
    for (String text : List.of(ModernGateway.TEXT, MANUAL)) {
      GatewayConfig c = parse(text);
      String sealed = c.renderSealed();
      for (String secret : List.of("s3cret", "branchkey", "00112233445566778899aabbccddeeff",
          "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210")) {
        assertFalse(sealed.contains(secret), sealed);
      }
      assertEquals(c, parse(sealed), sealed);
      assertEquals(c.render(), parse(sealed).render());
    }
    assertTrue(parse(ModernGateway.TEXT).renderSealed().matches("(?s).*\ncrypto isakmp key 6 [A-Za-z0-9_-]{20,} address .*"));
  }

  @Test
  void anAlteredTypeSixKeyIsALineErrorAndSoIsOneMovedToAnotherKindOfSecret() {
    String sealed = parse(ModernGateway.TEXT).renderSealed();
    Matcher m = Pattern.compile("crypto isakmp key 6 (\\S+) address").matcher(sealed);
    assertTrue(m.find());
    String blob = m.group(1);
    String altered = blob.substring(0, 20) + (blob.charAt(20) == 'A' ? 'B' : 'A') + blob.substring(21);
    ParseResult r = ConfigParser.parse("t.cfg", "crypto isakmp key 6 " + altered + " address 10.0.0.1\n");
    assertEquals(List.of(new ConfigError("t.cfg", 1, "crypto isakmp key: type 6 key does not open under this cluster's "
        + "KEK (altered, or written by another cluster): give the key in clear (type 0)")), r.errors());
    // the same blob as an Easy VPN group key: bound to the kind of secret, it does not open there
    ParseResult moved = ConfigParser.parse("t.cfg", "crypto ipsec client ezvpn E\n group G key 6 " + blob + "\n");
    assertEquals(1, moved.errors().size(), moved.errors().toString());
    assertTrue(moved.errors().getFirst().toString().contains("type 6 group key does not open"), moved.errors().toString());
  }

  private static GatewayConfig parse(String text) {
    ParseResult r = ConfigParser.parse("t.cfg", text);
    assertEquals(List.of(), r.errors(), text);
    return r.config();
  }
}
