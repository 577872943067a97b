package io.ipsecmesh.esp.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ZeroizableKeyTest {
  @Test
  void holdsACopyHandsOutCopiesAndForgetsOnDestroy() {
    byte[] material = HexFormat.of().parseHex("00112233445566778899aabbccddeeff0102");
    ZeroizableKey k = new ZeroizableKey("AES", material, 1, 16);
    material[1] = 0;
    byte[] expected = HexFormat.of().parseHex("112233445566778899aabbccddeeff01");
    assertArrayEquals(expected, k.getEncoded(), "a copy, independent of the caller's array");
    k.getEncoded()[0] = 0;
    assertArrayEquals(expected, k.getEncoded(), "callers get copies");
    assertFalse(k.toString().contains("1122"), "no key bytes in toString");
    assertEquals("RAW", k.getFormat());
    k.destroy();
    assertTrue(k.isDestroyed());
    assertThrows(IllegalStateException.class, k::getEncoded);
  }
}
