package io.ipsecmesh.proto.config;

/**
 * {@code crypto isakmp policy PRIORITY} with its {@code encryption}, {@code hash}, {@code authentication},
 * {@code group} and {@code lifetime}. Where IOS would default to DES, SHA-1 or group 1 this model
 * defaults to AES-256, SHA-256 and group 14: the old defaults are refused as insecure.
 *
 * @param priority        1–10000, lower is tried first
 * @param encryption      "aes", "aes 192" or "aes 256" ("aes" is AES-128); "3des" only with
 *                        {@code crypto engine compliance shield disable}
 * @param hash            "sha", "sha256", "sha384" or "sha512"
 * @param authentication  "pre-share", "rsa-sig" or "rsa-encr"
 * @param group           Diffie-Hellman group: 14, 15, 16, 19, 20, 21 or 24
 * @param lifetimeSeconds 60–86400, default 86400
 */
public record IsakmpPolicy(
    int priority, String encryption, String hash, String authentication, int group, int lifetimeSeconds) {
  public static final String DEFAULT_ENCRYPTION = "aes 256";
  public static final String DEFAULT_HASH = "sha256";
  public static final String DEFAULT_AUTHENTICATION = "rsa-sig";
  public static final int DEFAULT_GROUP = 14;
  public static final int DEFAULT_LIFETIME_SECONDS = 86_400;

  public static IsakmpPolicy defaults(int priority) {
    return new IsakmpPolicy(
        priority, DEFAULT_ENCRYPTION, DEFAULT_HASH, DEFAULT_AUTHENTICATION, DEFAULT_GROUP, DEFAULT_LIFETIME_SECONDS);
  }

  /** 3DES-CBC (legacy, RFC 2409 Appendix A value 5) rather than AES. */
  public boolean tripleDes() {
    return encryption.equals("3des");
  }

  /** AES key length in bits (192 for 3DES: three 64-bit DES keys with parity). */
  public int aesKeyBits() {
    if (tripleDes()) {
      return 192;
    }
    return encryption.equals("aes") ? 128 : Integer.parseInt(encryption.substring(4));
  }
}
