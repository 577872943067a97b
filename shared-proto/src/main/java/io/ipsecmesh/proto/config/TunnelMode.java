package io.ipsecmesh.proto.config;

/**
 * {@code tunnel mode}: the encapsulation of a tunnel interface. IOS's default is GRE; a static virtual tunnel
 * interface says {@code tunnel mode ipsec ipv4} (the Cisco IPsec Virtual Tunnel Interface document).
 */
public enum TunnelMode {
  /** {@code gre ip}, the IOS default: GRE over IPsec, not run by this gateway. */
  GRE_IP("gre ip"),
  /** {@code ipsec ipv4}: a static VTI carrying IPv4. */
  IPSEC_IPV4("ipsec ipv4"),
  /** {@code ipsec ipv6}: a static VTI carrying IPv6 between IPv6 tunnel endpoints (IPv6 over IPv6). */
  IPSEC_IPV6("ipsec ipv6");

  private final String keyword;

  TunnelMode(String keyword) {
    this.keyword = keyword;
  }

  public String keyword() {
    return keyword;
  }
}
