package io.ipsecmesh.ike.v1;

import static io.ipsecmesh.ike.v1.TwoGateways.A;
import static io.ipsecmesh.ike.v1.TwoGateways.B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.bus.IkeMessages.IkeDatagram;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * IKEv1 between two ipsec-mesh gateways whose ISAKMP sockets are bound to the wildcard (datagrams name
 * 0.0.0.0), NAT-T on: NAT-D (RFC 3947 §3) must give both ends the same answer, so both Child SAs agree on UDP
 * encapsulation (RFC 3948) — raw ESP and port 500 without a NAT, ESP-in-UDP on 4500 with one.
 */
class Ikev1WildcardSocketNatDetectionTest {

  private static final String PSK = "ikev1-wildcard-psk";

  private static TwoGateways gateways(boolean nat) {
    TwoGateways g = new TwoGateways();
    g.wildcardSockets = true;
    g.natInFrontOfA = nat;
    Ikev1Suite s = TwoGateways.suite(256, Ikev1Hash.SHA2_256, 19);
    g.configure(TwoGateways.policy(A, B, PSK, s, EspTransform.AES_GCM_256, "10.1.0", "10.2.0"),
        TwoGateways.policy(B, nat ? TwoGateways.NAT_OUTSIDE : A, PSK, s, EspTransform.AES_GCM_256, "10.2.0",
            "10.1.0"));
    assertTrue(g.serviceA.acquire("vpn", 10, null));
    g.pump();
    assertEquals(1, g.a.children.size(), "Child SA at the initiator");
    assertEquals(1, g.b.children.size(), "Child SA at the responder");
    return g;
  }

  @Test
  void withoutANatBothEndsRunRawEspAndIsakmpStaysOnPort500() {
    TwoGateways g = gateways(false);
    ChildSa ca = g.a.children.getFirst();
    ChildSa cb = g.b.children.getFirst();
    assertFalse(ca.udpEncapsulation(), "the initiator saw no NAT: raw ESP");
    assertFalse(cb.udpEncapsulation(), "the responder saw no NAT: raw ESP");
    assertTrue(g.sentByA.stream().allMatch(d -> d.localPort() == 500 && d.peerPort() == 500), "no float to 4500");
    assertTrue(g.sentByB.stream().map(IkeDatagram::localPort).allMatch(p -> p == 500));
  }

  @Test
  void aNatBetweenIsDetectedByBothEndsAndBothEncapsulate() {
    TwoGateways g = gateways(true);
    ChildSa ca = g.a.children.getFirst();
    ChildSa cb = g.b.children.getFirst();
    assertTrue(ca.udpEncapsulation());
    assertTrue(cb.udpEncapsulation());
    assertEquals(List.of(500, 500, 4500, 4500, 4500), g.sentByA.stream().map(IkeDatagram::localPort).toList());
  }
}
