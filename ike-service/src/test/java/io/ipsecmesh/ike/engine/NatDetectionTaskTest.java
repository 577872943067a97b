package io.ipsecmesh.ike.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.ikev2.IkeCodec;
import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.ikev2.IkeMessage;
import io.ipsecmesh.proto.sa.ChildSa;
import org.junit.jupiter.api.Test;

/** {@link NatDetectionTask} riding in IKE_SA_INIT (RFC 7296 §2.23), on two task managers without an engine. */
class NatDetectionTaskTest {

  @Test
  void withoutANatNothingIsDetectedAndIkeStaysOnPort500() {
    TaskPeers n = new TaskPeers().established();
    assertFalse(n.aSa.natDetected);
    assertFalse(n.bSa.natDetected);
    assertEquals(IkeEngine.IKE_PORT, n.aSa.localPort);
    ChildSa a = n.aEvents.installed.getFirst();
    assertFalse(a.udpEncapsulation(), "ESP goes raw");
  }

  @Test
  void aNatBetweenIsDetectedByBothAndTheInitiatorFloatsTo4500BeforeIkeAuth() {
    TaskPeers n = new TaskPeers();
    n.natAddress = "203.0.113.9";
    n.established();
    assertTrue(n.aSa.natDetected);
    assertTrue(n.bSa.natDetected);
    assertTrue(n.aSa.localBehindNat, "b's NAT_DETECTION_DESTINATION_IP names the NAT's address, not a's");
    assertFalse(n.bSa.localBehindNat, "a's names b's own address: b is not behind the NAT");
    TestPeers.Packet auth = n.sent.stream().filter(p -> TaskPeers.exchangeOf(p) == IkeConstants.IKE_AUTH)
        .findFirst().orElseThrow();
    assertEquals(IkeEngine.NATT_PORT, auth.fromPort(), "IKE_AUTH already from port 4500");
    assertEquals(IkeEngine.NATT_PORT, auth.toPort());
    assertTrue(n.aEvents.installed.getFirst().udpEncapsulation());
    assertTrue(n.bEvents.installed.getFirst().udpEncapsulation());
    assertEquals(IkeEngine.NATT_PORT + 10000, n.bEvents.installed.getFirst().peerPort(), "b sends to the NAT's port");
  }

  @Test
  void withNatTransparencyOffNoNotifiesGoAndNoneAreRead() throws Exception {
    TaskPeers n = new TaskPeers();
    n.a.nat.setNatTransparency(false);
    n.b.nat.setNatTransparency(false);
    n.natAddress = "203.0.113.9";
    n.established();
    for (TestPeers.Packet p : n.sent.stream().filter(p -> TaskPeers.exchangeOf(p) == IkeConstants.IKE_SA_INIT)
        .toList()) {
      IkeMessage m = IkeCodec.decode(p.bytes());
      assertTrue(m.notify(IkeConstants.NAT_DETECTION_SOURCE_IP).isEmpty());
      assertTrue(m.notify(IkeConstants.NAT_DETECTION_DESTINATION_IP).isEmpty());
    }
    assertFalse(n.aSa.natDetected);
    assertFalse(n.bSa.natDetected);
    assertFalse(n.aEvents.installed.getFirst().udpEncapsulation());
  }
}
