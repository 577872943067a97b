package io.ipsecmesh.ike.engine;

import static io.ipsecmesh.ike.engine.TestPeers.GCM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.ikev2.IkeCodec;
import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.ikev2.IkeMessage;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code no crypto ipsec nat-transparency udp-encapsulation} "disables NAT traversal" (IPsec Data Plane
 * guide, IPsec NAT Transparency): no NAT detection, IKE stays on 500 and ESP goes raw, NAT or not (for
 * IPsec-aware, SPI-matching NATs). Both gateways are also set to encapsulate without a NAT (forced, as for
 * a host without a raw ESP socket); the setting overrides that choice too.
 */
class NatTransparencyTest {

  private static TestPeers forced(boolean natTransparency) {
    TestPeers n = new TestPeers();
    n.symmetric(GCM, List.of(EspTransform.AES_GCM_128));
    for (IkeEngine e : List.of(n.a, n.b)) {
      e.setForceUdpEncapsulation(true);
      e.setNatTransparency(natTransparency);
    }
    return n;
  }

  private static void establish(TestPeers n) {
    n.a.initiate(n.aPolicies.all().get(0));
    n.run();
    assertEquals(1, n.aEvents.installed.size());
    assertEquals(1, n.bEvents.installed.size());
  }

  @Test
  void offWithoutANatMeansRawEsp() {
    TestPeers n = forced(false);
    establish(n);
    for (ChildSa c : List.of(n.aEvents.installed.getFirst(), n.bEvents.installed.getFirst())) {
      assertFalse(c.udpEncapsulation());
      assertEquals(0, c.peerPort());
      assertEquals(0, c.localPort());
    }
    assertTrue(n.sent.stream().allMatch(p -> p.toPort() == 500 && p.fromPort() == 500), "IKE stays on 500");
  }

  @Test
  void offBehindANatDisablesNatTraversal() throws Exception {
    TestPeers n = forced(false);
    n.natAddress = TestPeers.A; // a's ports appear to b shifted by 10000
    establish(n);
    ChildSa atA = n.aEvents.installed.getFirst();
    ChildSa atB = n.bEvents.installed.getFirst();
    assertFalse(atA.udpEncapsulation() || atB.udpEncapsulation(), "NAT traversal is disabled: raw ESP");
    // neither IKE_SA_INIT carries NAT detection (RFC 7296 §2.23: without it no side detects the NAT)
    for (int i = 0; i < 2; i++) {
      IkeMessage init = IkeCodec.decode(n.sent.get(i).bytes());
      assertEquals(IkeConstants.IKE_SA_INIT, init.header().exchangeType());
      assertTrue(init.notify(IkeConstants.NAT_DETECTION_SOURCE_IP).isEmpty(), "no NAT_DETECTION_SOURCE_IP");
      assertTrue(init.notify(IkeConstants.NAT_DETECTION_DESTINATION_IP).isEmpty());
    }
    assertEquals(500, n.sent.get(2).fromPort(), "IKE_AUTH does not float to 4500");
  }

  @Test
  void offOnOneSideIsEnoughTheOtherSeesNoNatDetection() {
    TestPeers n = new TestPeers();
    n.symmetric(GCM, List.of(EspTransform.AES_GCM_128));
    n.b.setNatTransparency(false);
    n.natAddress = TestPeers.A;
    establish(n);
    assertFalse(n.aEvents.installed.getFirst().udpEncapsulation(), "b sent no NAT-D: a detects no NAT");
    assertFalse(n.bEvents.installed.getFirst().udpEncapsulation(), "b ignores a's NAT-D");
  }

  @Test
  void defaultKeepsTheForcedEncapsulation() {
    TestPeers n = forced(true);
    establish(n);
    for (ChildSa c : List.of(n.aEvents.installed.getFirst(), n.bEvents.installed.getFirst())) {
      assertTrue(c.udpEncapsulation());
      assertEquals(4500, c.peerPort());
    }
  }
}
