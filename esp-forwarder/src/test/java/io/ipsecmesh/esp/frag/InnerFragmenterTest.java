package io.ipsecmesh.esp.frag;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.esp.Packets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The fragmenter alone: equal sizes, RFC 791 header fields, options, fragments of fragments. */
class InnerFragmenterTest {

  private final InnerFragmenter fragmenter = new InnerFragmenter();
  private final List<byte[]> out = new ArrayList<>();
  private final InnerFragmenter.Sink sink = (buf, off, len) -> out.add(Arrays.copyOfRange(buf.array(), off, off + len));

  @ParameterizedTest(name = "{0} bytes into at most {1}: {2} fragments")
  @CsvSource({"1400, 1138, 2", "1400, 700, 3", "9000, 1438, 7", "1500, 576, 3", "100, 60, 2", "100, 40, 5"})
  void equalSizedFragmentsCarryTheWholePacket(int len, int max, int count) {
    byte[] p = TunnelHarness.inner(len, true);
    assertEquals(count, fragmenter.fragment(p, 0, len, max, sink));
    assertEquals(count, out.size());
    int size = out.get(0).length;
    for (int i = 0; i < count; i++) {
      byte[] f = out.get(i);
      assertTrue(f.length <= max, "fragment " + i + " fits: " + f.length);
      if (i < count - 1) {
        assertEquals(size, f.length, "all but the last have one size");
        assertEquals(0, (f.length - 20) % 8, "a multiple of 8 bytes of data");
      } else {
        assertTrue(f.length <= size && size - f.length < 8 * count, "the last carries the rest: " + f.length);
      }
    }
    assertArrayEquals(Arrays.copyOfRange(p, 20, len), PreFragmentationTableTest.reassemble(out));
  }

  @Test
  void aFragmentIsCutFurtherKeepingItsOffsetAndMf() {
    byte[] p = TunnelHarness.inner(1020, false);
    p[6] = 0x20 | 0; // MF, offset 800 bytes = 100 units
    p[7] = 100;
    p[10] = 0;
    p[11] = 0;
    int c = Packets.checksum(p, 0, 20);
    p[10] = (byte) (c >>> 8);
    p[11] = (byte) c;
    assertEquals(2, fragmenter.fragment(p, 0, p.length, 600, sink));
    int f0 = (out.get(0)[6] & 0xFF) << 8 | out.get(0)[7] & 0xFF;
    int f1 = (out.get(1)[6] & 0xFF) << 8 | out.get(1)[7] & 0xFF;
    assertEquals(0x2000 | 100, f0);
    assertEquals(0x2000, f1 & 0x2000, "MF stays on the last piece of a non-last fragment");
    assertEquals(100 + (out.get(0).length - 20) / 8, f1 & 0x1FFF);
  }

  @Test
  void onlyCopiedOptionsGoToLaterFragments() {
    byte[] base = TunnelHarness.inner(1000, false);
    // IHL 7: a router alert (type 148, copied) and a record-route-like option (type 7, not copied)
    byte[] p = new byte[base.length + 8];
    System.arraycopy(base, 0, p, 0, 20);
    p[0] = 0x47;
    p[20] = (byte) 148;
    p[21] = 4;
    p[24] = 7;
    p[25] = 3;
    p[26] = 4;
    p[27] = 0;
    System.arraycopy(base, 20, p, 28, base.length - 20);
    p[2] = (byte) (p.length >>> 8);
    p[3] = (byte) p.length;
    assertEquals(2, fragmenter.fragment(p, 0, p.length, 600, sink));
    assertEquals(0x47, out.get(0)[0] & 0xFF, "the first fragment keeps every option");
    assertEquals(0x46, out.get(1)[0] & 0xFF, "later ones only the copied router alert");
    assertEquals((byte) 148, out.get(1)[20]);
    assertEquals(0, Packets.checksum(out.get(1), 0, 24));
  }

  @Test
  void whatCannotBeCutIsRefused() {
    assertEquals(-1, fragmenter.fragment(new byte[] {0x60, 0, 0, 0}, 0, 4, 100, sink), "IPv6");
    byte[] p = TunnelHarness.inner(100, false);
    assertEquals(-1, fragmenter.fragment(p, 0, 100, 27, sink), "less than 8 bytes of data per fragment");
    assertTrue(out.isEmpty());
  }
}
