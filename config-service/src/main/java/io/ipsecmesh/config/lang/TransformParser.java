package io.ipsecmesh.config.lang;

import io.ipsecmesh.proto.sa.EspTransform;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The transforms of {@code crypto ipsec transform-set NAME T1 [T2 [T3]]}: each must be a suite the data
 * plane runs ({@link EspTransform}); the DES/3DES/MD5/AH transforms of the old examples are refused
 * with their replacement.
 */
final class TransformParser {

  private static final String SUGGESTION = "esp-gcm 256, esp-aes 256 esp-sha256-hmac or esp-chacha20-poly1305";

  private TransformParser() {}

  /**
   * Reads the rest of the line. Returns the suite, or throws {@link LineError} naming every refused
   * transform of the line, or else the first problem.
   */
  static EspTransform parse(Args a) {
    List<String> refused = new ArrayList<>();
    String encryption = null;
    String integrity = null;
    int count = 0;
    if (!a.hasMore()) {
      throw a.fail("missing transforms (" + SUGGESTION + ")");
    }
    while (a.hasMore()) {
      String t = a.next("transform").toLowerCase(Locale.ROOT);
      count++;
      String insecure = InsecureCrypto.transform(t);
      if (insecure != null && !InsecureCrypto.shieldable(t)) {
        refused.add(insecure);
        continue;
      }
      if (insecure != null) {
        // DES, 3DES, MD5: run only after crypto engine compliance shield disable (LegacyCrypto)
        a.legacy.use(a.lineNumber, insecure, t);
      }
      switch (t) {
        case "esp-gcm", "esp-aes" -> {
          int bits = 128;
          if (a.peek() != null && !a.peek().isEmpty() && a.peek().chars().allMatch(Character::isDigit)) {
            String size = a.next("key size");
            if (!size.equals("128") && !size.equals("256")) {
              throw a.fail(t + " " + Args.quote(size) + " is not supported: use " + t + " 256");
            }
            bits = Integer.parseInt(size);
          }
          encryption = pick(a, encryption, t + " " + bits, "encryption");
        }
        case "esp-chacha20-poly1305" -> encryption = pick(a, encryption, t, "encryption");
        case "esp-3des", "esp-des" -> encryption = pick(a, encryption, t, "encryption");
        case "esp-sha-hmac", "esp-md5-hmac", "esp-sha256-hmac", "esp-sha384-hmac", "esp-sha512-hmac" ->
            integrity = pick(a, integrity, t, "integrity");
        case "comp-lzs" -> throw a.fail("comp-lzs is not supported (no IP compression): remove it");
        default -> throw a.fail("unknown transform '" + Args.quote(t) + "': use " + SUGGESTION);
      }
    }
    if (!refused.isEmpty()) {
      throw new LineError(refused);
    }
    if (count > 3) {
      throw a.fail("at most 3 transforms, got " + count);
    }
    if (encryption == null) {
      throw a.fail("needs an encryption transform: " + SUGGESTION);
    }
    boolean aead = !encryption.startsWith("esp-aes") && !encryption.startsWith("esp-3des")
        && !encryption.startsWith("esp-des");
    if (aead && integrity != null) {
      throw a.fail(encryption + " already provides integrity: remove " + integrity);
    }
    if (!aead && integrity == null) {
      throw new LineError(
          encryption + " without an integrity transform is insecure (RFC 8221): add esp-sha256-hmac or use esp-gcm 256");
    }
    String suite = integrity == null ? encryption : encryption + " " + integrity;
    for (EspTransform e : EspTransform.values()) {
      if (e.iosName.equals(suite)) {
        return e;
      }
    }
    throw a.fail(suite + " is not supported: use esp-aes 256 " + integrity);
  }

  private static String pick(Args a, String previous, String chosen, String kind) {
    if (previous != null) {
      throw a.fail("only one " + kind + " transform allowed, got " + previous + " and " + chosen);
    }
    return chosen;
  }
}
