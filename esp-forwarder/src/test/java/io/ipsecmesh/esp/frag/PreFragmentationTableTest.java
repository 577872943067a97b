package io.ipsecmesh.esp.frag;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.config.DfBit;
import io.ipsecmesh.proto.config.Fragmentation;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Table 2 of seed 003 ("Pre-Fragmentation for IPsec VPNs Dependencies"), every row, in-process: a
 * 1400-byte inner packet towards an egress {@code ip mtu 1200} (manual keys, so CBC+HMAC: AES-256-CBC with
 * HMAC-SHA-256-128 in UDP, 1118 bytes of inner packet fit).
 */
class PreFragmentationTableTest {

  static final int MTU = 1200;
  /** (1200 - 20 IPv4 - 8 UDP - 8 ESP header - 16 IV - 16 ICV) rounded down to 16 (the AES block), minus 2 trailer bytes. */
  static final int INNER_MTU = 1118;

  enum Result { BEFORE, AFTER, DROP }

  @ParameterizedTest(name = "pre-fragmentation {0}, df-bit {1}, inner DF {2}: {3}")
  @CsvSource({
      "ENABLED, CLEAR, 0, BEFORE",
      "ENABLED, CLEAR, 1, BEFORE",
      "DISABLED, CLEAR, 0, AFTER",
      "DISABLED, CLEAR, 1, AFTER",
      "ENABLED, SET, 0, BEFORE",
      "ENABLED, SET, 1, DROP",
      "DISABLED, SET, 0, AFTER",
      "DISABLED, SET, 1, DROP",
      "ENABLED, COPY, 0, BEFORE",
      "ENABLED, COPY, 1, DROP",
      "DISABLED, COPY, 0, AFTER",
      "DISABLED, COPY, 1, DROP"})
  void row(String preFrag, DfBit df, int innerDf, Result expected) throws Exception {
    TunnelHarness h = new TunnelHarness();
    Fragmentation f = preFrag.equals("ENABLED") ? Fragmentation.BEFORE_ENCRYPTION : Fragmentation.AFTER_ENCRYPTION;
    h.policy(new TunnelMtuPolicy(df, f, MTU));
    byte[] inner = TunnelHarness.inner(1400, innerDf == 1);
    List<TunnelHarness.Outer> sent = h.send(inner);
    List<byte[]> atB = h.receivedAtB();
    switch (expected) {
      case BEFORE -> {
        assertEquals(2, sent.size(), "two ESP packets, one per inner fragment");
        for (TunnelHarness.Outer o : sent) {
          assertTrue(28 + o.esp().length <= MTU, "each ESP packet fits the MTU: " + o.esp().length);
          assertEquals(df == DfBit.SET, o.df(), "outer DF of a fragment: set only by df-bit set");
        }
        assertEquals(2, atB.size());
        // equal-sized: 716 and 704 bytes (696 bytes of data, a multiple of 8, then the rest)
        assertEquals(716, atB.get(0).length);
        assertEquals(704, atB.get(1).length);
        assertArrayEquals(java.util.Arrays.copyOfRange(inner, 20, inner.length), reassemble(atB),
            "the fragments B decrypted reassemble to the packet's data");
        for (byte[] frag : atB) {
          assertArrayEquals(java.util.Arrays.copyOfRange(inner, 12, 20), java.util.Arrays.copyOfRange(frag, 12, 20));
          assertEquals(inner[4] << 8 | inner[5] & 0xFF, frag[4] << 8 | frag[5] & 0xFF, "one identification");
        }
        assertEquals(1, h.stats().fragmentedBeforeEncryption);
        assertEquals(2, h.stats().fragmentsSent);
      }
      case AFTER -> {
        assertEquals(1, sent.size());
        assertTrue(28 + sent.get(0).esp().length > MTU, "one ESP packet above the MTU");
        assertFalse(sent.get(0).df(), "DF clear, so the IP layer fragments it");
        assertEquals(1, atB.size());
        assertArrayEquals(inner, atB.get(0));
        assertEquals(1, h.stats().fragmentedAfterEncryption);
      }
      case DROP -> {
        assertEquals(0, sent.size());
        assertEquals(0, atB.size());
        assertEquals(1, h.stats().dfDrops);
        assertEquals(1, h.icmp.size());
        byte[] m = h.icmp.get(0).message();
        assertEquals(3, m[0], "destination unreachable");
        assertEquals(4, m[1], "fragmentation needed and DF set");
        assertEquals(INNER_MTU, (m[6] & 0xFF) << 8 | m[7] & 0xFF, "next-hop MTU = what the tunnel carries");
        assertEquals(0x0A5B1F0A, h.icmp.get(0).dstV4(), "to the inner source 10.91.31.10");
        assertArrayEquals(java.util.Arrays.copyOf(inner, 28), java.util.Arrays.copyOfRange(m, 8, 36),
            "quotes the IP header and 8 bytes");
      }
    }
  }

  /** The data of one datagram's fragments (in order, as sent), checking offsets, MF, DF and checksums. */
  static byte[] reassemble(List<byte[]> fragments) {
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    int expectedOffset = 0;
    for (int i = 0; i < fragments.size(); i++) {
      byte[] f = fragments.get(i);
      int ihl = (f[0] & 0x0F) * 4;
      int flags = (f[6] & 0xFF) << 8 | f[7] & 0xFF;
      assertEquals(expectedOffset, (flags & 0x1FFF) * 8, "fragment offset");
      assertEquals(i < fragments.size() - 1, (flags & 0x2000) != 0, "MF on all but the last");
      assertEquals(0, flags & 0x4000, "fragments carry no DF");
      assertEquals(0, io.ipsecmesh.esp.Packets.checksum(f, 0, ihl), "header checksum");
      data.write(f, ihl, f.length - ihl);
      expectedOffset += f.length - ihl;
    }
    return data.toByteArray();
  }
}
