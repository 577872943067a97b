package io.ipsecmesh.proto.config;

/**
 * {@code crypto ipsec fragmentation before-encryption|after-encryption}: where a tunnel-mode packet
 * that would exceed the egress {@code ip mtu} once encapsulated is fragmented (seed 003,
 * "Pre-Fragmentation for IPsec VPNs", whose table also depends on {@link DfBit}). Before encryption
 * (pre-fragmentation) the inner packet is cut into equal-sized fragments that are each encrypted, so
 * the receiver decrypts without reassembling; after encryption the outer packet is fragmented by the
 * IP layer and the receiver reassembles before decrypting.
 */
public enum Fragmentation {
  /** The IOS default for crypto maps. */
  BEFORE_ENCRYPTION,
  AFTER_ENCRYPTION;

  public String keyword() {
    return this == BEFORE_ENCRYPTION ? "before-encryption" : "after-encryption";
  }
}
