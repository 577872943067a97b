package io.ipsecmesh.esp.fwd;

import io.ipsecmesh.esp.Packets;

/** ICMP echo packets with valid checksums, for the Easy VPN data-path tests. */
final class ClientModePatTestPackets {

  private ClientModePatTestPackets() {}

  static byte[] icmp(int[] src, int[] dst, int type, int id, int seq) {
    byte[] p = Packets.udp4(src, dst, 0, 0, 24);
    p[9] = 1;
    p[10] = 0;
    p[11] = 0;
    int h = Packets.checksum(p, 0, 20);
    p[10] = (byte) (h >>> 8);
    p[11] = (byte) h;
    java.util.Arrays.fill(p, 20, 28, (byte) 0);
    p[20] = (byte) type;
    p[24] = (byte) (id >>> 8);
    p[25] = (byte) id;
    p[27] = (byte) seq;
    int c = Packets.checksum(p, 20, p.length - 20);
    p[22] = (byte) (c >>> 8);
    p[23] = (byte) c;
    return p;
  }
}
