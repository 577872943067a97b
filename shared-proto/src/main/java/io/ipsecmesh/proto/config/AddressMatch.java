package io.ipsecmesh.proto.config;

/**
 * The source or destination of an access-list entry: {@code any}, {@code host IP} or {@code IP WILDCARD}.
 * All three are held as address + wildcard (any = 0.0.0.0 255.255.255.255, host = wildcard 0.0.0.0) so
 * consumers match one way.
 */
public record AddressMatch(String address, String wildcard) {
  public static final AddressMatch ANY = new AddressMatch("0.0.0.0", "255.255.255.255");

  public static AddressMatch host(String ip) {
    return new AddressMatch(ip, "0.0.0.0");
  }

  public boolean isAny() {
    return "255.255.255.255".equals(wildcard);
  }

  public boolean isHost() {
    return "0.0.0.0".equals(wildcard);
  }

  public boolean matches(String ip) {
    long w = Ipv4.toLong(wildcard);
    long p = Ipv4.toLong(ip);
    return p >= 0 && ((Ipv4.toLong(address) & ~w) == (p & ~w));
  }

  /** The IOS form: {@code any}, {@code host IP} or {@code IP WILDCARD}. */
  public String text() {
    return isAny() ? "any" : isHost() ? "host " + address : address + " " + wildcard;
  }
}
