package io.ipsecmesh.ike.v1;

import static io.ipsecmesh.ike.v1.TwoGateways.A;
import static io.ipsecmesh.ike.v1.TwoGateways.B;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipsecmesh.ike.dos.DosCounters;
import io.ipsecmesh.proto.ikev1.IsakmpConstants;
import io.ipsecmesh.proto.sa.EspTransform;
import java.util.List;
import org.junit.jupiter.api.Test;

/** IKEv1's share of the DoS limits: Main Mode half-open SAs per peer, Quick Modes per ISAKMP SA. */
class Ikev1DosLimitsTest {

  private static final String PSK = "ikev1-loopback-psk";

  private static TwoGateways gateways(io.ipsecmesh.ike.wire.Counted counted) {
    TwoGateways g = new TwoGateways();
    Ikev1Suite s = TwoGateways.suite(256, Ikev1Hash.SHA2_256, 19);
    EspTransform esp = EspTransform.AES_CBC_256_HMAC_SHA256_128;
    g.configure(TwoGateways.policy(A, B, PSK, s, esp, "10.1.0", "10.2.0"),
        TwoGateways.policy(B, A, PSK, s, esp, "10.2.0", "10.1.0"));
    g.serviceB.setStats(counted);
    return g;
  }

  @Test
  void mainModesFromOneAddressBeyondItsQuotaAreDroppedAndTheQuotaFreesOnTimeout() {
    io.ipsecmesh.ike.wire.Counted counted = new io.ipsecmesh.ike.wire.Counted();
    TwoGateways g = gateways(counted);
    g.serviceB.setLimits(2, 64);
    g.drop = d -> d.localAddress().equals(B); // B's MM2s are lost: B keeps half-open state
    Ikev1Engine a = g.serviceAEngine();
    for (int i = 0; i < 3; i++) {
      MainModeInitiator.start(a, a.policies().getFirst(), true);
    }
    g.pump();
    Ikev1Engine b = g.serviceB.engine();
    assertEquals(2, b.table.sas.size(), "two half-open Main Modes kept");
    assertEquals(List.of(DosCounters.HALF_OPEN_PEER_QUOTA), counted.dropped);
    assertEquals(2, b.table.halfOpenPerPeer.count(A));

    g.serviceA.clear(null, "test");
    g.advance(b.wire.policy().giveUpAfter() + 1_000);
    assertEquals(0, b.table.sas.size());
    assertEquals(0, b.table.halfOpenPerPeer.peers(), "nothing counted for gone SAs");
    g.drop = d -> false;
    g.serviceA.acquire("vpn", 10, null);
    g.pump();
    assertEquals(1, g.b.children.size(), "established once the quota was free");
    assertEquals(0, b.table.halfOpenPerPeer.count(A), "an authenticated ISAKMP SA no longer counts");
  }

  @Test
  void quickModesBeyondTheChildSaCapAreRefusedWithNoProposalChosen() {
    io.ipsecmesh.ike.wire.Counted counted = new io.ipsecmesh.ike.wire.Counted();
    TwoGateways g = gateways(counted);
    g.serviceB.setLimits(10, 1);
    g.serviceA.acquire("vpn", 10, null);
    g.pump();
    assertEquals(1, g.b.children.size());
    // two more Quick Modes for the same selectors: the first may overlap the Child SA as its rekey, the
    // second would be a third SA for one pair of selectors
    g.drop = d -> d.localAddress().equals(B) && (d.message()[18] & 0xff) == IsakmpConstants.EXCH_QUICK_MODE;
    Ikev1Engine a = g.serviceAEngine();
    a.initiate(a.policies().getFirst());
    a.initiate(a.policies().getFirst());
    g.pump();
    assertEquals(List.of(DosCounters.CHILD_SA_LIMIT), counted.dropped);
    assertEquals(List.of("no-proposal-chosen"), g.a.quickModeFailures.stream().distinct().toList(),
        "the refusal reaches A as an informational");
  }
}
