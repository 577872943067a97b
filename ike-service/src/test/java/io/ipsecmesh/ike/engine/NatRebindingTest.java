package io.ipsecmesh.ike.engine;

import static io.ipsecmesh.ike.engine.TestPeers.A;
import static io.ipsecmesh.ike.engine.TestPeers.B;
import static io.ipsecmesh.ike.engine.TestPeers.GCM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.ike.engine.TestPeers.Packet;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The NAT in front of "a" forgets its mapping and gives a's next packet another outside port (a
 * keepalive interval longer than the NAT's timeout, or a NAT reboot). "b", not behind a NAT, must follow
 * the ports of the last authenticated message (RFC 7296 §2.23) with the IKE SA and with every
 * UDP-encapsulated Child SA: the rebound SA is what tells the forwarder and nat-keepalive where the peer is
 * now. An unauthenticated packet from another port moves nothing.
 */
class NatRebindingTest {

  private static final int REMAPPED = 24500;

  @Test
  void authenticatedRequestFromANewNatPortMovesTheIkeSaAndItsChildSas() {
    TestPeers n = new TestPeers();
    n.symmetric(GCM, List.of(EspTransform.AES_GCM_128));
    n.natAddress = A; // a's 4500 appears to b as 14500
    n.a.initiate(n.aPolicies.all().get(0));
    n.run();
    ChildSa atB = n.bEvents.installed.getFirst();
    assertEquals(14500, atB.peerPort());
    assertTrue(n.bEvents.rebound.isEmpty());

    // a forged copy of a's DPD request from another port fails the SK checks: nothing moves
    List<Boolean> answered = new ArrayList<>();
    n.a.probe(n.aEvents.installed.getFirst().ikeSaId(), 0, answered::add);
    Packet probe = n.wire.poll();
    byte[] forged = probe.bytes().clone();
    forged[forged.length - 1] ^= 1;
    n.b.receive(B, 4500, A, 31337, forged);
    assertTrue(n.wire.isEmpty(), "no answer to a message failing the integrity check");
    assertTrue(n.bEvents.rebound.isEmpty());

    // the genuine request arrives through the new mapping: b answers there and moves its Child SA
    n.b.receive(B, 4500, A, REMAPPED, probe.bytes());
    Packet answer = n.wire.poll();
    assertEquals(REMAPPED, answer.toPort(), "IKE follows the mapping");
    ChildSa moved = n.bEvents.rebound.getFirst();
    assertEquals(1, n.bEvents.rebound.size());
    assertEquals(atB.inboundSpi(), moved.inboundSpi());
    assertEquals(REMAPPED, moved.peerPort(), "ESP follows the mapping");
    assertEquals(4500, moved.localPort());
    assertEquals(atB.createdEpochMillis(), moved.createdEpochMillis(), "the same SA, not a new one");

    n.a.receive(A, 4500, B, 4500, answer.bytes());
    assertEquals(List.of(true), answered);
    // a (behind the NAT) kept its own view: b is where it always was
    assertTrue(n.aEvents.rebound.isEmpty());
  }
}
