package io.ipsecmesh.ike.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipsecmesh.proto.sa.ChildSa;
import java.util.List;

/** Assertions the task tests share. */
final class TaskTestSupport {

  private TaskTestSupport() {}

  /** Two ends of one Child SA: SPIs crossed, each side's inbound keys the other's outbound ones. */
  static void assertMirrored(ChildSa a, ChildSa b) {
    assertEquals(a.inboundSpi(), b.outboundSpi());
    assertEquals(a.outboundSpi(), b.inboundSpi());
    assertArrayEquals(TestPeers.WRAP.unwrap(a.wrappedInboundKeys()), TestPeers.WRAP.unwrap(b.wrappedOutboundKeys()));
    assertArrayEquals(TestPeers.WRAP.unwrap(a.wrappedOutboundKeys()), TestPeers.WRAP.unwrap(b.wrappedInboundKeys()));
  }

  static ChildSa installed(TestPeers.Recorder r, long inboundSpi) {
    return r.installed.stream().filter(c -> c.inboundSpi() == inboundSpi).reduce((x, y) -> y).orElseThrow();
  }

  /** The one live Child SA of each side, mirrored. */
  static void assertOneLiveMirroredPair(TaskPeers n) {
    List<Long> aLive = TaskPeers.live(n.aEvents);
    List<Long> bLive = TaskPeers.live(n.bEvents);
    assertEquals(1, aLive.size(), "a's live Child SAs " + aLive);
    assertEquals(1, bLive.size(), "b's live Child SAs " + bLive);
    assertMirrored(installed(n.aEvents, aLive.get(0)), installed(n.bEvents, bLive.get(0)));
  }
}
