package io.ipsecmesh.config.lang;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.bus.ConfigMessages;
import io.ipsecmesh.proto.config.GatewayConfig;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Pre-shared keys, the Easy VPN group key and manual session keys never appear in what gets printed: the
 * configuration records' {@code toString} (a configuration ends up in exceptions, assertion messages, bus debug
 * output) and the parser's errors, which are logged and returned by the management API.
 */
class KeysNeverPrintedTest {

  /** Every secret of {@link ModernGateway#TEXT}. */
  private static final List<String> SECRETS = List.of("s3cret", "branchkey", "out-key", "in-key", "s4les",
      "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
      "fedcba9876543210fedcba9876543210", "a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5");

  private static void assertNoSecret(String where, String text) {
    for (String s : SECRETS) {
      assertFalse(text.toLowerCase(Locale.ROOT).contains(s), where + " shows the key " + s + ": " + text);
    }
  }

  @Test
  void theParsedConfigurationAndItsBusMessagePrintNoKey() {
    ParseResult r = ConfigParser.parse("gw1.cfg", ModernGateway.TEXT);
    GatewayConfig c = r.config();
    assertNotNull(c, r.errors().toString());
    assertTrue(c.isakmpKeys().stream().anyMatch(k -> k.key().equals("s3cret")), "the keys are in the model");
    assertNoSecret("GatewayConfig.toString", c.toString());
    assertNoSecret("ConfigChanged.toString", new ConfigMessages.ConfigChanged(7, c).toString());
    assertNoSecret("warnings", r.warnings().toString());
  }

  @Test
  void aMalformedSessionKeyIsNotQuotedBackInTheError() {
    String text = ModernGateway.TEXT.replace("cipher fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210",
        "cipher fedcba9876543210fedcba9876543210fedcba9876543210fedcba987654321");
    ParseResult r = ConfigParser.parse("gw1.cfg", text);
    assertFalse(r.errors().isEmpty());
    assertNoSecret("errors", r.errors().toString());
  }
}
