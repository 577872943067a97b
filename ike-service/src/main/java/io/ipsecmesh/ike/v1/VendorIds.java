package io.ipsecmesh.ike.v1;

import java.util.HexFormat;

/**
 * The vendor IDs an Easy VPN remote announces in its first Aggressive Mode message: XAUTH support
 * (draft-ietf-ipsec-isakmp-xauth; the value every implementation sends, strongSwan's {@code xauth}) and
 * Cisco Unity (the client protocol whose Mode Config attributes an Easy VPN server pushes). The NAT-T and
 * DPD vendor IDs are in {@link NatT}.
 */
final class VendorIds {

  static final byte[] XAUTH = HexFormat.of().parseHex("09002689dfd6b712");
  static final byte[] CISCO_UNITY = HexFormat.of().parseHex("12f5f28c457168a9702d9fe274cc0100");

  private VendorIds() {}
}
