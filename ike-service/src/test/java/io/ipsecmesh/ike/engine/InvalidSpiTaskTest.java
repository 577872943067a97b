package io.ipsecmesh.ike.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link InvalidSpiTask} (RFC 7296 §2.21.4) on two established task managers without an engine. */
class InvalidSpiTaskTest {

  @Test
  void theNotifyMakesThePeerDropTheSaItSendsOn() {
    TaskPeers n = new TaskPeers().established();
    long ours = n.aSa.children.getFirst().inboundSpi(); // b sends ESP to a on it
    n.aSa.tasks.queue(InvalidSpiTask.notifying(n.a, List.of(ours)));
    n.run();
    assertEquals(List.of(), n.bSa.children);
    assertEquals(List.of("invalid-spi"), n.bEvents.deleted.stream().map(d -> d.reason()).toList());
    assertEquals(ours, n.bEvents.deleted.getFirst().outboundSpi());
    assertEquals(1, n.aSa.children.size(), "the notify changes nothing at its sender");
  }

  @Test
  void anSpiThePeerDoesNotSendOnChangesNothing() {
    TaskPeers n = new TaskPeers().established();
    n.aSa.tasks.queue(InvalidSpiTask.notifying(n.a, List.of(0x12345678L)));
    n.run();
    assertEquals(1, n.bSa.children.size());
    assertEquals(List.of(), n.bEvents.deleted);
  }
}
