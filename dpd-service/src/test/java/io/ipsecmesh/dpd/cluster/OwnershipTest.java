package io.ipsecmesh.dpd.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.dpd.DeadPeerDetector;
import io.ipsecmesh.dpd.DpdActions;
import io.ipsecmesh.dpd.DpdMetrics;
import io.ipsecmesh.dpd.DpdMode;
import io.ipsecmesh.dpd.DpdPolicy;
import io.ipsecmesh.dpd.DpdSettings;
import io.ipsecmesh.dpd.IkePeer;
import io.ipsecmesh.proto.time.VirtualScheduler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Several dpd-service instances share the peers; a dead instance's peers move to the survivors. */
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
    DpdMembership m = new DpdMembership("a", 3_000);
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

  /** Two instances, one clock. Instance b dies; a takes over b's peers and detects a dead one. */
  @Test
  void deadInstance_handsItsPeersToTheSurvivor() {
    VirtualScheduler clock = new VirtualScheduler();
    List<String> probedByA = new ArrayList<>();
    List<String> deadAtA = new ArrayList<>();
    List<String> probedByB = new ArrayList<>();
    DpdPolicy policy = DpdPolicy.global(DpdSettings.keepalive(10, DpdMode.PERIODIC));
    DeadPeerDetector detectorA = new DeadPeerDetector(clock, policy, new DpdActions() {
      @Override
      public void sendProbe(IkePeer peer, int attempt, long timeoutMillis) {
        probedByA.add(peer.ikeSaId());
      }

      @Override
      public void peerDead(IkePeer peer, long silentForMillis) {
        deadAtA.add(peer.ikeSaId());
      }
    }, DpdMetrics.of(new PrometheusRegistry()));
    DeadPeerDetector detectorB = new DeadPeerDetector(clock, policy, new DpdActions() {
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
    DpdMembership ma = new DpdMembership("dpd-a", 3_000);
    DpdMembership mb = new DpdMembership("dpd-b", 3_000);
    ma.heard("dpd-b", false, 0);
    mb.heard("dpd-a", false, 0);
    OwnedPeers a = new OwnedPeers(ma, detectorA);
    OwnedPeers b = new OwnedPeers(mb, detectorB);
    for (int i = 0; i < 100; i++) {
      IkePeer p = new IkePeer("ike-" + i, "10.9.0." + i, 500, "10.9.0." + i, 1, "m", 1);
      a.peerUp(p); // ike.peer.up is published: both instances hear it
      b.peerUp(p);
    }
    assertEquals(100, detectorA.peers() + detectorB.peers(), "each peer watched by exactly one instance");
    assertTrue(detectorA.peers() > 20 && detectorB.peers() > 20);
    List<String> ownedByB = detectorB.ikeSaIds();

    // b crashes at 1 s: its heartbeats stop, a notices after the 3 s timeout.
    detectorB.stop();
    clock.advanceTo(4_001);
    assertTrue(ma.expire(clock.nowMillis()));
    a.membersChanged();
    assertEquals(100, detectorA.peers());

    // b's peers are silent too: a probes them 10 s after taking over and declares them dead at +20 s.
    clock.advanceTo(24_100);
    assertTrue(probedByB.isEmpty());
    assertTrue(deadAtA.containsAll(ownedByB));
    assertEquals(100, deadAtA.size());
    assertTrue(probedByA.containsAll(ownedByB));
  }
}
