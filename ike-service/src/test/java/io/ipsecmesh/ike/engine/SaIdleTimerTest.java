package io.ipsecmesh.ike.engine;

import static io.ipsecmesh.ike.engine.TestPeers.A;
import static io.ipsecmesh.ike.engine.TestPeers.B;
import static io.ipsecmesh.ike.engine.TestPeers.GCM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.ike.policy.PeerPolicy;
import io.ipsecmesh.proto.bus.SaMessages.ChildSaDeleted;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The seed's "IPsec Security Association Idle Timers" on ike-service's side: the forwarder reports an
 * SA idle ({@code fwd.sa-idle}, see {@code SaIdleAndLifetimeTest} in esp-forwarder) and ike-service
 * deletes it; "if the last IPsec SA to a given peer is deleted due to idle timer expiration, the IKE SA
 * to that peer will also be deleted". Two engines on one virtual clock ({@link TestPeers}).
 */
class SaIdleTimerTest {

  /** {@code crypto map test 1} and {@code crypto map test 2}: two Child SAs to the same peer. */
  private static PeerPolicy entry(PeerPolicy p, int seq, String localNet, String remoteNet) {
    return new PeerPolicy(p.cryptoMap(), seq, p.peerAddress(), p.localAddress(), p.localId(), p.remote(), p.psk(),
        p.remotePsk(), p.ikeSuites(), p.espTransforms(), p.pfsGroup(), List.of(TestPeers.net(localNet)),
        List.of(TestPeers.net(remoteNet)), p.mode(), p.replayWindow(), p.lifetimeSeconds(), p.lifetimeKilobytes(),
        600, p.dfBit(), p.ikeLifetimeSeconds());
  }

  private static TestPeers twoEntries() {
    TestPeers n = new TestPeers();
    n.symmetric(GCM, List.of(EspTransform.AES_GCM_128));
    PeerPolicy a = n.aPolicies.all().get(0);
    PeerPolicy b = n.bPolicies.all().get(0);
    n.aPolicies.replace(List.of(entry(a, 1, "10.91.1.0", "10.91.2.0"), entry(a, 2, "10.91.3.0", "10.91.4.0")));
    n.bPolicies.replace(List.of(entry(b, 1, "10.91.2.0", "10.91.1.0"), entry(b, 2, "10.91.4.0", "10.91.3.0")));
    return n;
  }

  private static List<String> reasons(List<ChildSaDeleted> deleted) {
    return deleted.stream().map(ChildSaDeleted::reason).toList();
  }

  @Test
  void theLastIdleSaToAPeerTakesTheIkeSaWithIt() {
    TestPeers n = twoEntries();
    n.a.acquire(n.aPolicies.all().get(0));
    n.run();
    n.a.acquire(n.aPolicies.all().get(1));
    n.run();
    assertEquals(2, n.aEvents.installed.size(), "one Child SA per crypto map entry, under one IKE SA");
    assertEquals(600, n.aEvents.installed.get(0).idleTimeSeconds(), "set security-association idle-time 600");
    ChildSa first = n.aEvents.installed.get(0);
    ChildSa second = n.aEvents.installed.get(1);

    // test 1's SA idle for 600 s: only it goes, on both sides, with a DELETE; the IKE SA stays
    assertTrue(n.a.idleChild(first.inboundSpi()));
    n.run();
    assertEquals(List.of("idle"), reasons(n.aEvents.deleted));
    assertEquals(List.of(first.outboundSpi()), n.bEvents.deleted.stream().map(ChildSaDeleted::inboundSpi).toList());
    assertEquals(1, n.a.ikeSaCount());
    assertEquals(1, n.b.ikeSaCount());
    assertEquals(List.of(), n.aEvents.down);

    // later test 2's SA, the last one to b: the IKE SA goes too, on both sides
    assertTrue(n.a.idleChild(second.inboundSpi()));
    n.run();
    assertEquals(List.of("idle", "idle"), reasons(n.aEvents.deleted));
    assertEquals(2, n.bEvents.deleted.size());
    assertEquals(List.of("idle"), n.aEvents.down);
    assertEquals(List.of("delete"), n.bEvents.down, "b deleted its IKE SA on a's DELETE");
    assertEquals(0, n.a.ikeSaCount());
    assertEquals(0, n.b.ikeSaCount());

    // traffic again: the next ACQUIRE builds a new IKE SA and Child SA
    n.a.acquire(n.aPolicies.all().get(0));
    n.run();
    assertEquals(3, n.aEvents.installed.size());
    assertEquals(1, n.a.ikeSaCount());
    assertEquals(2, n.aEvents.up.size());
  }

  @Test
  void theResponderSideMayBeTheOneThatGoesIdleFirst() {
    TestPeers n = new TestPeers();
    n.symmetric(GCM, List.of(EspTransform.AES_GCM_128));
    n.a.initiate(n.aPolicies.all().get(0));
    n.run();
    ChildSa atB = n.bEvents.installed.get(0);
    assertTrue(n.b.idleChild(atB.inboundSpi()));
    n.run();
    assertEquals(0, n.a.ikeSaCount());
    assertEquals(0, n.b.ikeSaCount());
    assertEquals(1, n.aEvents.deleted.size());
    assertEquals(A, n.bEvents.deleted.get(0).peerAddress());
    assertEquals(B, n.aEvents.deleted.get(0).peerAddress());
  }

  @Test
  void anUnknownSaIsNoReasonToDeleteAnything() {
    TestPeers n = new TestPeers();
    n.symmetric(GCM, List.of(EspTransform.AES_GCM_128));
    n.a.initiate(n.aPolicies.all().get(0));
    n.run();
    assertEquals(false, n.a.idleChild(0x12345678L));
    n.run();
    assertEquals(1, n.a.ikeSaCount());
    assertEquals(List.of(), n.aEvents.deleted);
  }
}
