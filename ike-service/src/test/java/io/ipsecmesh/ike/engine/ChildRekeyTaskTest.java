package io.ipsecmesh.ike.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link ChildRekeyTask} (RFC 7296 §1.3.3, §2.8) on two established task managers without an engine. */
class ChildRekeyTaskTest {

  @Test
  void aRekeyInstallsTheNewSaAndDeletesTheOldOnBothSides() {
    TaskPeers n = new TaskPeers().established();
    ChildSaState old = n.aSa.children.getFirst();
    n.aSa.tasks.queue(new ChildRekeyTask(n.a, old));
    n.run();
    TaskTestSupport.assertOneLiveMirroredPair(n);
    assertFalse(TaskPeers.live(n.aEvents).contains(old.inboundSpi()));
    assertEquals(List.of("rekey"), n.aEvents.deleted.stream().map(d -> d.reason()).toList());
    assertEquals(List.of("delete"), n.bEvents.deleted.stream().map(d -> d.reason()).toList(),
        "b deleted its end on a's DELETE");
  }

  @Test
  void simultaneousRekeysOfTheSameSaAreResolvedByTaskTypeAndLeaveOneNewSa() {
    for (int round = 0; round < 8; round++) { // nonces are random: both outcomes of §2.8.1 get exercised
      TaskPeers n = new TaskPeers().established();
      ChildSaState first = n.aSa.children.getFirst();
      n.aSa.tasks.queue(new ChildRekeyTask(n.a, first));
      n.bSa.tasks.queue(new ChildRekeyTask(n.b, n.bSa.children.getFirst()));
      n.run();
      TaskTestSupport.assertOneLiveMirroredPair(n);
      assertFalse(TaskPeers.live(n.aEvents).contains(first.inboundSpi()), "the old SA is gone, round " + round);
      assertEquals(1, n.aSa.children.size());
      assertEquals(1, n.bSa.children.size());
    }
  }

  @Test
  void aRekeyOfAnSaThePeerNoLongerHasIsRefusedAndTheOldStays() {
    TaskPeers n = new TaskPeers().established();
    ChildSaState old = n.aSa.children.getFirst();
    n.b.removeChild(n.bSa, n.bSa.children.getFirst(), "lost"); // b forgot it without telling a
    n.aSa.tasks.queue(new ChildRekeyTask(n.a, old));
    n.run();
    assertEquals(List.of(old.inboundSpi()), TaskPeers.live(n.aEvents), "CHILD_SA_NOT_FOUND: nothing new at a");
    assertEquals(1, n.bEvents.installed.size());
  }

  @Test
  void theRespondersAnswerLeavesOnlyOnceItsForwarderAcceptsTheNewInboundSa() {
    TaskPeers n = new TaskPeers().established();
    n.bEvents.confirms = false; // b's forwarder has not taken the install yet
    n.aSa.tasks.queue(new ChildRekeyTask(n.a, n.aSa.children.getFirst()));
    n.run();
    ChildSaState fresh = n.bSa.children.getLast();
    assertEquals(2, n.bSa.children.size(), "b installed the new SA");
    assertEquals(1, n.aSa.children.size(), "RFC 7296 2.8: a has no answer yet, so it cannot send on the new SA");
    n.b.confirmations.accepted(fresh.inboundSpi()); // b's forwarder: sa.child.accepted
    n.run();
    TaskTestSupport.assertOneLiveMirroredPair(n);
    assertEquals(0, n.b.confirmations.unconfirmed());
  }

  @Test
  void withNoForwarderConfirmingTheAnswerLeavesAfterTheBound() {
    TaskPeers n = new TaskPeers().established();
    n.bEvents.confirms = false;
    n.aSa.tasks.queue(new ChildRekeyTask(n.a, n.aSa.children.getFirst()));
    n.run();
    n.advance(InstallConfirmations.TIMEOUT_MILLIS - 1);
    assertEquals(1, n.aSa.children.size(), "still held");
    n.advance(1);
    TaskTestSupport.assertOneLiveMirroredPair(n);
    assertEquals(1, n.b.confirmations.unconfirmed());
  }

  @Test
  void theInitiatorDeletesTheOldSaOnlyOnceItsForwarderAcceptsTheNewOne() {
    TaskPeers n = new TaskPeers().established();
    ChildSaState old = n.aSa.children.getFirst();
    n.aEvents.confirms = false; // a's forwarder has not taken the install yet
    n.aSa.tasks.queue(new ChildRekeyTask(n.a, old));
    n.run();
    ChildSaState fresh = n.aSa.children.getLast();
    assertEquals(1, n.aSa.children.size(), "a installed the new SA and let go of the old one");
    assertEquals(2, n.bSa.children.size(), "no DELETE yet: b would move its traffic to an SA a's forwarder lacks");
    assertEquals(List.of(), n.bEvents.deleted);
    n.a.confirmations.accepted(fresh.inboundSpi()); // a's forwarder: sa.child.accepted
    n.run();
    TaskTestSupport.assertOneLiveMirroredPair(n);
    assertEquals(List.of("delete"), n.bEvents.deleted.stream().map(d -> d.reason()).toList());
    assertEquals(0, n.a.confirmations.unconfirmed());
  }

  @Test
  void withNoForwarderConfirmingTheInitiatorDeletesTheOldSaAfterTheBound() {
    TaskPeers n = new TaskPeers().established();
    n.aEvents.confirms = false;
    n.aSa.tasks.queue(new ChildRekeyTask(n.a, n.aSa.children.getFirst()));
    n.run();
    n.advance(InstallConfirmations.TIMEOUT_MILLIS - 1);
    assertEquals(2, n.bSa.children.size(), "the DELETE is still held");
    n.advance(1);
    TaskTestSupport.assertOneLiveMirroredPair(n);
    assertEquals(1, n.a.confirmations.unconfirmed());
  }
}
