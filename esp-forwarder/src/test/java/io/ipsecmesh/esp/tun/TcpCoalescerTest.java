package io.ipsecmesh.esp.tun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.esp.Packets;
import io.ipsecmesh.esp.io.PacketBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Receive-side TCP coalescing: segments cut by {@link Offload#segmentTcp} join back into the super-packet. */
class TcpCoalescerTest {

  private record Written(byte[] packet, int gso, int headerLen) {}

  private final List<Written> written = new ArrayList<>();
  private final TcpCoalescer coalescer = new TcpCoalescer((buf, off, len, gso, hdr) -> {
    written.add(new Written(Arrays.copyOfRange(buf.array(), off, off + len), gso, hdr));
    return true;
  });
  private final PacketBuffer in = new PacketBuffer();

  private List<byte[]> segments(byte[] superPacket, int mss) {
    List<byte[]> segs = new ArrayList<>();
    Offload.segmentTcp(superPacket, 0, superPacket.length, mss, new byte[2000], 0,
        (b, off, len) -> segs.add(Arrays.copyOfRange(b, off, off + len)));
    return segs;
  }

  private void feed(byte[] p) {
    System.arraycopy(p, 0, in.array(), PacketBuffer.HEADROOM, p.length);
    assertTrue(coalescer.write(in, PacketBuffer.HEADROOM, p.length));
  }

  @Test
  void segmentsOfOneFlowBecomeOneSuperPacketAgain() {
    byte[] original = OffloadTest.superPacket(5 * 1348 + 200, 0x18); // ACK PSH
    segments(original, 1348).forEach(this::feed);
    assertTrue(written.isEmpty(), "held until the batch ends");
    coalescer.flush();
    assertEquals(1, written.size());
    Written w = written.get(0);
    assertEquals(1348, w.gso());
    assertEquals(52, w.headerLen());
    byte[] p = w.packet();
    assertEquals(original.length, p.length);
    assertEquals(0, Packets.checksum(p, 0, 20), "IP header checksum");
    assertEquals(0x18, p[33] & 0xFF, "PSH of the last segment is kept");
    assertArrayEquals(Arrays.copyOfRange(original, 52, original.length), Arrays.copyOfRange(p, 52, p.length));
    assertArrayEquals(Arrays.copyOfRange(original, 12, 36), Arrays.copyOfRange(p, 12, 36), "addresses, ports, seq, ack, flags");
    assertEquals(5, coalescer.coalesced());
  }

  @Test
  void refusedSuperPacketCountsAllItsSegmentsLost() {
    TcpCoalescer refusing = new TcpCoalescer((buf, off, len, gso, hdr) -> false);
    for (byte[] seg : segments(OffloadTest.superPacket(3 * 1000, 0x10), 1000)) {
      System.arraycopy(seg, 0, in.array(), PacketBuffer.HEADROOM, seg.length);
      refusing.write(in, PacketBuffer.HEADROOM, seg.length);
    }
    assertEquals(false, refusing.flush());
    assertEquals(3, refusing.lost());
  }

  @Test
  void gapOrOtherTrafficEndsTheSuperPacketAndKeepsOrder() {
    List<byte[]> segs = segments(OffloadTest.superPacket(4 * 1000, 0x10), 1000);
    feed(segs.get(0));
    feed(segs.get(1));
    feed(segs.get(3)); // segment 2 lost: no join across the gap
    byte[] udp = Packets.udp4(new int[] {10, 0, 0, 1}, new int[] {10, 0, 0, 2}, 1, 2, 10);
    feed(udp);
    assertEquals(3, written.size());
    assertEquals(1000, written.get(0).gso());
    assertEquals(52 + 2000, written.get(0).packet().length);
    assertEquals(0, written.get(1).gso(), "a lone segment is written as it came");
    assertArrayEquals(segs.get(3), written.get(1).packet());
    assertArrayEquals(udp, written.get(2).packet());
  }

  /** {@link OffloadTest#superPacket}'s TCP segment behind an IPv6 header (fd91:21::10 -> fd91:22::10, hop limit 64). */
  static byte[] superPacket6(int payload, int flags) {
    byte[] v4 = OffloadTest.superPacket(payload, flags);
    byte[] p = new byte[40 + v4.length - 20];
    p[0] = 0x60;
    p[4] = (byte) ((p.length - 40) >>> 8);
    p[5] = (byte) (p.length - 40);
    p[6] = 6;
    p[7] = 64;
    p[8] = (byte) 0xfd;
    p[9] = (byte) 0x91;
    p[11] = 0x21;
    p[23] = 0x10;
    p[24] = (byte) 0xfd;
    p[25] = (byte) 0x91;
    p[27] = 0x22;
    p[39] = 0x10;
    System.arraycopy(v4, 20, p, 40, v4.length - 20);
    return p;
  }

  /**
   * IPv6 segments join as IPv4 ones do (GSO_TCPV6 for the kernel): one super-packet whose payload length covers
   * the whole, whose TCP checksum field holds the RFC 8200 §8.1 pseudo-header sum, and which cuts back into exactly
   * the segments that came in.
   */
  @Test
  void ipv6SegmentsOfOneFlowBecomeOneSuperPacketAgain() {
    byte[] original = superPacket6(5 * 1328 + 100, 0x18);
    List<byte[]> segs = segments(original, 1328);
    assertEquals(6, segs.size());
    segs.forEach(this::feed);
    coalescer.flush();
    assertEquals(1, written.size());
    Written w = written.get(0);
    assertEquals(1328, w.gso());
    assertEquals(72, w.headerLen(), "IPv6 40 + TCP 32");
    byte[] p = w.packet();
    assertEquals(original.length, p.length);
    assertEquals(p.length - 40, (p[4] & 0xFF) << 8 | p[5] & 0xFF, "payload length");
    long pseudo = Offload.sum(p, 8, 32, 0) + 6 + (p.length - 40);
    assertEquals(Offload.fold(pseudo), (p[56] & 0xFF) << 8 | p[57] & 0xFF, "NEEDS_CSUM: the pseudo-header sum");
    assertEquals(0x18, p[53] & 0xFF, "PSH of the last segment is kept");
    List<byte[]> again = segments(p, 1328);
    assertEquals(segs.size(), again.size());
    for (int i = 0; i < segs.size(); i++) {
      assertArrayEquals(segs.get(i), again.get(i), "segment " + i);
    }
  }

  @Test
  void ipv6AndIpv4SegmentsNeverJoinAndAnotherHopLimitEndsTheSuperPacket() {
    List<byte[]> six = segments(superPacket6(3 * 1000, 0x10), 1000);
    List<byte[]> four = segments(OffloadTest.superPacket(2 * 1000, 0x10), 1000);
    feed(six.get(0));
    feed(six.get(1));
    byte[] otherHop = six.get(2).clone();
    otherHop[7] = 63;
    feed(otherHop);
    feed(four.get(0));
    feed(four.get(1));
    coalescer.flush();
    assertEquals(3, written.size());
    assertEquals(40 + 32 + 2000, written.get(0).packet().length);
    assertArrayEquals(otherHop, written.get(1).packet(), "a lone segment is written as it came");
    assertEquals(20 + 32 + 2000, written.get(2).packet().length);
  }
}
