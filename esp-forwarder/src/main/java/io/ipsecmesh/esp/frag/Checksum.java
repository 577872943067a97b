package io.ipsecmesh.esp.frag;

/** The Internet checksum (RFC 1071) of IPv4 headers and ICMP messages. */
final class Checksum {

  private Checksum() {}

  static int ones(byte[] b, int off, int len) {
    long sum = 0;
    int i = 0;
    for (; i + 1 < len; i += 2) {
      sum += (b[off + i] & 0xFF) << 8 | b[off + i + 1] & 0xFF;
    }
    if (i < len) {
      sum += (b[off + i] & 0xFF) << 8;
    }
    while ((sum >>> 16) != 0) {
      sum = (sum & 0xFFFF) + (sum >>> 16);
    }
    return (int) ~sum & 0xFFFF;
  }
}
