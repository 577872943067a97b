package io.ipsecmesh.ike.engine;

import static io.ipsecmesh.ike.engine.IkeEngineTest.assertKeysMirror;
import static io.ipsecmesh.ike.engine.IkeEngineTest.only;
import static io.ipsecmesh.ike.engine.TestPeers.A;
import static io.ipsecmesh.ike.engine.TestPeers.B;
import static io.ipsecmesh.ike.engine.TestPeers.GCM;
import static io.ipsecmesh.ike.engine.TestPeers.WRAP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Child and IKE SA rekeys between two engines (RFC 7296 §1.3.2, §1.3.3, §2.8), moved out of IkeEngineTest. */
class IkeEngineRekeyTest {

  @Test
  void childSaRekeyWithPfsFromEitherSideReplacesTheOldSa() {
    for (boolean aRekeys : new boolean[] {true, false}) {
      TestPeers n = new TestPeers();
      var pa = TestPeers.policy(A, B, "10.91.1.0", "10.91.2.0", "k", GCM, List.of(EspTransform.AES_GCM_128));
      var pb = TestPeers.policy(B, A, "10.91.2.0", "10.91.1.0", "k", GCM, List.of(EspTransform.AES_GCM_128));
      n.aPolicies.replace(List.of(withPfs(pa, io.ipsecmesh.ike.crypto.DhGroup.ECP_256)));
      n.bPolicies.replace(List.of(withPfs(pb, io.ipsecmesh.ike.crypto.DhGroup.ECP_256)));
      n.a.initiate(n.aPolicies.all().get(0));
      n.run();
      ChildSa first = only(n.aEvents.installed);
      int before = n.sent.size();
      if (aRekeys) {
        assertTrue(n.a.rekeyChild(first.inboundSpi()));
      } else {
        assertTrue(n.b.rekeyChild(first.outboundSpi()));
      }
      n.run();
      assertEquals(4, n.sent.size() - before, "CREATE_CHILD_SA + response, DELETE + response");
      assertEquals(2, n.aEvents.installed.size());
      assertEquals(2, n.bEvents.installed.size());
      ChildSa a2 = n.aEvents.installed.get(1);
      ChildSa b2 = n.bEvents.installed.get(1);
      assertKeysMirror(a2, b2);
      assertFalse(java.util.Arrays.equals(WRAP.unwrap(first.wrappedInboundKeys()), WRAP.unwrap(a2.wrappedInboundKeys())));
      assertEquals(first.localSelectors(), a2.localSelectors());
      assertEquals(1, n.aEvents.deleted.size(), "old SA gone on a");
      assertEquals(1, n.bEvents.deleted.size(), "old SA gone on b");
      assertEquals(first.inboundSpi(), n.aEvents.deleted.get(0).inboundSpi());
      assertEquals(first.outboundSpi(), n.bEvents.deleted.get(0).inboundSpi());
      assertEquals(aRekeys ? "rekey" : "delete", n.aEvents.deleted.get(0).reason());
    }
  }

  @Test
  void rekeyOfAnUnknownChildSaIsRefused() {
    TestPeers n = new TestPeers();
    n.symmetric(GCM, List.of(EspTransform.AES_GCM_128));
    n.a.initiate(n.aPolicies.all().get(0));
    n.run();
    assertFalse(n.a.rekeyChild(12345));
    assertEquals(1, n.aEvents.installed.size());
  }

  private static io.ipsecmesh.ike.policy.PeerPolicy withPfs(io.ipsecmesh.ike.policy.PeerPolicy w,
      io.ipsecmesh.ike.crypto.DhGroup g) {
    return new io.ipsecmesh.ike.policy.PeerPolicy(w.cryptoMap(), w.mapSequence(), w.peerAddress(), w.localAddress(),
        w.localId(), w.remote(), w.psk(), w.remotePsk(), w.ikeSuites(), w.espTransforms(), g, w.localSelectors(),
        w.remoteSelectors(), w.mode(), w.replayWindow(), w.lifetimeSeconds(), w.lifetimeKilobytes(),
        w.idleTimeSeconds(), w.dfBit(), w.ikeLifetimeSeconds());
  }

