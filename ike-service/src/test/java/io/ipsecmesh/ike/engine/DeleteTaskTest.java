package io.ipsecmesh.ike.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link DeleteTask} (RFC 7296 §1.4.1) on two established task managers without an engine. */
class DeleteTaskTest {

  @Test
  void aChildSaDeleteIsAnsweredAndTheSaGoesOnBothSides() {
    TaskPeers n = new TaskPeers().established();
    ChildSaState c = n.aSa.children.getFirst();
    n.a.removeChild(n.aSa, c, "lifetime");
    n.aSa.tasks.queue(DeleteTask.child(n.a, "DELETE-CHILD", c.inboundSpi()));
    n.run();
    assertEquals(List.of(), n.bSa.children);
    assertEquals(List.of("delete"), n.bEvents.deleted.stream().map(d -> d.reason()).toList());
    assertEquals(c.outboundSpi(), n.bEvents.deleted.getFirst().inboundSpi());
    assertTrue(n.aSa.tasks.active().isEmpty(), "b answered");
    assertEquals(IkeSa.State.ESTABLISHED, n.bSa.state, "the IKE SA stays");
  }

  @Test
  void deletingTheIkeSaEndsItOnBothSides() {
    TaskPeers n = new TaskPeers().established();
    n.aSa.tasks.queue(DeleteTask.ike(n.a, "DELETE-IKE", () -> n.a.teardown(n.aSa, "clear")));
    n.run();
    assertEquals(IkeSa.State.DELETED, n.aSa.state);
    assertEquals(IkeSa.State.DELETED, n.bSa.state);
    assertEquals(List.of("clear"), n.aEvents.down);
    assertEquals(List.of("delete"), n.bEvents.down);
    assertEquals(0, n.a.table.size());
    assertEquals(0, n.b.table.size());
  }

  @Test
  void whenNoAnswerComesTheFollowUpStillRuns() {
    TaskPeers n = new TaskPeers().established();
    n.drop = p -> true;
    boolean[] done = {false};
    n.aSa.tasks.queue(DeleteTask.ike(n.a, "DELETE-IKE", () -> done[0] = true));
    n.run();
    n.advance(RetransmitPolicy.DEFAULT.giveUpAfter());
    assertTrue(done[0]);
    assertEquals(IkeSa.State.DELETED, n.aSa.state, "an unanswered request ends the IKE SA");
  }
}
