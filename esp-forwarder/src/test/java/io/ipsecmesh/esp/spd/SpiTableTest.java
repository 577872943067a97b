package io.ipsecmesh.esp.spd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SpiTableTest {

  @Test
  void behavesLikeAMapUnderRandomChanges() {
    Random rnd = new Random(4303);
    Map<Integer, String> model = new HashMap<>();
    SpiTable<String> t = SpiTable.empty();
    for (int i = 0; i < 5000; i++) {
      int spi = rnd.nextInt(300) + 256; // collisions and re-insertions on purpose
      if (rnd.nextInt(3) == 0) {
        model.remove(spi);
        t = t.without(spi);
      } else {
        String v = "sa" + i;
        model.put(spi, v);
        t = t.with(spi, v);
      }
      assertEquals(model.size(), t.size());
    }
    for (int spi = 0; spi < 700; spi++) {
      assertEquals(model.get(spi), t.get(spi), "spi " + spi);
    }
  }

  @Test
  void unsignedSpisAboveTwoToThe31AreKeys() {
    SpiTable<String> t = SpiTable.<String>empty().with(0xF0000001, "high");
    assertEquals("high", t.get(0xF0000001));
    assertNull(t.get(0x70000001));
  }

  @Test
  void oldSnapshotIsUnchangedByCopies() {
    SpiTable<String> one = SpiTable.<String>empty().with(1000, "a");
    SpiTable<String> two = one.with(2000, "b").without(1000);
    assertSame("a", one.get(1000));
    assertNull(one.get(2000));
    assertNull(two.get(1000));
  }

  @Test
  void spiZeroIsNeverAKey() {
    assertNull(SpiTable.empty().get(0));
    assertThrows(IllegalArgumentException.class, () -> SpiTable.<String>empty().with(0, "x"));
  }
}