  @Test
  void ikeSaRekeyFromEitherSideKeepsTheChildSasAndANewSkD() {
    for (boolean byLifetime : new boolean[] {true, false}) {
      TestPeers n = new TestPeers();
      var pa = TestPeers.policy(A, B, "10.91.1.0", "10.91.2.0", "k", GCM, List.of(EspTransform.AES_GCM_128));
      var pb = TestPeers.policy(B, A, "10.91.2.0", "10.91.1.0", "k", GCM, List.of(EspTransform.AES_GCM_128));
      n.aPolicies.replace(List.of(withIkeLifetime(pa, 600)));
      n.bPolicies.replace(List.of(withIkeLifetime(pb, 86400)));
      n.a.initiate(n.aPolicies.all().get(0));
      n.run();
      ChildSa child = only(n.aEvents.installed);
      String oldId = child.ikeSaId();
      if (byLifetime) {
        n.advance(600_000); // a's IKE lifetime
      } else {
        assertTrue(n.b.rekeyIke(oldId));
        n.run();
      }
      assertEquals(1, n.a.ikeSaCount());
      assertEquals(1, n.b.ikeSaCount());
      assertEquals(List.of(), n.aEvents.deleted, "Child SAs survive an IKE SA rekey");
      assertEquals(List.of(), n.bEvents.deleted);
      assertEquals(1, n.aEvents.rebound.size());
      String newId = n.aEvents.rebound.get(0).ikeSaId();
      assertEquals(newId, n.bEvents.rebound.get(0).ikeSaId());
      assertFalse(newId.equals(oldId));
      assertEquals(List.of("rekeyed"), n.aEvents.down);
      assertEquals(List.of("rekeyed"), n.bEvents.down);
      List<Boolean> ack = new ArrayList<>();
      n.a.probe(newId, 0, ack::add);
      n.run();
      assertEquals(List.of(true), ack, "the new IKE SA carries DPD");
      // a Child SA rekey under the new IKE SA proves both derived the same new SK_d
      assertTrue(n.a.rekeyChild(child.inboundSpi()));
      n.run();
      assertKeysMirror(n.aEvents.installed.get(1), n.bEvents.installed.get(1));
      assertEquals(newId, n.aEvents.installed.get(1).ikeSaId());
    }
  }

  static io.ipsecmesh.ike.policy.PeerPolicy withIkeLifetime(io.ipsecmesh.ike.policy.PeerPolicy w,
      long seconds) {
    return new io.ipsecmesh.ike.policy.PeerPolicy(w.cryptoMap(), w.mapSequence(), w.peerAddress(), w.localAddress(),
        w.localId(), w.remote(), w.psk(), w.remotePsk(), w.ikeSuites(), w.espTransforms(), w.pfsGroup(),
        w.localSelectors(), w.remoteSelectors(), w.mode(), w.replayWindow(), w.lifetimeSeconds(),
        w.lifetimeKilobytes(), w.idleTimeSeconds(), w.dfBit(), seconds);
  }

  @Test
  void simultaneousChildRekeysLeaveExactlyOneNewSaOnBothSides() {
    for (int round = 0; round < 8; round++) { // nonces are random: both outcomes of §2.8.1 get exercised
      TestPeers n = new TestPeers();
      n.symmetric(GCM, List.of(EspTransform.AES_GCM_128));
      n.a.initiate(n.aPolicies.all().get(0));
      n.run();
      ChildSa first = only(n.aEvents.installed);
      assertTrue(n.a.rekeyChild(first.inboundSpi()));
      assertTrue(n.b.rekeyChild(first.outboundSpi()));
      n.run();
      List<Long> aLive = live(n.aEvents);
      List<Long> bLive = live(n.bEvents);
      assertEquals(1, aLive.size(), "a keeps one Child SA, round " + round);
      assertEquals(1, bLive.size(), "b keeps one Child SA, round " + round);
      ChildSa a = n.aEvents.installed.stream().filter(c -> c.inboundSpi() == aLive.get(0)).findFirst().orElseThrow();
      ChildSa b = n.bEvents.installed.stream().filter(c -> c.inboundSpi() == bLive.get(0)).findFirst().orElseThrow();
      assertKeysMirror(a, b);
      assertFalse(aLive.contains(first.inboundSpi()), "the old SA is gone");
    }
  }

  static List<Long> live(TestPeers.Recorder r) {
    List<Long> spis = new ArrayList<>(r.installed.stream().map(ChildSa::inboundSpi).toList());
    r.deleted.forEach(d -> spis.remove(d.inboundSpi()));
    return spis;
  }

  @Test
  void simultaneousIkeSaRekeysLeaveOneIkeSaWithTheChildSas() {
    for (int round = 0; round < 8; round++) { // random nonces: both outcomes of §2.8.2
      TestPeers n = new TestPeers();
      n.symmetric(GCM, List.of(EspTransform.AES_GCM_128));
      n.a.initiate(n.aPolicies.all().get(0));
      n.run();
      ChildSa child = only(n.aEvents.installed);
      String oldId = child.ikeSaId();
      assertTrue(n.a.rekeyIke(oldId));
      assertTrue(n.b.rekeyIke(oldId));
      n.run();
      assertEquals(1, n.a.ikeSaCount(), "round " + round);
      assertEquals(1, n.b.ikeSaCount(), "round " + round);
      assertEquals(List.of(), n.aEvents.deleted, "the Child SA survives");
      assertEquals(List.of(), n.bEvents.deleted);
      String aId = n.aEvents.rebound.getLast().ikeSaId();
      assertEquals(aId, n.bEvents.rebound.getLast().ikeSaId(), "both keep the same IKE SA");
      assertFalse(aId.equals(oldId));
      List<Boolean> ack = new ArrayList<>();
      n.a.probe(aId, 0, ack::add);
      n.run();
      assertEquals(List.of(true), ack);
      assertTrue(n.b.rekeyChild(child.outboundSpi()));
      n.run();
      assertKeysMirror(n.aEvents.installed.getLast(), n.bEvents.installed.getLast());
      assertEquals(aId, n.bEvents.installed.getLast().ikeSaId());
    }
  }
}
