package io.ipsecmesh.esp.steer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.esp.EspHeader;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SteeringProbeTest {

  @Test
  void aProbeCarriesItsIndexAndNonce() {
    byte[] p = SteeringProbe.encode(7, 0x0123_4567_89AB_CDEFL);
    assertEquals(SteeringProbe.BYTES, p.length);
    assertEquals(0xFFFF_FF07L, EspHeader.readSpi(p, 0) & 0xFFFF_FFFFL);
    assertTrue(SteeringProbe.isProbe(p, 0, p.length));
    assertEquals(7, SteeringProbe.index(p, 0, p.length));
    assertEquals(0x0123_4567_89AB_CDEFL, SteeringProbe.nonce(p, 0));
    byte[] at = new byte[40];
    System.arraycopy(p, 0, at, 11, p.length);
    assertEquals(7, SteeringProbe.index(at, 11, p.length));
    assertEquals(255, SteeringProbe.index(SteeringProbe.encode(255, -1L), 0, SteeringProbe.BYTES));
  }

  @Test
  void espOfAManualSaInTheProbeRangeIsNotAProbe() {
    byte[] esp = new byte[60]; // SPI 0xFFFFFF03, RFC 4303 §2: header, IV, payload, ICV
    esp[0] = esp[1] = esp[2] = (byte) 0xFF;
    esp[3] = 3;
    esp[7] = 1;
    assertFalse(SteeringProbe.isProbe(esp, 0, esp.length));
    assertEquals(SteeringProbe.NOT_A_PROBE, SteeringProbe.index(esp, 0, esp.length));
    byte[] sameLength = Arrays.copyOf(esp, SteeringProbe.BYTES); // even one of 20 bytes lacks the magic
    assertFalse(SteeringProbe.isProbe(sameLength, 0, sameLength.length));
    byte[] p = SteeringProbe.encode(3, 1L);
    assertFalse(SteeringProbe.isProbe(p, 0, p.length - 1));
    p[0] = 0x7F;
    assertFalse(SteeringProbe.isProbe(p, 0, p.length));
  }

  @Test
  void indicesOutsideTheProbeRangeAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> SteeringProbe.encode(256, 0));
    assertThrows(IllegalArgumentException.class, () -> SteeringProbe.encode(-1, 0));
  }

  @Test
  void ikeServiceNeverAllocatesAProbeSpi() {
    assertTrue(EspHeader.allocatable(256));
    assertTrue(EspHeader.allocatable(0xFFFF_FEFFL));
    assertFalse(EspHeader.allocatable(0xFFFF_FF00L));
    assertFalse(EspHeader.allocatable(0xFFFF_FFFFL));
    assertFalse(EspHeader.allocatable(255));
  }
}
