package io.ipsecmesh.ike.v1;

import static io.ipsecmesh.ike.v1.TwoGateways.A;
import static io.ipsecmesh.ike.v1.TwoGateways.B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.bus.DpdMessages.ProbeOutcome;
import io.ipsecmesh.proto.bus.DpdMessages.ProbeRequest;
import io.ipsecmesh.proto.bus.IkeMessages.IkeDatagram;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * IKEv1 counterpart of the IKEv2 rule: the NAT in front of A remaps A's 4500 while only ESP flows, and B's
 * forwarder reports the new port of A's authenticated ESP ({@code fwd.nat-mapping}). B's ISAKMP SA and
 * Child SA move there, so B's next ISAKMP message already goes to the new mapping.
 */
class Ikev1NatMappingFromEspTest {

  private static final String PSK = "ikev1-loopback-psk";

  @Test
  void espSeenFromANewNatPortMovesTheIsakmpSaAndItsChildSa() {
    TwoGateways g = new TwoGateways();
    g.natInFrontOfA = true;
    Ikev1Suite s = TwoGateways.suite(256, Ikev1Hash.SHA2_256, 19);
    g.configure(TwoGateways.policy(A, B, PSK, s, EspTransform.AES_CBC_256_HMAC_SHA256_128, "10.1.0", "10.2.0"),
        TwoGateways.policy(B, TwoGateways.NAT_OUTSIDE, PSK, s, EspTransform.AES_CBC_256_HMAC_SHA256_128, "10.2.0",
            "10.1.0"));
    g.serviceA.acquire("vpn", 10, null);
    g.pump();
    ChildSa cb = g.b.children.getFirst();
    assertEquals(34500, cb.peerPort());

    assertFalse(g.serviceB.natMappingSeenInEsp(0xDEAD, TwoGateways.NAT_OUTSIDE, 40123), "not an IKEv1 SPI");
    assertTrue(g.serviceB.natMappingSeenInEsp(cb.inboundSpi(), "192.0.2.99", 40123), "ours, but another address");
    assertTrue(g.b.rebound.isEmpty(), "another address moves nothing");

    g.natPortFor4500 = 40123;
    assertTrue(g.serviceB.natMappingSeenInEsp(cb.inboundSpi(), TwoGateways.NAT_OUTSIDE, 40123));
    assertEquals(1, g.b.rebound.size());
    assertEquals(40123, g.b.rebound.getLast().peerPort());
    assertEquals(cb.inboundSpi(), g.b.rebound.getLast().inboundSpi());

    // B's own R-U-THERE goes to the mapping ESP showed, and A's answer through the NAT keeps it there
    List<ProbeOutcome> outcomes = new ArrayList<>();
    int before = g.sentByB.size();
    g.serviceB.probe(new ProbeRequest(g.b.up.getFirst().ikeSaId(), TwoGateways.NAT_OUTSIDE, 0, 1000),
        outcomes::add);
    IkeDatagram probe = g.sentByB.get(before);
    assertEquals(40123, probe.peerPort());
    g.pump();
    assertTrue(outcomes.getFirst().acknowledged());
    assertEquals(1, g.b.rebound.size(), "no second move");
  }
}
