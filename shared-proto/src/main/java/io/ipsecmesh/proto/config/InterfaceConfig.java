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
 */
public record InterfaceConfig(
    String name, String ipAddress, String mask, Integer ipMtu, String cryptoMap, DfBit dfBit, EzvpnAttachment ezvpn,
    Fragmentation fragmentation, TunnelSettings tunnel) {

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
