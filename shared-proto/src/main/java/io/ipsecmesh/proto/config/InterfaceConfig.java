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
 */
public record InterfaceConfig(
    String name, String ipAddress, String mask, Integer ipMtu, String cryptoMap, DfBit dfBit, EzvpnAttachment ezvpn,
    Fragmentation fragmentation) {

  /** An interface without its own {@code crypto ipsec fragmentation} line. */
  public InterfaceConfig(
      String name, String ipAddress, String mask, Integer ipMtu, String cryptoMap, DfBit dfBit, EzvpnAttachment ezvpn) {
    this(name, ipAddress, mask, ipMtu, cryptoMap, dfBit, ezvpn, null);
  }

  public static InterfaceConfig named(String name) {
    return new InterfaceConfig(name, null, null, null, null, null, null);
  }
}
