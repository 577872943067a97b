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
}
