package io.ipsecmesh.proto.sa;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SharedMapsTest {

  /** The Child SA map's keys are shared across processes and releases: their text must not change. */
  @Test
  void spiKeyIsEightLowerCaseHexDigitsOfTheLow32Bits() {
    assertEquals("00000000", SharedMaps.spiKey(0));
    assertEquals("00000001", SharedMaps.spiKey(1));
    assertEquals("0000abcd", SharedMaps.spiKey(0xabcd));
    assertEquals("c1a2b3d4", SharedMaps.spiKey(0xc1a2b3d4L));
    assertEquals("80000000", SharedMaps.spiKey(0x80000000L));
    assertEquals("ffffffff", SharedMaps.spiKey(0xffffffffL));
    // a negative int widened to long (sign-extended) and bits above 32: only the low 32 bits count
    assertEquals("ffffffff", SharedMaps.spiKey(-1L));
    assertEquals("deadbeef", SharedMaps.spiKey((long) 0xdeadbeef));
    assertEquals("00000010", SharedMaps.spiKey(0x1_0000_0010L));
  }

  @Test
  void spiKeyMatchesTheFormatItReplaces() {
    long[] spis = {0, 7, 0x0f, 0x10, 0x1234_5678L, 0x7fff_ffffL, 0x8000_0001L, 0xfedc_ba98L, -2L,
        Long.MIN_VALUE, Long.MAX_VALUE, 0x0123_4567_89ab_cdefL};
    for (long spi : spis) {
      assertEquals(String.format("%08x", spi & 0xffffffffL), SharedMaps.spiKey(spi), Long.toHexString(spi));
    }
    java.util.SplittableRandom r = new java.util.SplittableRandom(14);
    for (int i = 0; i < 10_000; i++) {
      long spi = r.nextLong();
      assertEquals(String.format("%08x", spi & 0xffffffffL), SharedMaps.spiKey(spi));
    }
  }
}
