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
  AES_CBC_256_HMAC_SHA512_256("esp-aes 256 esp-sha512-hmac", false, 32, 64, 32, 16),
  /*
   * The legacy suites of the old IOS examples (RFC 8221 marks them MUST NOT / SHOULD NOT): configurable
   * only after crypto engine compliance shield disable, as on IOS XE 17.11.1 and later (Cisco Field
   * Notice FN72510). 3DES-CBC (RFC 2451) and DES-CBC (RFC 2405) have 8-byte blocks and IVs; the 3DES key
   * is three DES keys (24 bytes); HMAC-MD5-96 (RFC 2403) has a 16-byte key.
   */
  TDES_CBC_HMAC_SHA1_96("esp-3des esp-sha-hmac", false, 24, 20, 12, 8),
  TDES_CBC_HMAC_MD5_96("esp-3des esp-md5-hmac", false, 24, 16, 12, 8),
  DES_CBC_HMAC_SHA1_96("esp-des esp-sha-hmac", false, 8, 20, 12, 8),
  DES_CBC_HMAC_MD5_96("esp-des esp-md5-hmac", false, 8, 16, 12, 8),
  AES_CBC_128_HMAC_MD5_96("esp-aes 128 esp-md5-hmac", false, 16, 16, 12, 16),
  AES_CBC_256_HMAC_MD5_96("esp-aes 256 esp-md5-hmac", false, 32, 16, 12, 16);

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

  /** A DES, 3DES or MD5 suite: refused unless {@code crypto engine compliance shield disable} is configured. */
  public boolean legacy() {
    return iosName.startsWith("esp-des") || iosName.startsWith("esp-3des") || iosName.endsWith("esp-md5-hmac");
  }

  /** The JCE name of the block cipher of a CBC suite: AES, DESede (3DES) or DES; null for an AEAD. */
  public String cbcCipher() {
    if (aead) {
      return null;
    }
    return iosName.startsWith("esp-3des") ? "DESede" : iosName.startsWith("esp-des") ? "DES" : "AES";
  }

  /** Bytes of keying material per direction, drawn in this order: encryption key, then integrity key. */
  public int keyMaterialBytes() {
    return encKeyBytes + integKeyBytes;
  }
}
