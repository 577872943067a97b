package io.ipsecmesh.ike.ha;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link IkeRouting}: one owner per IKE SA by its initiator SPI, the same at every instance, spread evenly. */
class IkeRoutingTest {

  private static final Set<String> THREE = Set.of("ike-a", "ike-b", "ike-c");

  @Test
  void everyInstanceNamesTheSameSingleOwnerForADatagramAndItsSaId() {
    byte[] msg = new byte[28];
    msg[0] = 0x12;
    msg[7] = 0x34;
    String key = IkeRouting.keyOfDatagram(msg);
    assertEquals("1200000000000034", key);
    assertEquals(key, IkeRouting.keyOfSaId("1200000000000034:00000000000000ff"));
    int owners = 0;
    for (String self : THREE) {
      IkeRouting r = new IkeRouting(self);
      r.members(THREE);
      if (r.remoteOwner(key) == null) {
        owners++;
      }
    }
    assertEquals(1, owners, "exactly one instance keeps it");
  }

  @Test
  void whatNamesNoSaStaysLocal() {
    IkeRouting r = new IkeRouting("ike-a");
    r.members(THREE);
    assertNull(r.remoteOwner(IkeRouting.keyOfDatagram(new byte[27])), "shorter than an IKE header");
    assertNull(r.remoteOwner(IkeRouting.keyOfSaId("not-an-sa")));
    IkeRouting alone = new IkeRouting("ike-a");
    assertNull(alone.remoteOwner("1200000000000034"), "no members heard yet: everything is ours");
  }

  /**
   * Issue 13's figure: 1 000 SAs within 15 % of even over 3 instances. With random SPIs a count's standard
   * deviation is ~15 SAs, so 15 % (50) is ~3.4 sigma: the SPIs come from a fixed seed so the test is exact, and
   * {@link #theHashHasNoBiasOverManySpis} shows that the spread is the binomial one, not a skewed hash.
   */
  @Test
  void newIkeSasSpreadWithinFifteenPercentOfEvenOverThreeInstances() {
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(13);
    Map<String, Integer> count = new HashMap<>();
    IkeRouting r = new IkeRouting("observer");
    r.members(THREE);
    for (int i = 0; i < 1000; i++) {
      count.merge(r.remoteOwner(IkeRouting.key(rnd.nextLong())), 1, Integer::sum);
    }
    for (String m : THREE) {
      int n = count.getOrDefault(m, 0);
      assertTrue(Math.abs(n - 1000 / 3.0) <= 0.15 * 1000 / 3.0, m + " got " + n + " of 1000: " + count);
    }
  }

  @Test
  void theHashHasNoBiasOverManySpis() {
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(7);
    Map<String, Integer> count = new HashMap<>();
    IkeRouting r = new IkeRouting("observer");
    r.members(THREE);
    for (int i = 0; i < 300_000; i++) {
      count.merge(r.remoteOwner(IkeRouting.key(rnd.nextLong())), 1, Integer::sum);
    }
    for (String m : THREE) {
      assertTrue(Math.abs(count.get(m) - 100_000) < 1_000, m + ": " + count);
    }
  }

  @Test
  void anInitiatorFindsAnSpiItOwnsAndOnlyTheDeadInstancesSasMove() {
    IkeRouting a = new IkeRouting("ike-a");
    a.members(THREE);
    SecureRandom rnd = new SecureRandom();
    long spi;
    do {
      spi = rnd.nextLong();
    } while (!a.ownsSpi(spi));
    assertNull(a.remoteOwner(IkeRouting.key(spi)));

    IkeRouting before = new IkeRouting("observer");
    before.members(THREE);
    IkeRouting after = new IkeRouting("observer");
    after.members(Set.of("ike-a", "ike-b"));
    for (int i = 0; i < 1000; i++) {
      String key = IkeRouting.key(rnd.nextLong());
      String was = before.remoteOwner(key);
      if (!was.equals("ike-c")) {
        assertEquals(was, after.remoteOwner(key), "a survivor's SA stays where it is");
      } else {
        assertTrue(List.of("ike-a", "ike-b").contains(after.remoteOwner(key)));
      }
    }
  }
}
