package io.ipsecmesh.proto.esp;

/** What a UDP datagram received on port 4500 carries (RFC 3948 §2). */
public enum UdpEncapKind {
  /** A one-byte 0xFF NAT-keepalive (§2.3): proves nothing but the NAT mapping; drop it. */
  NAT_KEEPALIVE,
  /** A non-ESP marker (four zero bytes) followed by an IKE message (§2.2): punt to IKE. */
  IKE,
  /** An ESP packet starting with a non-zero SPI (§2.1). */
  ESP,
  /** None of the above (empty, too short to hold the form it claims, or a reserved SPI). */
  INVALID
}
