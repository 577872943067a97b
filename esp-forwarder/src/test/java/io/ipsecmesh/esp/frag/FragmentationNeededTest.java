package io.ipsecmesh.esp.frag;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipsecmesh.esp.Packets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** RFC 792 / RFC 1191 layout of the ICMP fragmentation-needed message. */
class FragmentationNeededTest {

  @Test
  void typeCodeMtuQuoteAndChecksum() {
    byte[] p = TunnelHarness.inner(1400, true);
    byte[] m = new byte[FragmentationNeeded.MAX_LENGTH];
    int n = FragmentationNeeded.write(m, p, 0, p.length, 1138);
    assertEquals(8 + 20 + 8, n);
    assertEquals(3, m[0]);
    assertEquals(4, m[1]);
    assertEquals(0, m[4] | m[5], "unused");
    assertEquals(1138, (m[6] & 0xFF) << 8 | m[7] & 0xFF);
    assertArrayEquals(Arrays.copyOf(p, 28), Arrays.copyOfRange(m, 8, 36));
    assertEquals(0, Packets.checksum(m, 0, n), "ICMP checksum");
    assertEquals(-1, FragmentationNeeded.write(m, new byte[] {0x60, 0}, 0, 2, 1280), "not IPv4");
  }
}
