package io.ipsecmesh.proto.config;

/**
 * {@code crypto isakmp key [0] KEY address IP [MASK]}: a pre-shared key for one peer address or a
 * range of them.
 *
 * @param mask the peer mask, null for a single address (255.255.255.255)
 */
public record IsakmpKey(@Sealed String key, String address, String mask) {

  /** Whether a peer at {@code ip} uses this key. */
  public boolean matches(String ip) {
    long m = mask == null ? 0xFFFF_FFFFL : Ipv4.toLong(mask);
    long a = Ipv4.toLong(address);
    long p = Ipv4.toLong(ip);
    return a >= 0 && p >= 0 && m >= 0 && (a & m) == (p & m);
  }

  /** Never the key: records print every component, and configurations end up in logs and exceptions. */
  @Override
  public String toString() {
    return "IsakmpKey[key=<redacted>, address=" + address + ", mask=" + mask + "]";
  }
}
