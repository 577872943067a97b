package io.ipsecmesh.dpd.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.dpd.DeadPeerDetector;
import io.ipsecmesh.dpd.DpdActions;
import io.ipsecmesh.dpd.DpdMetrics;
import io.ipsecmesh.dpd.DpdMode;
import io.ipsecmesh.dpd.DpdPolicy;
import io.ipsecmesh.dpd.DpdSettings;
import io.ipsecmesh.dpd.IkePeer;
import io.ipsecmesh.proto.cluster.InstanceMembership;
import io.ipsecmesh.proto.cluster.Ownership;
import io.ipsecmesh.proto.time.VirtualScheduler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two dpd-service instances, one virtual clock, {@code dpd 10 2 periodic} (S = 10 s, R = 2 s). Both hear
 * every peer and every sign of life; each runs the state machines of its own peers. Instance b dies with
 * its peers silent; a takes them over from the last sign of life it heard, so they are declared dead
 * S + 5R after the silence, as if b had lived.
 */
class OwnedPeersTest {

  private static final int PEERS = 100;
  private final VirtualScheduler clock = new VirtualScheduler();
  private final Map<String, Long> firstProbeByA = new TreeMap<>();
  private final Map<String, Long> deadAtA = new TreeMap<>();
  private final List<String> probedByB = new ArrayList<>();
  private InstanceMembership ma;
  private OwnedPeers a;
  private OwnedPeers b;
  private DeadPeerDetector detectorA;
  private DeadPeerDetector detectorB;

  @BeforeEach
  void twoInstances() {
    DpdPolicy policy = DpdPolicy.global(DpdSettings.keepalive(10, DpdMode.PERIODIC));
    detectorA = new DeadPeerDetector(clock, policy, new DpdActions() {
      @Override
      public void sendProbe(IkePeer peer, int attempt, long timeoutMillis) {
        firstProbeByA.putIfAbsent(peer.ikeSaId(), clock.nowMillis());
      }

      @Override
      public void peerDead(IkePeer peer, long silentForMillis) {
        deadAtA.put(peer.ikeSaId(), clock.nowMillis());
      }
    }, DpdMetrics.of(new PrometheusRegistry()));
    detectorB = new DeadPeerDetector(clock, policy, new DpdActions() {
      @Override
      public void sendProbe(IkePeer peer, int attempt, long timeoutMillis) {
        probedByB.add(peer.ikeSaId());
      }

      @Override
      public void peerDead(IkePeer peer, long silentForMillis) {
        throw new AssertionError("b is gone before any death");
      }
    }, DpdMetrics.of(new PrometheusRegistry()));
    detectorA.start();
    detectorB.start();
    ma = new InstanceMembership("dpd-a", 3_000);
    InstanceMembership mb = new InstanceMembership("dpd-b", 3_000);
    ma.join();
    mb.join();
    ma.heard("dpd-b", false, 0);
    mb.heard("dpd-a", false, 0);
    a = new OwnedPeers(new Ownership(ma), detectorA, clock);
    b = new OwnedPeers(new Ownership(mb), detectorB, clock);
    for (int i = 0; i < PEERS; i++) {
      IkePeer p = new IkePeer("ike-" + i, "10.9.0." + i, 4500, "10.9.0." + i, 2, "m", 1);
      a.peerUp(p); // ike.peer.up is published: both instances hear it
      b.peerUp(p);
    }
    // ESP from every peer until 3 s (fwd.activity is published: both hear it), then silence
    for (int s = 1; s <= 3; s++) {
      clock.advanceTo(s * 1_000L);
      for (int i = 0; i < PEERS; i++) {
        a.activity("10.9.0." + i, 4500, false, true);
        b.activity("10.9.0." + i, 4500, false, true);
      }
      ma.heard("dpd-b", false, clock.nowMillis());
    }
  }

  @Test
  void eachPeerIsWatchedByExactlyOneInstance() {
    assertEquals(PEERS, detectorA.peers() + detectorB.peers());
    assertTrue(detectorA.peers() > 20 && detectorB.peers() > 20, "split: " + detectorA.peers());
    for (String id : detectorA.ikeSaIds()) {
      assertTrue(a.ownedHere(id) && !b.ownedHere(id), id);
    }
  }

  @Test
  void survivorDeclaresTheSilencedPeersOfTheDeadInstanceDeadSPlus5RAfterTheSilence() {
    List<String> ofB = detectorB.ikeSaIds();
    // b crashes at 3.5 s: its heartbeats stop (the last one a heard was at 3 s)
    clock.advanceTo(3_500);
    detectorB.stop();
    clock.advanceTo(6_000);
    assertTrue(!ma.expire(clock.nowMillis()), "3 s of silence is not yet a death");
    clock.advanceTo(7_000);
    assertTrue(ma.expire(clock.nowMillis()), "a's heartbeat tick at 7 s drops b");
    a.membersChanged();
    assertEquals(PEERS, detectorA.peers());

    clock.advanceTo(30_000);
    assertTrue(probedByB.isEmpty());
    assertEquals(PEERS, deadAtA.size());
    for (String id : ofB) {
      // last sign of life 3 s: first probe at 3 + S = 13 s, dead after the fifth at 13 + 5R = 23 s, exactly
      // as for a's own peers; a fresh start at the takeover would have said 7 + 10 + 10 = 27 s
      assertEquals(13_000L, firstProbeByA.get(id), id);
      assertEquals(23_000L, deadAtA.get(id), id);
    }
  }

  @Test
  void aPeerSilentForLongerThanSAtTheTakeoverIsProbedAtTheNextTick() {
    List<String> ofB = detectorB.ikeSaIds();
    detectorB.stop();
    // b's peers have been silent since 3 s; a learns only at 15 s that b is gone (b hung, then left)
    clock.advanceTo(15_000);
    ma.heard("dpd-b", true, clock.nowMillis());
    a.membersChanged();
    clock.advanceTo(40_000);
    long tick = DeadPeerDetector.DEFAULT_TICK_MILLIS;
    for (String id : ofB) {
      assertEquals(15_000L + tick, firstProbeByA.get(id), id);
      assertEquals(15_000L + tick + 5 * 2_000, deadAtA.get(id), id);
    }
  }

  @Test
  void aTakenOverPeerThatIsAliveIsNotProbedEarly() {
    List<String> ofB = detectorB.ikeSaIds();
    detectorB.stop();
    // the peers keep sending; a takes over at 7 s and hears them until 9 s
    for (int s = 4; s <= 9; s++) {
      clock.advanceTo(s * 1_000L);
      if (s == 7) {
        ma.heard("dpd-b", true, clock.nowMillis());
        a.membersChanged();
      }
      for (int i = 0; i < PEERS; i++) {
        a.activity("10.9.0." + i, 4500, false, true);
      }
    }
    clock.advanceTo(18_999);
    assertTrue(firstProbeByA.isEmpty(), "probed before 9 + S: " + firstProbeByA);
    clock.advanceTo(40_000);
    for (String id : ofB) {
      assertEquals(19_000L, firstProbeByA.get(id), id);
      assertEquals(29_000L, deadAtA.get(id), id);
    }
  }
}
