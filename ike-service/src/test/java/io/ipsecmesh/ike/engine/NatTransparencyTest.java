package io.ipsecmesh.ike.engine;

import static io.ipsecmesh.ike.engine.TestPeers.GCM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code no crypto ipsec nat-transparency udp-encapsulation}: ESP goes raw unless UDP encapsulation is the
 * only way through. Both gateways are set to encapsulate without a NAT (forced, as for a host without a raw
 * ESP socket); the setting overrides that choice, but a NAT that NAT-D shows still gets NAT-T.
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
  void offBehindANatStillEncapsulates() {
    TestPeers n = forced(false);
    n.natAddress = TestPeers.A; // a's ports appear to b shifted by 10000
    establish(n);
    ChildSa atA = n.aEvents.installed.getFirst();
    ChildSa atB = n.bEvents.installed.getFirst();
    assertTrue(atA.udpEncapsulation() && atB.udpEncapsulation(), "the only way through a NAT");
    assertEquals(4500, atA.peerPort());
    assertEquals(14500, atB.peerPort());
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
