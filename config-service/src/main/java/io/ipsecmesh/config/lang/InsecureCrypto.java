package io.ipsecmesh.config.lang;

import java.util.Map;

/**
 * The algorithms of the old IOS examples that this gateway refuses, each with the modern replacement the
 * error message names (RFC 8221 for ESP/AH, RFC 8247 for IKE).
 */
final class InsecureCrypto {

  static final String ESP_REPLACEMENT = "use esp-gcm 256 or esp-aes 256 esp-sha256-hmac";

  private static final Map<String, String> TRANSFORMS = Map.ofEntries(
      Map.entry("esp-des", "esp-des is insecure (RFC 8221): " + ESP_REPLACEMENT),
      Map.entry("esp-3des", "esp-3des is insecure (RFC 8221): " + ESP_REPLACEMENT),
      Map.entry("esp-seal", "esp-seal is insecure (RFC 8221): " + ESP_REPLACEMENT),
      Map.entry("esp-null", "esp-null is insecure (no encryption): " + ESP_REPLACEMENT),
      Map.entry("esp-gmac", "esp-gmac is insecure (no encryption): use esp-gcm 256"),
      Map.entry("esp-md5-hmac", "esp-md5-hmac is insecure (RFC 8221): use esp-sha256-hmac"),
      Map.entry("ah-md5-hmac", "ah-md5-hmac is insecure (RFC 8221: MD5, and AH is not supported): " + ESP_REPLACEMENT),
      Map.entry("ah-sha-hmac", "ah-sha-hmac is refused (RFC 8221: AH is not supported): " + ESP_REPLACEMENT),
      Map.entry("ah-sha256-hmac", "ah-sha256-hmac is refused (RFC 8221: AH is not supported): " + ESP_REPLACEMENT),
      Map.entry("ah-sha384-hmac", "ah-sha384-hmac is refused (RFC 8221: AH is not supported): " + ESP_REPLACEMENT),
      Map.entry("ah-sha512-hmac", "ah-sha512-hmac is refused (RFC 8221: AH is not supported): " + ESP_REPLACEMENT));

  private InsecureCrypto() {}

  /** DES, 3DES and MD5: allowed again by crypto engine compliance shield disable (AH, NULL, SEAL, GMAC never). */
  static boolean shieldable(String keyword) {
    return keyword.equals("esp-des") || keyword.equals("esp-3des") || keyword.equals("esp-md5-hmac");
  }

  /** The error for a refused transform keyword, or null if the keyword is not one of them. */
  static String transform(String keyword) {
    return TRANSFORMS.get(keyword);
  }

  static String ikeEncryption(String keyword) {
    return "encryption " + keyword + " is insecure (RFC 8247): use encryption aes 256";
  }

  static String ikeHash(String keyword) {
    return "hash " + keyword + " is insecure (RFC 8247): use hash sha256";
  }

  static String dhGroup(String command, int group) {
    return command + " " + group + " is insecure (RFC 8247): use group 14, 19 or 20";
  }

  static boolean weakGroup(int group) {
    return group == 1 || group == 2 || group == 5;
  }
}
