package io.ipsecmesh.proto.config;

/**
 * The source or destination of an access-list entry. IPv4 ({@code ip access-list extended}, numbered lists):
 * {@code any}, {@code host IP} or {@code IP WILDCARD}. IPv6 ({@code ipv6 access-list}): {@code any}, {@code host
 * IPV6} or {@code IPV6/LENGTH}. All are held as address + wildcard of their own family (any = 0.0.0.0
 * 255.255.255.255 or :: ffff:…:ffff, host = wildcard 0.0.0.0 or ::, an IPv6 prefix = its inverse mask, e.g. /64 =
 * ::ffff:ffff:ffff:ffff) so consumers match one way; an IPv6 address is in RFC 5952 canonical text.
 */
public record AddressMatch(String address, String wildcard) {
  public static final AddressMatch ANY = new AddressMatch("0.0.0.0", "255.255.255.255");

  /** {@code any} of an IPv6 access list. */
  public static final AddressMatch ANY6 = ipv6Prefix("::", 0);

  public static AddressMatch host(String ip) {
    if (Ipv6.looksLike(ip)) {
      return ipv6Prefix(ip, 128);
    }
    return new AddressMatch(ip, "0.0.0.0");
  }

  /** {@code IPV6/LENGTH}: the network of {@code address} (host bits cleared) with the inverse mask as wildcard. */
  public static AddressMatch ipv6Prefix(String address, int length) {
    byte[] a = Ipv6.parse(address);
    if (a == null || length < 0 || length > 128) {
      throw new IllegalArgumentException("not an IPv6 prefix: " + address + "/" + length);
    }
    byte[] inverse = Ipv6.last(new byte[16], length);
    return new AddressMatch(Ipv6.text(Ipv6.network(a, length)), Ipv6.text(inverse));
  }

  /** Whether this is an entry of an IPv6 access list. */
  public boolean ipv6() {
    return Ipv6.looksLike(address);
  }

  /** The prefix length of a contiguous wildcard (IPv6 always; IPv4 when contiguous), else -1. */
  public int prefixLength() {
    if (ipv6()) {
      byte[] w = Ipv6.parse(wildcard);
      int ones = 0;
      for (byte b : w) {
        ones += Integer.bitCount(b & 0xFF);
      }
      return 128 - ones;
    }
    long w = Ipv4.toLong(wildcard);
    return w < 0 || ((w + 1) & w) != 0 ? -1 : 32 - Long.bitCount(w);
  }

  public boolean isAny() {
    return ipv6() ? prefixLength() == 0 : "255.255.255.255".equals(wildcard);
  }

  public boolean isHost() {
    return ipv6() ? "::".equals(wildcard) : "0.0.0.0".equals(wildcard);
  }

  /** Whether {@code ip} (of this entry's family; an address of the other family never matches) is selected. */
  public boolean matches(String ip) {
    if (ipv6()) {
      return Ipv6.inPrefix(address, prefixLength(), ip);
    }
    long w = Ipv4.toLong(wildcard);
    long p = Ipv4.toLong(ip);
    return p >= 0 && ((Ipv4.toLong(address) & ~w) == (p & ~w));
  }

  /** The IOS form: {@code any}, {@code host IP}, {@code IP WILDCARD} or (IPv6) {@code IPV6/LENGTH}. */
  public String text() {
    if (ipv6()) {
      return isAny() ? "any" : isHost() ? "host " + Ipv6.ios(address) : Ipv6.ios(address) + "/" + prefixLength();
    }
    return isAny() ? "any" : isHost() ? "host " + address : address + " " + wildcard;
  }
}
