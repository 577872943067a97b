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
 * @param ipv6Address {@code ipv6 address X/LEN}: the address in RFC 5952 canonical text, null when unset
 * @param ipv6PrefixLength the LEN of {@code ipv6 address}, null when unset
 * @param ipv6CryptoMap {@code ipv6 crypto map NAME}: the map protecting the interface's IPv6 traffic, null when none
 *                   (IOS applies IPv4 and IPv6 crypto maps separately; an interface may carry one of each)
 */
public record InterfaceConfig(
    String name, String ipAddress, String mask, Integer ipMtu, String cryptoMap, DfBit dfBit, EzvpnAttachment ezvpn,
    Fragmentation fragmentation, TunnelSettings tunnel, String ipv6Address, Integer ipv6PrefixLength,
    String ipv6CryptoMap) {

  /** An interface without IPv6 lines. */
  public InterfaceConfig(
      String name, String ipAddress, String mask, Integer ipMtu, String cryptoMap, DfBit dfBit, EzvpnAttachment ezvpn,
      Fragmentation fragmentation, TunnelSettings tunnel) {
    this(name, ipAddress, mask, ipMtu, cryptoMap, dfBit, ezvpn, fragmentation, tunnel, null, null, null);
  }

  /** Whether crypto map {@code map} is applied here, by {@code crypto map} or {@code ipv6 crypto map}. */
  public boolean carries(String map) {
    return map != null && (map.equals(cryptoMap) || map.equals(ipv6CryptoMap));
  }

  /**
   * The local address tunnels of crypto map {@code map} use on this interface: the IPv6 address when the map is
   * applied by {@code ipv6 crypto map} only, else the IPv4 address (either may be null).
   */
  public String addressFor(String map) {
    return map != null && map.equals(ipv6CryptoMap) && !map.equals(cryptoMap) ? ipv6Address : ipAddress;
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
