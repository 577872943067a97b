package io.ipsecmesh.gateway;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The inner IPv4/UDP packets the demo plays on the sites' LANs (RFC 791, RFC 768): built in Java, so no
 * raw socket and no root is needed. The payload carries a sequence number to recognise a packet when it
 * comes out at the other site.
 */
final class DemoPackets {

  private static final int IPV4_HEADER = 20;
  private static final int UDP_HEADER = 8;
  private static final int PROTO_UDP = 17;

  private DemoPackets() {}

  /** An IPv4/UDP packet {@code src:sport -> dst:dport} with payload "demo SEQ". */
  static byte[] udp(String src, int sport, String dst, int dport, int seq) {
    byte[] payload = ("demo " + seq).getBytes(StandardCharsets.US_ASCII);
    int total = IPV4_HEADER + UDP_HEADER + payload.length;
    ByteBuffer b = ByteBuffer.allocate(total);
    b.put((byte) 0x45).put((byte) 0).putShort((short) total).putShort((short) seq).putShort((short) 0x4000)
        .put((byte) 64).put((byte) PROTO_UDP).putShort((short) 0).put(v4(src)).put(v4(dst));
    b.putShort(10, checksum(b.array(), 0, IPV4_HEADER));
    // UDP checksum 0 = none, allowed over IPv4 (RFC 768)
    b.putShort((short) sport).putShort((short) dport).putShort((short) (UDP_HEADER + payload.length))
        .putShort((short) 0).put(payload);
    return b.array();
  }

  /** The same packet answered: addresses and ports swapped, same payload. */
  static byte[] reply(byte[] packet) {
    int seq = sequence(packet);
    ByteBuffer b = ByteBuffer.wrap(packet);
    return udp(address(packet, 16), b.getShort(IPV4_HEADER + 2) & 0xffff, address(packet, 12),
        b.getShort(IPV4_HEADER) & 0xffff, seq);
  }

  /** The sequence number in a demo packet's payload, or -1 for anything else. */
  static int sequence(byte[] packet) {
    if (packet.length < IPV4_HEADER + UDP_HEADER || (packet[0] & 0xff) != 0x45 || packet[9] != PROTO_UDP) {
      return -1;
    }
    String text = new String(packet, IPV4_HEADER + UDP_HEADER, packet.length - IPV4_HEADER - UDP_HEADER,
        StandardCharsets.US_ASCII);
    if (!text.startsWith("demo ")) {
      return -1;
    }
    try {
      return Integer.parseInt(text.substring(5));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** "src -> dst" of an IPv4 packet, for the narration. */
  static String flow(byte[] packet) {
    return address(packet, 12) + " -> " + address(packet, 16);
  }

  private static String address(byte[] p, int off) {
    return (p[off] & 0xff) + "." + (p[off + 1] & 0xff) + "." + (p[off + 2] & 0xff) + "." + (p[off + 3] & 0xff);
  }

  private static byte[] v4(String dotted) {
    String[] parts = dotted.split("\\.");
    byte[] a = new byte[4];
    for (int i = 0; i < 4; i++) {
      a[i] = (byte) Integer.parseInt(parts[i]);
    }
    return a;
  }

  static short checksum(byte[] b, int off, int len) {
    long sum = 0;
    for (int i = off; i < off + len; i += 2) {
      sum += ((b[i] & 0xff) << 8) | (i + 1 < off + len ? b[i + 1] & 0xff : 0);
    }
    while ((sum >> 16) != 0) {
      sum = (sum & 0xffff) + (sum >> 16);
    }
    return (short) ~sum;
  }
}
