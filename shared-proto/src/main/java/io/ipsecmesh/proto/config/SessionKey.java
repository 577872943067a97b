package io.ipsecmesh.proto.config;

import java.util.HexFormat;

/**
 * {@code set session-key inbound|outbound esp SPI cipher HEX [authenticator HEX]}: manual keying of
 * an {@code ipsec-manual} crypto map. Keys are kept as lower-case hex so records compare by value.
 *
 * @param spi              256–4294967295
 * @param authenticatorHex null for an AEAD transform
 */
public record SessionKey(long spi, @Sealed String cipherHex, @Sealed String authenticatorHex) {

  public byte[] cipherKey() {
    return HexFormat.of().parseHex(cipherHex);
  }

  /** The integrity key, empty when there is none. */
  public byte[] authenticatorKey() {
    return authenticatorHex == null ? new byte[0] : HexFormat.of().parseHex(authenticatorHex);
  }

  /** Never the keys: records print every component, and configurations end up in logs and exceptions. */
  @Override
  public String toString() {
    return "SessionKey[spi=" + spi + ", cipher=<redacted>, authenticator="
        + (authenticatorHex == null ? "none" : "<redacted>") + "]";
  }
}
