package io.ipsecmesh.proto.sa;

/**
 * ESP algorithm suites, named after the IOS transform-set keywords that select them. Key lengths in
 * bytes include the 4-byte salt for the AEADs (RFC 4106 §8.1, RFC 7634 §2).
 */
public enum EspTransform {
  AES_GCM_128("esp-gcm 128", true, 16 + 4, 0, 16, 8),
  AES_GCM_256("esp-gcm 256", true, 32 + 4, 0, 16, 8),
  CHACHA20_POLY1305("esp-chacha20-poly1305", true, 32 + 4, 0, 16, 8),
  AES_CBC_128_HMAC_SHA1_96("esp-aes 128 esp-sha-hmac", false, 16, 20, 12, 16),
  AES_CBC_256_HMAC_SHA1_96("esp-aes 256 esp-sha-hmac", false, 32, 20, 12, 16),
  AES_CBC_128_HMAC_SHA256_128("esp-aes 128 esp-sha256-hmac", false, 16, 32, 16, 16),
  AES_CBC_256_HMAC_SHA256_128("esp-aes 256 esp-sha256-hmac", false, 32, 32, 16, 16),
  AES_CBC_256_HMAC_SHA384_192("esp-aes 256 esp-sha384-hmac", false, 32, 48, 24, 16),
  AES_CBC_256_HMAC_SHA512_256("esp-aes 256 esp-sha512-hmac", false, 32, 64, 32, 16);

  /** The transform-set keywords, as {@code show crypto ipsec sa} prints them. */
  public final String iosName;
  public final boolean aead;
  /** Encryption key length in bytes (AEAD: key + salt). */
  public final int encKeyBytes;
  /** Integrity key length in bytes (0 for AEAD). */
  public final int integKeyBytes;
  public final int icvBytes;
  /** IV length on the wire. */
  public final int ivBytes;

  EspTransform(String iosName, boolean aead, int encKeyBytes, int integKeyBytes, int icvBytes, int ivBytes) {
    this.iosName = iosName;
    this.aead = aead;
    this.encKeyBytes = encKeyBytes;
    this.integKeyBytes = integKeyBytes;
    this.icvBytes = icvBytes;
    this.ivBytes = ivBytes;
  }

  /** Bytes of keying material per direction, drawn in this order: encryption key, then integrity key. */
  public int keyMaterialBytes() {
    return encKeyBytes + integKeyBytes;
  }
}
