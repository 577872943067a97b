package io.ipsecmesh.ike.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link ChildCreateTask} (RFC 7296 §1.3.1) on two established task managers without an engine. */
class ChildCreateTaskTest {

  @Test
  void aNewChildSaUnderTheEstablishedIkeSaIsMirroredOnBothSides() {
    TaskPeers n = new TaskPeers().established();
    n.aSa.tasks.queue(new ChildCreateTask(n.a));
    n.run();
    assertEquals(2, n.aEvents.installed.size());
    assertEquals(2, n.bEvents.installed.size());
    TaskTestSupport.assertMirrored(n.aEvents.installed.getLast(), n.bEvents.installed.getLast());
    assertEquals(n.aSa.id(), n.aEvents.installed.getLast().ikeSaId(), "same IKE SA");
    assertEquals(2, n.aSa.children.size());
    assertTrue(n.aSa.tasks.active().isEmpty(), "the exchange is over");
  }

  @Test
  void theResponderRefusesBeyondItsChildSaLimitWithNoAdditionalSas() {
    TaskPeers n = new TaskPeers(new IkeEngine.Limits(64, 4096, 30_000, 8, 1)).established();
    n.aSa.tasks.queue(new ChildCreateTask(n.a));
    n.run();
    assertEquals(1, n.aEvents.installed.size(), "nothing installed at a");
    assertEquals(1, n.bEvents.installed.size());
    assertEquals(1, n.aSa.children.size());
    assertEquals(IkeSa.State.ESTABLISHED, n.aSa.state, "a refused Child SA leaves the IKE SA up");
  }
}
