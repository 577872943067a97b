package io.ipsecmesh.ike.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipsecmesh.proto.ikev2.IkeConstants;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The liveness check (RFC 7296 §2.4) and the probe path of {@link TaskManager#probe}: dpd-service owns the
 * schedule, so nothing here retransmits or times a probe; the response of the exchange in flight is its one
 * acknowledgement.
 */
class LivenessTaskTest {

  private static long informationalRequestsFromA(TaskPeers n) {
    return n.sent.stream().filter(p -> p.from().equals(TestPeers.A) && !TaskPeers.isResponse(p)
        && TaskPeers.exchangeOf(p) == IkeConstants.INFORMATIONAL).count();
  }

  @Test
  void anEmptyInformationalIsAnsweredEmptyAndThatAcknowledgesTheProbeOnce() {
    TaskPeers n = new TaskPeers().established();
    int aLiveness = n.aEvents.liveness;
    int bLiveness = n.bEvents.liveness;
    List<Boolean> outcomes = new ArrayList<>();
    n.aSa.tasks.probe(0, outcomes::add);
    n.run();
    assertEquals(List.of(true), outcomes);
    assertEquals(1, informationalRequestsFromA(n));
    assertEquals(aLiveness, n.aEvents.liveness, "the answer acknowledged the probe, nothing else");
    assertEquals(bLiveness + 1, n.bEvents.liveness, "the request is a sign of life for b");
  }

  /**
   * dpd-service learns an IKE SA from {@code ike.peer.up}, after IKE_AUTH: a proof before it would reach no one,
   * so setting an SA up publishes none (one bus publish per IKE SA saved); the first one is the first message
   * after.
   */
  @Test
  void settingAnIkeSaUpIsNoLivenessProofTheFirstMessageAfterIs() {
    TaskPeers n = new TaskPeers().established();
    assertEquals(0, n.aEvents.liveness, "IKE_AUTH response: the SA was not up yet");
    assertEquals(0, n.bEvents.liveness, "IKE_AUTH request: the SA was not up yet");
    n.aSa.tasks.queue(new ChildCreateTask(n.a));
    n.run();
    assertEquals(1, n.aEvents.liveness);
    assertEquals(1, n.bEvents.liveness);
  }

  @Test
  void aProbeThatFindsAnExchangeOutstandingIsAnsweredByThatExchange() {
    TaskPeers n = new TaskPeers().established();
    n.drop = p -> p.from().equals(TestPeers.B); // the CREATE_CHILD_SA response is lost
    n.aSa.tasks.queue(new ChildCreateTask(n.a));
    n.run();
    int before = n.sent.size();
    List<Boolean> outcomes = new ArrayList<>();
    n.aSa.tasks.probe(0, outcomes::add);
    n.run();
    assertEquals(before, n.sent.size(), "no liveness check of its own: one exchange in flight (§2.3)");
    assertEquals(List.of(), outcomes);
    n.drop = p -> false;
    n.advance(RetransmitPolicy.DEFAULT.delayBefore(0)); // our retransmission of CREATE_CHILD_SA gets answered
    assertEquals(List.of(true), outcomes);
    assertEquals(0, informationalRequestsFromA(n));
    assertEquals(2, n.aEvents.installed.size(), "and the exchange itself completed");
  }

  @Test
  void anUnansweredProbeHasNoTimerHereAndEndsWithTheNextAttemptOrTheSa() {
    TaskPeers n = new TaskPeers().established();
    n.drop = p -> true;
    int before = n.sent.size();
    List<Boolean> outcomes = new ArrayList<>();
    n.aSa.tasks.probe(0, outcomes::add);
    n.run();
    n.advance(10 * 60_000);
    assertEquals(List.of(), outcomes, "no timer answers it");
    assertEquals(before + 1, n.sent.size(), "nor retransmits it: dpd-service's attempts do");
    n.aSa.tasks.probe(1, outcomes::add);
    n.run();
    assertEquals(List.of(false), outcomes, "attempt 1 supersedes attempt 0");
    assertEquals(before + 2, n.sent.size());
    assertArrayEquals(n.sent.get(before).bytes(), n.sent.get(before + 1).bytes(), "the same request again");
    n.a.teardown(n.aSa, "dpd");
    assertEquals(List.of(false, false), outcomes, "the SA went: the waiting attempt is answered no");
  }

  @Test
  void aPeerLivenessCheckIsAnsweredEmpty() {
    TaskPeers n = new TaskPeers().established();
    List<Boolean> outcomes = new ArrayList<>();
    n.bSa.tasks.probe(0, outcomes::add);
    n.run();
    assertEquals(List.of(true), outcomes);
    assertEquals(IkeSa.State.ESTABLISHED, n.aSa.state);
  }
}
