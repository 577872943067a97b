package io.ipsecmesh.proto.esp;

import java.util.Arrays;

/**
 * Classifies a UDP/4500 payload per RFC 3948: a single 0xFF byte is a NAT-keepalive, four zero bytes
 * (the non-ESP marker, where ESP's SPI would be 0, a value ESP never uses on the wire) introduce an
 * IKE message, anything else is ESP. Pure function of the bytes; never throws for in-range
 * offsets.
 */
public final class UdpEncapClassifier {
  /** UDP port of IKE and ESP after NAT-T floated (RFC 3948 §1). */
  public static final int PORT = 4500;
  /** The non-ESP marker: four zero bytes in front of an IKE header. */
  public static final int NON_ESP_MARKER_BYTES = 4;
  /** The only byte of a NAT-keepalive. */
  public static final int NAT_KEEPALIVE_BYTE = 0xFF;
  /** The fixed IKE header (RFC 7296 §3.1; ISAKMP has the same length) after the marker. */
  public static final int IKE_HEADER_BYTES = 28;

  private UdpEncapClassifier() {}

  public static UdpEncapKind classify(byte[] buf, int off, int len) {
    if (len == 1) {
      return (buf[off] & 0xFF) == NAT_KEEPALIVE_BYTE ? UdpEncapKind.NAT_KEEPALIVE : UdpEncapKind.INVALID;
    }
    if (len < EspHeader.BYTES) {
      return UdpEncapKind.INVALID;
    }
    int first = EspHeader.readInt(buf, off);
    if (first == 0) {
      return len >= NON_ESP_MARKER_BYTES + IKE_HEADER_BYTES ? UdpEncapKind.IKE : UdpEncapKind.INVALID;
    }
    return Integer.compareUnsigned(first, EspHeader.MIN_WIRE_SPI) >= 0 ? UdpEncapKind.ESP : UdpEncapKind.INVALID;
  }

  /**
   * The IKE message a UDP/4500 payload carries behind its non-ESP marker (RFC 3948 §2.2), a new array without the
   * marker; null when the payload is {@link #classify classified} as anything but {@link UdpEncapKind#IKE} (ESP, a
   * NAT-keepalive, too short for a marker and an IKE header), which is not for IKE.
   */
  public static byte[] ikeMessage(byte[] payload) {
    if (classify(payload, 0, payload.length) != UdpEncapKind.IKE) {
      return null;
    }
    return Arrays.copyOfRange(payload, NON_ESP_MARKER_BYTES, payload.length);
  }
}
