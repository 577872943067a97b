package io.ipsecmesh.esp.ha;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.ipsecmesh.esp.io.PacketBuffer;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HandoffFrameTest {

  private static byte[] packet(HandoffFrame.Decoded d) {
    return Arrays.copyOfRange(d.packet(), d.offset(), d.offset() + d.length());
  }

  @Test
  void inboundEspKeepsItsSenderV4AndV6() {
    byte[] esp = {0x12, 0x34, 0x56, 0x78, 0, 0, 0, 9, 1, 2, 3};
    for (String host : new String[] {"198.51.100.7", "2001:db8::7"}) {
      byte[] wire = new byte[esp.length + 5];
      System.arraycopy(esp, 0, wire, 5, esp.length);
      HandoffFrame.Decoded d = HandoffFrame.decode(
          HandoffFrame.inbound(wire, 5, esp.length, new InetSocketAddress(host, 31000)));
      assertEquals(HandoffFrame.INBOUND, d.kind());
      assertEquals(new InetSocketAddress(host, 31000), d.sender());
      assertArrayEquals(esp, packet(d));
    }
  }

  @Test
  void outboundCarriesTheInnerPacketOnly() {
    byte[] inner = {0x45, 0, 0, 20, 1, 2, 3, 4};
    HandoffFrame.Decoded d = HandoffFrame.decode(HandoffFrame.outbound(inner, 0, inner.length));
    assertEquals(HandoffFrame.OUTBOUND, d.kind());
    assertNull(d.sender());
    assertArrayEquals(inner, packet(d));
  }

  @Test
  void malformedFramesDecodeToNull() {
    assertNull(HandoffFrame.decode(null));
    assertNull(HandoffFrame.decode(new byte[0]));
    assertNull(HandoffFrame.decode(new byte[] {HandoffFrame.OUTBOUND}), "no packet");
    assertNull(HandoffFrame.decode(new byte[] {9, 1, 2}), "unknown kind");
    assertNull(HandoffFrame.decode(new byte[] {HandoffFrame.INBOUND, 5, 1, 2, 3, 4, 5, 0, 1, 7}), "address length");
    assertNull(HandoffFrame.decode(new byte[] {HandoffFrame.INBOUND, 4, 1, 2, 3, 4, 0, 1}), "no packet");
    assertNull(HandoffFrame.decode(new byte[] {HandoffFrame.INBOUND, 16, 1, 2, 3, 4, 0, 1, 7}), "cut short");
    assertNull(HandoffFrame.decode(new byte[2 + PacketBuffer.MAX_PACKET]), "longer than any packet");
  }

  @Test
  void randomFramesNeverThrow() {
    SplittableRandom r = new SplittableRandom(13);
    for (int i = 0; i < 100_000; i++) {
      byte[] f = new byte[r.nextInt(0, 64)];
      r.nextBytes(f);
      if (f.length > 0 && r.nextBoolean()) {
        f[0] = (byte) r.nextInt(1, 3);
      }
      HandoffFrame.Decoded d = HandoffFrame.decode(f);
      if (d != null) {
        assertEquals(f.length, d.offset() + d.length());
      }
    }
  }
}
