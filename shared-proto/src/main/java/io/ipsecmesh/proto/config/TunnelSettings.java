package io.ipsecmesh.proto.config;

/**
 * The {@code tunnel …} lines of an {@code interface TunnelN}.
 *
 * @param source      {@code tunnel source}: an interface name or an address (IPv4, or IPv6 in canonical text for
 *                    {@code tunnel mode ipsec ipv6}), null when unset
 * @param destination {@code tunnel destination} address, IPv4, or IPv6 in canonical text for {@code tunnel mode
 *                    ipsec ipv6} (IPv6 inside and outside, as on IOS), null when unset
 * @param mode        {@code tunnel mode}, null for the IOS default ({@code gre ip})
 * @param protection  {@code tunnel protection ipsec profile NAME}, null when the tunnel is not protected
 */
public record TunnelSettings(String source, String destination, TunnelMode mode, String protection) {

  /** The mode in effect: the configured one, else GRE (IOS's default {@code tunnel mode gre ip}). */
  public TunnelMode effectiveMode() {
    return mode == null ? TunnelMode.GRE_IP : mode;
  }

  /** Whether this is a static IPsec VTI: {@code tunnel mode ipsec ipv4|ipv6} with {@code tunnel protection}. */
  public boolean ipsecVti() {
    return (mode == TunnelMode.IPSEC_IPV4 || mode == TunnelMode.IPSEC_IPV6) && protection != null;
  }

  /**
   * Whether the tunnel carries IPv6 ({@code tunnel mode ipsec ipv6}: IPv6 inside, RFC 4303 next header 41, and, as on
   * IOS, an IPv6 tunnel source and destination outside).
   */
  public boolean carriesIpv6() {
    return mode == TunnelMode.IPSEC_IPV6;
  }
}
