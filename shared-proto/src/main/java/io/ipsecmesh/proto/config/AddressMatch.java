package io.ipsecmesh.proto.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The source or destination of an access-list entry. IPv4 ({@code access-list}, {@code ip access-list
 * extended}): {@code any}, {@code host IP} or {@code IP WILDCARD}, all held as address + wildcard (any =
 * 0.0.0.0 255.255.255.255, host = wildcard 0.0.0.0) so consumers match one way. IPv6 ({@code ipv6
 * access-list}, which has prefixes and no wildcards): {@code any}, {@code host IPV6} or {@code IPV6/LEN},
 * held as the prefix address + {@code "/LEN"} in {@code wildcard} (any = {@code :: /0}, host = {@code /128});
 * {@link #ipv6()} tells the two apart.
 */
public record AddressMatch(String address, String wildcard) {
  public static final AddressMatch ANY = new AddressMatch("0.0.0.0", "255.255.255.255");
  /** {@code any} in an {@code ipv6 access-list}. */
  public static final AddressMatch ANY6 = new AddressMatch("::", "/0");

  public static AddressMatch host(String ip) {
    return ip.indexOf(':') >= 0 ? new AddressMatch(ip, "/128") : new AddressMatch(ip, "0.0.0.0");
  }

  /** An IPv6 prefix, {@code 2001:db8:1::/64} (an {@code ipv6 access-list} line's source or destination). */
  public static AddressMatch ipv6Prefix(String address, int length) {
    if (length < 0 || length > 128 || address.indexOf(':') < 0) {
      throw new IllegalArgumentException("not an IPv6 prefix: " + address + "/" + length);
    }
    return new AddressMatch(address, "/" + length);
  }

  /** An IPv6 prefix in CIDR text, {@code 2001:db8:1::/64}, or a bare address as a host. */
  public static AddressMatch ipv6Prefix(String cidr) {
    int slash = cidr.indexOf('/');
    if (slash < 0) {
      return ipv6Prefix(cidr, 128);
    }
    try {
      return ipv6Prefix(cidr.substring(0, slash), Integer.parseInt(cidr.substring(slash + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not an IPv6 prefix: " + cidr, e);
    }
  }

  /** Whether this is an {@code ipv6 access-list} address (a prefix), not an IPv4 address + wildcard. */
  public boolean ipv6() {
    return wildcard != null && wildcard.startsWith("/");
  }

  /** The prefix length of an IPv6 match (0–128); -1 for IPv4. */
  public int prefixLength() {
    if (!ipv6()) {
      return -1;
    }
    try {
      int n = Integer.parseInt(wildcard.substring(1));
      return n >= 0 && n <= 128 ? n : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The 16 bytes of an IPv6 match's address, or null when it is not an IPv6 literal. Never resolves a name. */
  public byte[] ipv6Bytes() {
    if (!ipv6() || address.indexOf(':') < 0) {
      return null;
    }
    try {
      byte[] b = InetAddress.getByName(address).getAddress();
      return b.length == 16 ? b : null;
    } catch (UnknownHostException e) {
      return null;
    }
  }

  public boolean isAny() {
    return "255.255.255.255".equals(wildcard) || "/0".equals(wildcard);
  }

  public boolean isHost() {
    return "0.0.0.0".equals(wildcard) || "/128".equals(wildcard);
  }

  public boolean matches(String ip) {
    if (ipv6()) {
      if (ip.indexOf(':') < 0) {
        return false;
      }
      byte[] p = ipv6Bytes();
      byte[] q = new AddressMatch(ip, "/128").ipv6Bytes();
      int len = prefixLength();
      if (p == null || q == null || len < 0) {
        return false;
      }
      for (int i = 0; i < len; i++) {
        int bit = 0x80 >>> (i & 7);
        if ((p[i >>> 3] & bit) != (q[i >>> 3] & bit)) {
          return false;
        }
      }
      return true;
    }
    long w = Ipv4.toLong(wildcard);
    long p = Ipv4.toLong(ip);
    return p >= 0 && ((Ipv4.toLong(address) & ~w) == (p & ~w));
  }

  /** The IOS form: {@code any}, {@code host IP}, {@code IP WILDCARD} or (IPv6) {@code IPV6/LEN}. */
  public String text() {
    if (isAny()) {
      return "any";
    }
    if (isHost()) {
      return "host " + address;
    }
    return ipv6() ? address + wildcard : address + " " + wildcard;
  }
}
