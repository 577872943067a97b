package io.ipsecmesh.proto.config;

/**
 * {@code crypto isakmp key [0] KEY address IP [MASK]}: a pre-shared key for one peer address or a
 * range of them; or {@code crypto isakmp key KEY hostname NAME}: the key of the peer that identifies itself
 * with that FQDN ({@code crypto isakmp identity hostname} on its side).
 *
 * <p>{@code crypto isakmp key KEY address ipv6 X/LEN}: the same with an IPv6 {@code address} (RFC 5952 text, the
 * network of the prefix) and {@code mask} holding the prefix length in decimal.
 *
 * @param address  the peer address, null for a hostname key
 * @param mask     the peer mask, null for a single address (255.255.255.255); IPv6: the prefix length
 * @param hostname the peer's host name, null for an address key
 */
public record IsakmpKey(@Sealed String key, String address, String mask, String hostname) {

  /** A key for an address (range). */
  public IsakmpKey(String key, String address, String mask) {
    this(key, address, mask, null);
  }

  /** Whether a peer at {@code ip} uses this key (never for a hostname key). */
  public boolean matches(String ip) {
    if (address == null) {
      return false;
    }
    if (ipv6()) {
      return Ipv6.inPrefix(address, mask == null ? 128 : Integer.parseInt(mask), ip);
    }
    long m = mask == null ? 0xFFFF_FFFFL : Ipv4.toLong(mask);
    long a = Ipv4.toLong(address);
    long p = Ipv4.toLong(ip);
    return a >= 0 && p >= 0 && m >= 0 && (a & m) == (p & m);
  }

  /** Whether this key is for an IPv6 peer or prefix ({@code address ipv6 X/LEN}). */
  public boolean ipv6() {
    return Ipv6.looksLike(address);
  }

  /** Never the key: records print every component, and configurations end up in logs and exceptions. */
  @Override
  public String toString() {
    return "IsakmpKey[key=<redacted>, address=" + address + ", mask=" + mask + ", hostname=" + hostname + "]";
  }
}
