package io.ipsecmesh.ike.engine;

import static io.ipsecmesh.ike.engine.TestPeers.A;
import static io.ipsecmesh.ike.engine.TestPeers.B;
import static io.ipsecmesh.ike.engine.TestPeers.GCM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.ike.engine.TestPeers.Packet;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The NAT in front of "a" remaps it while only ESP flows; b's forwarder followed the new port of a's
 * authenticated ESP and reports it ({@code fwd.nat-mapping}). b's IKE SA must move there as well and
 * re-announce its Child SA with the port, so the other forwarders and nat-keepalive follow before a sends
 * any IKE message. a, behind the NAT, must never follow (RFC 7296 §2.23) and knows it from NAT-D.
 */
class NatMappingFromEspTest {

  private static final int REMAPPED = 24500;

  @Test
  void espSeenFromANewNatPortMovesTheIkeSaAndRepublishesTheChildSa() {
    TestPeers n = new TestPeers();
    n.symmetric(GCM, List.of(EspTransform.AES_GCM_128));
    n.natAddress = A; // a's 4500 appears to b as 14500
    n.a.initiate(n.aPolicies.all().get(0));
    n.run();
    ChildSa atB = n.bEvents.installed.getFirst();
    ChildSa atA = n.aEvents.installed.getFirst();
    assertFalse(atB.localBehindNat(), "b is not behind the NAT: it follows");
    assertTrue(atA.localBehindNat(), "a's NAT-D showed its own NAT");
    assertEquals(14500, atB.peerPort());

    assertFalse(n.b.natMappingSeenInEsp(atB.inboundSpi(), "172.31.255.9", REMAPPED), "another address: no");
    assertFalse(n.b.natMappingSeenInEsp(atB.inboundSpi(), A, 14500), "where it already is: nothing to do");
    assertFalse(n.b.natMappingSeenInEsp(0xDEAD, A, REMAPPED), "no such Child SA");
    assertTrue(n.bEvents.rebound.isEmpty());

    assertTrue(n.b.natMappingSeenInEsp(atB.inboundSpi(), A, REMAPPED));
    assertEquals(1, n.bEvents.rebound.size());
    ChildSa moved = n.bEvents.rebound.getFirst();
    assertEquals(atB.inboundSpi(), moved.inboundSpi());
    assertEquals(REMAPPED, moved.peerPort(), "re-announced with the new port");
    assertEquals(atB.createdEpochMillis(), moved.createdEpochMillis(), "the same SA, not a new one");
    assertFalse(moved.localBehindNat());

    // b's next IKE message (a DPD probe) goes to the mapping ESP showed
    List<Boolean> answered = new ArrayList<>();
    n.b.probe(atB.ikeSaId(), 0, answered::add);
    Packet probe = n.wire.poll();
    assertEquals(REMAPPED, probe.toPort(), "IKE follows the mapping seen in ESP");
    // ... and a's answer through the NAT keeps it there
    n.a.receive(A, 4500, B, 4500, probe.bytes());
    n.b.receive(B, 4500, A, REMAPPED, n.wire.poll().bytes());
    assertEquals(List.of(true), answered);
    assertEquals(1, n.bEvents.rebound.size(), "no second move");
  }

  @Test
  void theSideBehindTheNatDoesNotFollowWhatEspShows() {
    TestPeers n = new TestPeers();
    n.symmetric(GCM, List.of(EspTransform.AES_GCM_128));
    n.natAddress = A;
    n.a.initiate(n.aPolicies.all().get(0));
    n.run();
    ChildSa atA = n.aEvents.installed.getFirst();
    assertFalse(n.a.natMappingSeenInEsp(atA.inboundSpi(), B, 31337));
    assertTrue(n.aEvents.rebound.isEmpty());
    List<Boolean> answered = new ArrayList<>();
    n.a.probe(atA.ikeSaId(), 0, answered::add);
    assertEquals(4500, n.wire.poll().toPort(), "a still talks to b's 4500");
  }

  @Test
  void withoutANatEspPortsSayNothingAboutIke() {
    TestPeers n = new TestPeers();
    n.symmetric(GCM, List.of(EspTransform.AES_GCM_128));
    n.a.initiate(n.aPolicies.all().get(0));
    n.run();
    ChildSa atB = n.bEvents.installed.getFirst();
    assertFalse(atB.udpEncapsulation());
    assertFalse(n.b.natMappingSeenInEsp(atB.inboundSpi(), A, REMAPPED), "raw ESP has no port to follow");
    assertTrue(n.bEvents.rebound.isEmpty());
  }
}
