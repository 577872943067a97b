package io.ipsecmesh.ike.engine;

import static io.ipsecmesh.ike.engine.TestPeers.GCM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.ike.policy.PeerPolicy;
import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two ipsec-mesh gateways face each other with the default {@code crypto ipsec nat-transparency
 * udp-encapsulation}, each IKE socket bound to the wildcard as in production (a datagram names 0.0.0.0 as
 * the address it reached). NAT detection must give both ends the same answer, since "if a NAT is detected,
 * both devices MUST use UDP encapsulation for ESP" (RFC 7296 §2.23) and the forwarder drops ESP that arrives
 * with the other encapsulation: without a NAT, IKE stays on 500 and both Child SAs run raw ESP; with one, or
 * when either end forces encapsulation, both Child SAs are ESP-in-UDP on 4500.
 */
class WildcardSocketNatDetectionTest {

  private static TestPeers gateways() {
    TestPeers n = new TestPeers();
    n.symmetric(GCM, List.of(EspTransform.AES_GCM_128));
    n.wildcardSockets = true;
    return n;
  }

  private static void establish(TestPeers n) {
    n.a.initiate(n.aPolicies.all().get(0));
    n.run();
    assertEquals(1, n.aEvents.installed.size(), "Child SA at the initiator");
    assertEquals(1, n.bEvents.installed.size(), "Child SA at the responder");
  }

  private static ChildSa atA(TestPeers n) {
    return n.aEvents.installed.getFirst();
  }

  private static ChildSa atB(TestPeers n) {
    return n.bEvents.installed.getFirst();
  }

  @Test
  void withoutANatBothEndsRunRawEspAndIkeStaysOnPort500() {
    TestPeers n = gateways();
    establish(n);
    assertFalse(atA(n).udpEncapsulation(), "the initiator saw no NAT: raw ESP");
    assertFalse(atB(n).udpEncapsulation(), "the responder saw no NAT: raw ESP");
    for (ChildSa c : List.of(atA(n), atB(n))) {
      assertEquals(0, c.localPort());
      assertEquals(0, c.peerPort());
    }
    assertTrue(n.sent.stream().allMatch(p -> p.fromPort() == IkeEngine.IKE_PORT && p.toPort() == IkeEngine.IKE_PORT),
        "no float to 4500 without a NAT");
  }

  @Test
  void aNatBetweenIsDetectedByBothEndsAndBothEncapsulate() {
    TestPeers n = gateways();
    n.natAddress = TestPeers.A; // a NAT that keeps a's address: its ports appear to b shifted by 10000
    establish(n);
    assertTrue(atA(n).udpEncapsulation());
    assertTrue(atB(n).udpEncapsulation());
    assertTrue(atA(n).localBehindNat(), "b's NAT_DETECTION_DESTINATION_IP names the NAT's port");
    assertFalse(atB(n).localBehindNat(), "a's names b's own address");
    assertEquals(IkeEngine.NATT_PORT + 10000, atB(n).peerPort(), "b sends to the NAT's port");
    TestPeers.Packet auth = n.sent.stream().filter(p -> TaskPeers.exchangeOf(p) == IkeConstants.IKE_AUTH)
        .findFirst().orElseThrow();
    assertEquals(IkeEngine.NATT_PORT, auth.fromPort(), "the initiator floated to 4500 before IKE_AUTH");
  }

  @Test
  void encapsulationForcedByTheInitiatorIsFollowedByTheResponder() {
    TestPeers n = gateways();
    n.a.setForceUdpEncapsulation(true);
    establish(n);
    assertTrue(atA(n).udpEncapsulation());
    assertTrue(atB(n).udpEncapsulation(), "a's random NAT_DETECTION_SOURCE_IP reads as a NAT at b");
    assertEquals(IkeEngine.NATT_PORT, atB(n).peerPort());
  }

  @Test
  void encapsulationForcedByTheResponderIsFollowedByTheInitiator() {
    TestPeers n = gateways();
    n.b.setForceUdpEncapsulation(true);
    establish(n);
    assertTrue(atB(n).udpEncapsulation());
    assertTrue(atA(n).udpEncapsulation(), "b's random NAT_DETECTION_SOURCE_IP reads as a NAT at a");
    assertEquals(IkeEngine.NATT_PORT, atA(n).peerPort());
  }

  @Test
  void anInitiatorWithoutALocalAddressReadsAsANatAtBothEnds() {
    TestPeers n = gateways();
    PeerPolicy p = n.aPolicies.all().getFirst();
    // no interface address on the crypto map: the initiator hashes 0.0.0.0, which is not where its packets come from
    n.aPolicies.replace(List.of(new PeerPolicy(p.cryptoMap(), p.mapSequence(), p.peerAddress(), null, p.localId(),
        p.remote(), p.psk(), p.remotePsk(), p.ikeSuites(), p.espTransforms(), p.pfsGroup(), p.localSelectors(),
        p.remoteSelectors(), p.mode(), p.replayWindow(), p.lifetimeSeconds(), p.lifetimeKilobytes(),
        p.idleTimeSeconds(), p.dfBit(), p.ikeLifetimeSeconds())));
    establish(n);
    assertTrue(atA(n).udpEncapsulation());
    assertTrue(atB(n).udpEncapsulation());
  }
}
