package io.ipsecmesh.proto.config;

/**
 * {@code crypto ikev2 fragmentation [mtu MTU]}: IKEv2 message fragmentation (RFC 7383) offered in IKE_SA_INIT and
 * used for protected messages larger than the MTU (Cisco's "Configuring Advanced Properties for IKEv2": the MTU is
 * the whole IP datagram, 68–1500 bytes, by default 576 for IPv4 and 1280 for IPv6, the values of RFC 7383 §2.5.1).
 * Absent from the configuration (null in {@link GatewayConfig}) fragmentation is off, as on IOS.
 *
 * @param mtu the configured MTU, null for the per-address-family default
 */
public record Ikev2Fragmentation(Integer mtu) {

  public static final int MIN_MTU = 68;
  public static final int MAX_MTU = 1500;
  /** RFC 7383 §2.5.1: 576 bytes for IPv4, 1280 for IPv6 (RFC 2460's minimum link MTU). */
  public static final int DEFAULT_IPV4 = 576;
  public static final int DEFAULT_IPV6 = 1280;

  public Ikev2Fragmentation {
    if (mtu != null && (mtu < MIN_MTU || mtu > MAX_MTU)) {
      throw new IllegalArgumentException("crypto ikev2 fragmentation mtu must be " + MIN_MTU + "-" + MAX_MTU);
    }
  }

  /** The largest IP datagram an IKE fragment may make towards a peer of this address family. */
  public int mtuFor(boolean ipv6) {
    return mtu != null ? mtu : ipv6 ? DEFAULT_IPV6 : DEFAULT_IPV4;
  }

  /** The command as {@code show running-config} prints it. */
  public String render() {
    return "crypto ikev2 fragmentation" + (mtu == null ? "" : " mtu " + mtu);
  }
}
