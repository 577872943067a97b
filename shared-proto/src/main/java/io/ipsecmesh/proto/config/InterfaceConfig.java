package io.ipsecmesh.proto.config;

/**
 * {@code interface NAME} with the lines that matter to IPsec.
 *
 * @param ipAddress  {@code ip address IP MASK}, null when unset
 * @param ipMtu      {@code ip mtu} 68–9216, null for the default
 * @param cryptoMap  {@code crypto map NAME}, null when the interface is not protected by a map
 * @param dfBit      {@code crypto ipsec df-bit}, null to use the global setting
 * @param ezvpn      {@code crypto ipsec client ezvpn NAME inside|outside}, or null
 * @param fragmentation {@code crypto ipsec fragmentation}, null to use the global setting
 * @param tunnel     the {@code tunnel …} lines of a {@code TunnelN} interface, null for any other interface
 * @param ipv6Address {@code ipv6 address IPV6/LEN} (the first one; CIDR text, e.g. {@code 2001:db8::1/64}), null
 *                   when unset: the local address of the IPv6 crypto maps and tunnels on this interface
 * @param ipv6CryptoMap {@code ipv6 crypto map NAME}, null when no IPv6 crypto map is applied
 * @param ipv6Mtu    {@code ipv6 mtu} 1280–9216 (RFC 8200 §5: never below 1280), null for the default; on a {@code
 *                   tunnel mode ipsec ipv6} interface the largest inner IPv6 packet the tunnel carries whole
 */
public record InterfaceConfig(
    String name, String ipAddress, String mask, Integer ipMtu, String cryptoMap, DfBit dfBit, EzvpnAttachment ezvpn,
    Fragmentation fragmentation, TunnelSettings tunnel, String ipv6Address, String ipv6CryptoMap, Integer ipv6Mtu) {

  /** An interface without {@code ipv6 mtu}. */
  public InterfaceConfig(
      String name, String ipAddress, String mask, Integer ipMtu, String cryptoMap, DfBit dfBit, EzvpnAttachment ezvpn,
      Fragmentation fragmentation, TunnelSettings tunnel, String ipv6Address, String ipv6CryptoMap) {
    this(name, ipAddress, mask, ipMtu, cryptoMap, dfBit, ezvpn, fragmentation, tunnel, ipv6Address, ipv6CryptoMap,
        null);
  }

  /** An interface without {@code ipv6 address} and {@code ipv6 crypto map}. */
  public InterfaceConfig(
      String name, String ipAddress, String mask, Integer ipMtu, String cryptoMap, DfBit dfBit, EzvpnAttachment ezvpn,
      Fragmentation fragmentation, TunnelSettings tunnel) {
    this(name, ipAddress, mask, ipMtu, cryptoMap, dfBit, ezvpn, fragmentation, tunnel, null, null);
  }

  /** This interface with {@code ipv6 address ipv6Address} and {@code ipv6 crypto map ipv6CryptoMap}. */
  public InterfaceConfig withIpv6(String ipv6Address, String ipv6CryptoMap) {
    return new InterfaceConfig(name, ipAddress, mask, ipMtu, cryptoMap, dfBit, ezvpn, fragmentation, tunnel,
        ipv6Address, ipv6CryptoMap, ipv6Mtu);
  }

  /** This interface with {@code ipv6 mtu ipv6Mtu} (null: the default). */
  public InterfaceConfig withIpv6Mtu(Integer ipv6Mtu) {
    return new InterfaceConfig(name, ipAddress, mask, ipMtu, cryptoMap, dfBit, ezvpn, fragmentation, tunnel,
        ipv6Address, ipv6CryptoMap, ipv6Mtu);
  }

  /**
   * The configured MTU of the packets this interface carries: {@code ipv6 mtu} for a {@code tunnel mode ipsec ipv6}
   * tunnel (IOS applies {@code ipv6 mtu} to IPv6 packets and {@code ip mtu} to IPv4 ones, and such a tunnel carries
   * IPv6 only), else {@code ip mtu}; null when not configured.
   */
  public Integer tunnelInnerMtu() {
    return tunnel != null && tunnel.carriesIpv6() ? ipv6Mtu : ipMtu;
  }

  /** The address of {@link #ipv6Address} without its prefix length, or null. */
  public String ipv6AddressOnly() {
    if (ipv6Address == null) {
      return null;
    }
    int slash = ipv6Address.indexOf('/');
    return slash < 0 ? ipv6Address : ipv6Address.substring(0, slash);
  }

  /** Whether crypto map {@code map} is applied here, by {@code crypto map} or {@code ipv6 crypto map}. */
  public boolean carriesCryptoMap(String map) {
    return map.equals(cryptoMap) || map.equals(ipv6CryptoMap);
  }

  /** An interface without {@code tunnel …} lines. */
  public InterfaceConfig(
      String name, String ipAddress, String mask, Integer ipMtu, String cryptoMap, DfBit dfBit, EzvpnAttachment ezvpn,
      Fragmentation fragmentation) {
    this(name, ipAddress, mask, ipMtu, cryptoMap, dfBit, ezvpn, fragmentation, null);
  }

  /** An interface without its own {@code crypto ipsec fragmentation} line. */
  public InterfaceConfig(
      String name, String ipAddress, String mask, Integer ipMtu, String cryptoMap, DfBit dfBit, EzvpnAttachment ezvpn) {
    this(name, ipAddress, mask, ipMtu, cryptoMap, dfBit, ezvpn, null);
  }

  /** Whether this is a static IPsec virtual tunnel interface ({@link TunnelSettings#ipsecVti()}). */
  public boolean ipsecVti() {
    return tunnel != null && tunnel.ipsecVti();
  }

  public static InterfaceConfig named(String name) {
    return new InterfaceConfig(name, null, null, null, null, null, null);
  }
}
