package io.ipsecmesh.proto.esp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class EspHeaderAndPaddingTest {
  @Test
  void headerIsSpiThenLow32BitsOfSequenceInNetworkOrder() {
    byte[] b = new byte[10];
    EspHeader.write(b, 1, 0x2b79cc32, 0x0000_0007_8000_0001L);
    assertEquals("002b79cc328000000100", HexFormat.of().formatHex(b));
    assertEquals(0x2b79cc32, EspHeader.readSpi(b, 1));
    assertEquals(0x8000_0001L, EspHeader.readSeqLow(b, 1));
    EspHeader.writeLong(b, 0, 0x0102030405060708L);
    assertEquals(0x0102030405060708L, EspHeader.readLong(b, 0));
  }

  @Test
  void padFillsTheBlockIncludingTheTwoTrailerBytes() {
    // RFC 4303 §2.4: payload + pad + 2 is a multiple of the alignment
    for (int align : new int[] {4, 16}) {
      for (int len = 0; len < 100; len++) {
        int pad = EspPadding.padLength(len, align);
        assertEquals(0, (len + pad + 2) % align);
        assertTrue(pad >= 0 && pad < align);
      }
    }
    assertEquals(2, EspPadding.padLength(0, 4));
    assertEquals(14, EspPadding.padLength(0, 16));
    assertEquals(0, EspPadding.padLength(14, 16));
    assertEquals(4, EspPadding.alignment(1));
    assertEquals(16, EspPadding.alignment(16));
  }

  @Test
  void defaultPaddingIsMonotonicFromOne() {
    byte[] b = new byte[8];
    EspPadding.writePad(b, 2, 5);
    assertEquals("0000010203040500", HexFormat.of().formatHex(b));
    assertTrue(EspPadding.isMonotonic(b, 2, 5));
    assertTrue(EspPadding.isMonotonic(b, 0, 0));
    b[4] = 9;
    assertFalse(EspPadding.isMonotonic(b, 2, 5));
  }

  @Test
  void nextHeaderTellsTunnelFromTransport() {
    assertTrue(EspNextHeader.isTunnel(EspNextHeader.IPV4));
    assertTrue(EspNextHeader.isTunnel(EspNextHeader.IPV6));
    assertFalse(EspNextHeader.isTunnel(EspNextHeader.UDP));
    assertFalse(EspNextHeader.isTunnel(EspNextHeader.NO_NEXT_HEADER));
  }
}
