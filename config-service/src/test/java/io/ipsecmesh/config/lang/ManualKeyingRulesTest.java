package io.ipsecmesh.config.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code crypto map … ipsec-manual}: counter-mode AEADs are refused (RFC 4106 §2, RFC 8221 §3: not with manual
 * keys, a restart would repeat nonces), with FILE:LINE at the entry's {@code set transform-set} and the CBC+HMAC
 * replacement named; a malformed {@code set session-key} is refused without echoing the key material.
 */
class ManualKeyingRulesTest {

  private static final String AES256 = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
  private static final String SHA256 = "a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5";
  /** An AES-256 key + 4-byte salt (what a manual esp-gcm 256 entry would carry). */
  private static final String GCM256 = AES256 + "01020304";

  private static String manual(String transform, String inKey, String outKey) {
    return "crypto ipsec transform-set T " + transform + "\n"
        + "access-list 101 permit ip 10.0.1.0 0.0.0.255 10.0.2.0 0.0.0.255\n"
        + "crypto map VPN 10 ipsec-manual\n"
        + " set peer 192.0.2.2\n"
        + " set transform-set T\n"
        + " set session-key inbound esp 4096 " + inKey + "\n"
        + " set session-key outbound esp 4097 " + outKey + "\n"
        + " match address 101\n";
  }

  @ParameterizedTest
  @ValueSource(strings = {"esp-gcm 128", "esp-gcm 256", "esp-chacha20-poly1305"})
  void aeadOnAnIpsecManualEntryIsRefusedAtItsTransformSetLineNamingTheCbcReplacement(String aead) {
    String key = aead.equals("esp-gcm 128") ? AES256.substring(0, 32) + "01020304" : GCM256;
    ParseResult r = ConfigParser.parse("branch.cfg", manual(aead, "cipher " + key, "cipher " + key));
    assertNull(r.config());
    assertEquals(List.of(new ConfigError("branch.cfg", 5, "set transform-set: transform set T (" + aead + ") is a"
        + " counter-mode AEAD, which must not be used with manual keys (RFC 4106 §2, RFC 8221 §3: a restart would"
        + " repeat nonces under the same key) on crypto map VPN 10 ipsec-manual: use esp-aes 256 esp-sha256-hmac")),
        r.errors());
    assertFalse(r.errors().get(0).toString().contains(key.substring(0, 16)), "no key material in the error");
  }

  @Test
  void theCbcHmacReplacementIsAccepted() {
    ParseResult r = ConfigParser.parse("branch.cfg", manual("esp-aes 256 esp-sha256-hmac",
        "cipher " + AES256 + " authenticator " + SHA256, "cipher " + AES256 + " authenticator " + SHA256));
    assertEquals(List.of(), r.errors());
    assertNotNull(r.config());
  }

  @Test
  void theSameAeadTransformSetStaysAllowedOnAnIpsecIsakmpEntry() {
    ParseResult r = ConfigParser.parse("hub.cfg", "crypto ipsec transform-set T esp-gcm 256\n"
        + "access-list 101 permit ip 10.0.1.0 0.0.0.255 10.0.2.0 0.0.0.255\n"
        + "crypto isakmp key k3y address 192.0.2.2\n"
        + "crypto map VPN 10 ipsec-isakmp\n set peer 192.0.2.2\n set transform-set T\n match address 101\n");
    assertEquals(List.of(), r.errors());
  }

  /** Each malformed key line keeps its key (or a piece of it) out of every error text. */
  @ParameterizedTest
  @ValueSource(strings = {
      "cipher " + AES256 + "zz authenticator " + SHA256,           // a non-hex character at the end
      "cipher 0" + AES256 + " authenticator " + SHA256,            // an odd number of digits
      "cipher " + AES256 + " authenticator " + SHA256 + "g",       // a bad authenticator
      "cipher " + AES256 + " authenticator " + SHA256 + " " + AES256, // a key split by a blank: trailing text
      "cipher " + AES256 + " authentcator " + SHA256})              // a misspelt keyword before a key
  void aMalformedSessionKeyNeverEchoesKeyMaterial(String keys) {
    ParseResult r = ConfigParser.parse("branch.cfg", manual("esp-aes 256 esp-sha256-hmac", keys,
        "cipher " + AES256 + " authenticator " + SHA256));
    assertNull(r.config());
    assertFalse(r.errors().isEmpty());
    for (ConfigError e : r.errors()) {
      String text = e.toString();
      assertEquals(6, e.line(), text);
      for (String secret : List.of(AES256, SHA256)) {
        for (int i = 0; i + 8 <= secret.length(); i += 8) {
          assertFalse(text.contains(secret.substring(i, i + 8)), "key material in: " + text);
        }
      }
      assertTrue(text.contains("set session-key inbound esp"), text);
    }
  }
}
