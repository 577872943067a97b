package io.ipsecmesh.proto.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipsecmesh.proto.bus.ReplayCache.Verdict;
import org.junit.jupiter.api.Test;

/** The replay cache in explicit time: a nonce once per origin, eviction by timestamp, refusal when full. */
class ReplayCacheTest {

  private static final long T = 1_800_000_000_000L;

  @Test
  void aNonceIsAcceptedAgainOnlyFromTheSameOrigin() {
    ReplayCache cache = new ReplayCache(8, 30_000);
    Object received = new Object();
    assertEquals(Verdict.ACCEPTED, cache.check("n1", T, received, T));
    assertEquals(Verdict.ACCEPTED, cache.check("n1", T, received, T + 5)); // another local delivery
    assertEquals(Verdict.REPLAYED, cache.check("n1", T, new Object(), T + 10)); // the same bytes again
    assertEquals(Verdict.ACCEPTED, cache.check("n2", T, new Object(), T + 10));
  }

  @Test
  void aNonceIsRememberedUntilItsTimestampLeavesTheWindow() {
    ReplayCache cache = new ReplayCache(8, 30_000);
    assertEquals(Verdict.ACCEPTED, cache.check("n1", T, new Object(), T));
    assertEquals(Verdict.REPLAYED, cache.check("n1", T, new Object(), T + 30_000));
    assertEquals(1, cache.size());
    // one ms later the message itself is stale: its nonce may go
    assertEquals(Verdict.ACCEPTED, cache.check("n9", T + 30_001, new Object(), T + 30_001));
    assertEquals(1, cache.size());
  }

  @Test
  void whenFullANewNonceIsRefusedAndNoneForgotten() {
    ReplayCache cache = new ReplayCache(2, 30_000);
    assertEquals(Verdict.ACCEPTED, cache.check("a", T, new Object(), T));
    assertEquals(Verdict.ACCEPTED, cache.check("b", T + 1, new Object(), T + 1));
    assertEquals(Verdict.FULL, cache.check("c", T + 2, new Object(), T + 2));
    assertEquals(Verdict.REPLAYED, cache.check("a", T, new Object(), T + 2));
    // room again once "a" has left the window
    assertEquals(Verdict.ACCEPTED, cache.check("c", T + 30_001, new Object(), T + 30_001));
    assertEquals(Verdict.REPLAYED, cache.check("b", T + 1, new Object(), T + 30_001));
  }
}
