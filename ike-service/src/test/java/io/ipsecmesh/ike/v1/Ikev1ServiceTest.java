package io.ipsecmesh.ike.v1;

import static io.ipsecmesh.ike.v1.TwoGateways.A;
import static io.ipsecmesh.ike.v1.TwoGateways.B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.ikev1.Ikev1Vectors;
import io.ipsecmesh.proto.sa.EspTransform;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The seam IkeVerticle uses: version dispatch, acquire by crypto map, probes, clear. */
class Ikev1ServiceTest {

  @Test
  void handlesIsakmpVersion1AndLeavesIkev2Alone() {
    TwoGateways g = new TwoGateways();
    for (Ikev1Vectors.Frame f : Ikev1Vectors.frames("ikev1-psk-main-dpd")) {
      assertTrue(g.serviceA.handles(f.message()));
    }
    byte[] ikev2 = Ikev1Vectors.frames("ikev1-psk-main-dpd").getFirst().message().clone();
    ikev2[17] = 0x20;
    assertFalse(g.serviceA.handles(ikev2));
    assertFalse(g.serviceA.handles(new byte[] {(byte) 0xff}), "a NAT keepalive");
    assertFalse(g.serviceA.handles(new byte[27]));
  }

  @Test
  void acquireByCryptoMapEntryProbeAndClear() {
    TwoGateways g = new TwoGateways();
    Ikev1Suite s = TwoGateways.suite(256, Ikev1Hash.SHA2_256, 19);
    g.configure(TwoGateways.policy(A, B, "k", s, EspTransform.AES_GCM_128, "10.1.0", "10.2.0"),
        TwoGateways.policy(B, A, "k", s, EspTransform.AES_GCM_128, "10.2.0", "10.1.0"));
    assertTrue(g.serviceA.ownsMapEntry("vpn", 10));
    assertFalse(g.serviceA.ownsMapEntry("vpn", 20));
    assertFalse(g.serviceA.acquire("vpn", 20, null));
    assertFalse(g.serviceA.acquire("vpn", 10, "198.51.100.7"), "not a peer of the entry");
    assertTrue(g.serviceA.acquire("vpn", 10, B));
    g.pump();
    String id = g.serviceA.ikeSaIdFor(B);
    assertEquals(id, g.a.up.getFirst().ikeSaId());
    assertTrue(g.serviceA.knowsSa(id));
    assertTrue(g.serviceB.knowsSa(id), "the same ISAKMP SA id on both sides");
    // a second acquire while the SA is up: only a Quick Mode
    int before = g.sentByA.size();
    g.serviceA.acquire("vpn", 10, null);
    g.pump();
    assertEquals(before + 2, g.sentByA.size(), "QM1 and QM3");
    assertEquals(2, g.b.children.size());

    List<io.ipsecmesh.proto.bus.DpdMessages.ProbeOutcome> outcomes = new ArrayList<>();
    g.serviceB.probe(new io.ipsecmesh.proto.bus.DpdMessages.ProbeRequest(id, A, 0, 1000), outcomes::add);
    g.pump();
    assertTrue(outcomes.getFirst().acknowledged());

    // show crypto isakmp sa: IOS IKEv1 states, one conn-id per ISAKMP SA, the final id once SPIr is known
    assertEquals(List.of("MM_NO_STATE", "MM_SA_SETUP", "MM_KEY_EXCH", "QM_IDLE"),
        g.a.rows.stream().map(io.ipsecmesh.proto.sa.IkeSaSummary::state).toList());
    assertEquals(List.of("MM_NO_STATE", "MM_SA_SETUP", "QM_IDLE"),
        g.b.rows.stream().map(io.ipsecmesh.proto.sa.IkeSaSummary::state).toList());
    var row = g.a.rows.getLast();
    assertEquals(id, row.ikeSaId());
    assertEquals(1, row.version());
    assertEquals(B, row.dst());
    assertEquals("Initiator", row.role());
    assertEquals(row.connId(), g.a.children.getFirst().connectionId());
    assertTrue(row.connId() >= 500_000, "apart from IKEv2's conn-ids");

    assertEquals(2, g.serviceA.clear(B, "dpd: peer dead")[1], "two Child SAs cleared");
    g.pump();
    assertEquals(id, g.a.removedRows.getFirst().ikeSaId());
    assertEquals("DELETED", g.a.removedRows.getFirst().status());
    assertEquals("dpd: peer dead", g.a.down.getFirst().reason());
    assertEquals(2, g.a.deleted.size());
    assertEquals(2, g.b.deleted.size(), "B heard the DELETEs of both Child SAs");
    assertEquals(0, g.serviceB.activeSaCount());
    assertFalse(g.serviceA.knowsSa(id));

    // dpd.peer.dead with the next set peer: IKEv1 failover only to peers of ours
    io.ipsecmesh.ike.policy.CurrentPeers current = new io.ipsecmesh.ike.policy.CurrentPeers();
    assertFalse(g.serviceA.failOver("198.51.100.7", current));
    assertTrue(g.serviceA.failOver(B, current));
    assertEquals(B, current.current("vpn", 10).orElseThrow(), "later ACQUIREs go to the peer failover reached");
    g.pump();
    assertEquals(2, g.a.up.size());
  }
}
