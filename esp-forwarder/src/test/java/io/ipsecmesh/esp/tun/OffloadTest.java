package io.ipsecmesh.esp.tun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipsecmesh.esp.Packets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** TSO and checksum completion as the TUN offload path does them, checked against independent arithmetic. */
class OffloadTest {

  /** An IPv4 TCP super-packet: 20-byte IP, 32-byte TCP (with options), {@code payload} bytes 0..255 repeating. */
  static byte[] superPacket(int payload, int flags) {
    int len = 20 + 32 + payload;
    byte[] p = new byte[len];
    p[0] = 0x45;
    p[2] = (byte) (len >>> 8);
    p[3] = (byte) len;
    p[4] = 0x12;
    p[5] = 0x34;
    p[6] = 0x40;
    p[8] = 64;
    p[9] = 6;
    p[12] = 10;
    p[13] = 91;
    p[14] = 21;
    p[15] = 10;
    p[16] = 10;
    p[17] = 91;
    p[18] = 22;
    p[19] = 10;
    p[20] = (byte) 0x9c; // sport 40000
    p[21] = 0x40;
    p[22] = 0x14; // dport 5201
    p[23] = 0x51;
    p[24] = (byte) 0xFF; // seq 0xFFFFFF00: wraps inside the packet
    p[25] = (byte) 0xFF;
    p[26] = (byte) 0xFF;
    p[27] = 0x00;
    p[32] = (byte) 0x80; // data offset 8 words
    p[33] = (byte) flags;
    p[34] = 0x01;
    for (int i = 0; i < 12; i++) {
      p[40 + i] = 1; // NOP options
    }
    for (int i = 0; i < payload; i++) {
      p[52 + i] = (byte) i;
    }
    return p;
  }

  private static int tcpChecksumOk(byte[] s) {
    int tcpLen = s.length - 20;
    byte[] pseudo = new byte[12 + tcpLen];
    System.arraycopy(s, 12, pseudo, 0, 8);
    pseudo[9] = 6;
    pseudo[10] = (byte) (tcpLen >>> 8);
    pseudo[11] = (byte) tcpLen;
    System.arraycopy(s, 20, pseudo, 12, tcpLen);
    return Packets.checksum(pseudo, 0, pseudo.length);
  }

  @Test
  void superPacketIsCutIntoValidSegments() {
    int payload = 3 * 1348 + 100;
    byte[] sp = superPacket(payload, 0x18 | 0x01 | 0x80); // PSH ACK FIN CWR
    List<byte[]> segs = new ArrayList<>();
    byte[] out = new byte[2000];
    int n = Offload.segmentTcp(sp, 0, sp.length, 1348, out, 0,
        (b, off, len) -> segs.add(Arrays.copyOfRange(b, off, off + len)));
    assertEquals(4, n);
    int seen = 0;
    for (int i = 0; i < n; i++) {
      byte[] s = segs.get(i);
      int chunk = i < 3 ? 1348 : 100;
      assertEquals(52 + chunk, s.length);
      assertEquals(s.length, (s[2] & 0xFF) << 8 | s[3] & 0xFF, "IP total length");
      assertEquals(0x1234 + i, (s[4] & 0xFF) << 8 | s[5] & 0xFF, "IP id");
      assertEquals(0, Packets.checksum(s, 0, 20), "IP header checksum");
      assertEquals(0, tcpChecksumOk(s), "TCP checksum of segment " + i);
      long seq = ((long) (s[24] & 0xFF) << 24 | (s[25] & 0xFF) << 16 | (s[26] & 0xFF) << 8 | s[27] & 0xFF);
      assertEquals((0xFFFFFF00L + seen) & 0xFFFFFFFFL, seq);
      int f = s[33] & 0xFF;
      assertEquals(i == 0 ? 0x80 : 0, f & 0x80, "CWR only on the first");
      assertEquals(i == 3 ? 0x09 : 0, f & 0x09, "PSH and FIN only on the last");
      assertArrayEquals(Arrays.copyOfRange(sp, 52 + seen, 52 + seen + chunk), Arrays.copyOfRange(s, 52, s.length));
      seen += chunk;
    }
  }

  @Test
  void partialChecksumIsCompleted() {
    byte[] p = Packets.udp4(new int[] {10, 0, 0, 1}, new int[] {10, 0, 0, 2}, 7, 9, 33);
    // what the kernel leaves with CHECKSUM_PARTIAL: the folded pseudo-header sum, not complemented
    int udpLen = p.length - 20;
    long pseudo = ((p[12] & 0xFF) << 8 | p[13] & 0xFF) + ((p[14] & 0xFF) << 8 | p[15] & 0xFF)
        + ((p[16] & 0xFF) << 8 | p[17] & 0xFF) + ((p[18] & 0xFF) << 8 | p[19] & 0xFF) + 17 + udpLen;
    int folded = Offload.fold(pseudo);
    p[26] = (byte) (folded >>> 8);
    p[27] = (byte) folded;
    assertEquals(true, Offload.finishChecksum(p, 0, p.length, 20, 6));
    byte[] check = new byte[12 + udpLen];
    System.arraycopy(p, 12, check, 0, 8);
    check[9] = 17;
    check[10] = (byte) (udpLen >>> 8);
    check[11] = (byte) udpLen;
    System.arraycopy(p, 20, check, 12, udpLen);
    assertEquals(0, Packets.checksum(check, 0, check.length));
  }

  @Test
  void nonTcpOrTruncatedSuperPacketsAreRefused() {
    byte[] out = new byte[2000];
    byte[] udp = Packets.udp4(new int[] {1, 1, 1, 1}, new int[] {2, 2, 2, 2}, 1, 2, 100);
    assertEquals(-1, Offload.segmentTcp(udp, 0, udp.length, 50, out, 0, (b, o, l) -> { }));
    byte[] sp = superPacket(10, 0x10);
    assertEquals(-1, Offload.segmentTcp(sp, 0, 30, 50, out, 0, (b, o, l) -> { }));
    assertEquals(false, Offload.finishChecksum(sp, 0, sp.length, sp.length, 16));
  }
}
