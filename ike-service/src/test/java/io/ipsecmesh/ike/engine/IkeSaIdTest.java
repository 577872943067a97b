package io.ipsecmesh.ike.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The IKE SA id keys the shared maps and the checkpoints across processes and releases: its text must not change. */
class IkeSaIdTest {

  private static IkeSa sa(long spiI, long spiR) {
    IkeSa sa = new IkeSa(false, spiI, null, 1, "172.31.255.2", 500, "172.31.255.1", 500, 0);
    sa.spiR = spiR;
    return sa;
  }

  @Test
  void sixteenLowerCaseHexDigitsEachSideOfTheColon() {
    assertEquals("0000000000000000:0000000000000000", sa(0, 0).id());
    assertEquals("0000000000000001:00000000000000ff", sa(1, 0xff).id());
    assertEquals("8000000000000000:ffffffffffffffff", sa(Long.MIN_VALUE, -1L).id());
    assertEquals("deadbeefcafef00d:7fffffffffffffff", sa(0xdeadbeefcafef00dL, Long.MAX_VALUE).id());
  }

  @Test
  void theSameTextAsTheFormatItReplaces() {
    SplittableRandom r = new SplittableRandom(14);
    for (int i = 0; i < 10_000; i++) {
      long spiI = r.nextLong();
      long spiR = i % 3 == 0 ? 0 : r.nextLong();
      assertEquals(String.format("%016x:%016x", spiI, spiR), sa(spiI, spiR).id());
    }
  }
}
