package io.ipsecmesh.ike.engine;

import static io.ipsecmesh.ike.engine.TestPeers.GCM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.ike.engine.TestPeers.Packet;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code ike-force-encap} on the initiator only, no NAT between the peers (strongSwan's {@code encap = yes}):
 * its faked NAT_DETECTION_SOURCE_IP makes the responder detect a NAT too, so both move IKE to 4500 and
 * UDP-encapsulate ESP. Without the flag the same peers use plain ESP.
 */
class ForcedUdpEncapsulationTest {

  @Test
  void forcedInitiatorMakesBothSidesEncapsulate() {
    TestPeers n = new TestPeers();
    n.symmetric(GCM, List.of(EspTransform.AES_GCM_128));
    n.a.setForceUdpEncapsulation(true);
    n.a.initiate(n.aPolicies.all().get(0));
    n.run();

    ChildSa atA = n.aEvents.installed.getFirst();
    ChildSa atB = n.bEvents.installed.getFirst();
    assertTrue(atA.udpEncapsulation(), "initiator encapsulates");
    assertTrue(atB.udpEncapsulation(), "responder detected the faked NAT");
    assertEquals(4500, atA.peerPort());
    assertEquals(4500, atB.peerPort());
    Packet auth = n.sent.get(2);
    assertEquals(4500, auth.toPort(), "IKE_AUTH floated to 4500");
  }

  @Test
  void withoutTheFlagNoNatMeansPlainEsp() {
    TestPeers n = new TestPeers();
    n.symmetric(GCM, List.of(EspTransform.AES_GCM_128));
    n.a.initiate(n.aPolicies.all().get(0));
    n.run();

    assertFalse(n.aEvents.installed.getFirst().udpEncapsulation());
    assertFalse(n.bEvents.installed.getFirst().udpEncapsulation());
    assertEquals(500, n.sent.get(2).toPort());
  }
}
