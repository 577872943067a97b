package io.ipsecmesh.proto.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Rendezvous hashing over the live instances, and the heartbeat bookkeeping that decides who is live. */
class OwnershipTest {

  @Test
  void rendezvous_isBalancedAndMovesOnlyTheLeavingMembersKeys() {
    Set<String> three = Set.of("dpd-a", "dpd-b", "dpd-c");
    Set<String> two = Set.of("dpd-a", "dpd-c");
    Map<String, Integer> load = new HashMap<>();
    int moved = 0;
    for (int i = 0; i < 30_000; i++) {
      String key = "ike-" + i;
      String before = RendezvousHash.owner(key, three);
      load.merge(before, 1, Integer::sum);
      String after = RendezvousHash.owner(key, two);
      if (!before.equals(after)) {
        moved++;
        assertEquals("dpd-b", before, "only the leaving member's keys move");
      }
    }
    for (int n : load.values()) {
      assertTrue(n > 9_000 && n < 11_000, "about a third each: " + load);
    }
    assertEquals(load.get("dpd-b"), moved);
  }

  @Test
  void membership_heartbeatsTimeoutAndLeaving() {
    InstanceMembership m = new InstanceMembership("a", 3_000);
    assertTrue(m.join());
    assertFalse(m.join(), "joined once");
    assertEquals(Set.of("a"), m.members());
    assertTrue(m.heard("b", false, 0));
    assertFalse(m.heard("b", false, 1_000), "a repeated heartbeat changes nothing");
    assertTrue(m.heard("c", false, 2_000));
    assertFalse(m.expire(4_000));
    assertTrue(m.expire(4_001), "b silent for more than 3 s");
    assertEquals(Set.of("a", "c"), m.members());
    assertTrue(m.heard("c", true, 4_500), "c left in an orderly way");
    assertEquals(Set.of("a"), m.members());
  }

  @Test
  void anInstanceThatHasNotJoinedOwnsNothing_andEveryKeyHasExactlyOneOwner() {
    InstanceMembership a = new InstanceMembership("natk-a", 3_000);
    InstanceMembership b = new InstanceMembership("natk-b", 3_000);
    a.join();
    b.heard("natk-a", false, 0); // b listens: it hears a, has not announced itself
    Ownership ofA = new Ownership(a);
    Ownership ofB = new Ownership(b);
    for (int i = 0; i < 100; i++) {
      assertTrue(ofA.ownedHere("path-" + i));
      assertFalse(ofB.ownedHere("path-" + i), "b has not joined");
    }
    b.join();
    a.heard("natk-b", false, 1_500);
    ofA.refresh();
    ofB.refresh();
    int ownedByA = 0;
    for (int i = 0; i < 100; i++) {
      String key = "path-" + i;
      assertTrue(ofA.ownedHere(key) ^ ofB.ownedHere(key), key + " has exactly one owner");
      ownedByA += ofA.ownedHere(key) ? 1 : 0;
    }
    assertTrue(ownedByA > 30 && ownedByA < 70, "split about evenly: " + ownedByA);
  }
}
