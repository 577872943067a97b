package io.ipsecmesh.ike.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link IkeRekeyTask} (RFC 7296 §1.3.2, §2.18, §2.8.2) on two established task managers without an engine. */
class IkeRekeyTaskTest {

  private static IkeSa only(SaServices side) {
    List<IkeSa> all = side.table.all();
    assertEquals(1, all.size(), "IKE SAs " + all.stream().map(IkeSa::id).toList());
    return all.getFirst();
  }

  @Test
  void theNewIkeSaTakesOverTheChildSasAndTheOldOneIsDeleted() {
    TaskPeers n = new TaskPeers().established();
    IkeSa oldA = n.aSa;
    n.aSa.tasks.queue(new IkeRekeyTask(n.a));
    n.run();
    IkeSa newA = only(n.a);
    IkeSa newB = only(n.b);
    assertNotEquals(oldA.id(), newA.id());
    assertEquals(newA.id(), newB.id());
    assertEquals(IkeSa.State.DELETED, oldA.state);
    assertArrayEquals(newA.keys.skD, newB.keys.skD, "both derived the same new SK_d (§2.18)");
    assertEquals(List.of("rekeyed"), n.aEvents.down);
    assertEquals(List.of("rekeyed"), n.bEvents.down);
    assertEquals(List.of(), n.aEvents.deleted, "the Child SA survives");
    assertEquals(newA.id(), n.aEvents.rebound.getLast().ikeSaId());
    assertEquals(newA.id(), n.bEvents.rebound.getLast().ikeSaId());
    assertEquals(1, newA.children.size());
  }

  @Test
  void simultaneousIkeRekeysAreResolvedByTaskTypeAndLeaveOneIkeSaWithTheChildSa() {
    for (int round = 0; round < 8; round++) { // random nonces: both outcomes of §2.8.2
      TaskPeers n = new TaskPeers().established();
      n.aSa.tasks.queue(new IkeRekeyTask(n.a));
      n.bSa.tasks.queue(new IkeRekeyTask(n.b));
      n.run();
      IkeSa a = only(n.a);
      IkeSa b = only(n.b);
      assertEquals(a.id(), b.id(), "both keep the same IKE SA, round " + round);
      assertArrayEquals(a.keys.skD, b.keys.skD);
      assertEquals(1, a.children.size(), "round " + round);
      assertEquals(1, b.children.size());
      assertEquals(List.of(), n.aEvents.deleted);
      assertEquals(List.of(), n.bEvents.deleted);
    }
  }
}
