package io.ipsecmesh.ike.engine;

import static io.ipsecmesh.ike.engine.TestPeers.A;
import static io.ipsecmesh.ike.engine.TestPeers.B;
import static io.ipsecmesh.ike.engine.TestPeers.GCM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.ike.policy.PeerPolicy;
import io.ipsecmesh.proto.bus.SaMessages.ChildSaDeleted;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code crypto isakmp invalid-spi-recovery} over IKEv2, in virtual time: the seed's "black hole" (b
 * lost every SA, a keeps sending on its stale one) is closed by an IKE SA that b sets up with a for the
 * purpose, and the DoS limits the seed asks for hold ({@link InvalidSpiLimiter}).
 */
class InvalidSpiRecoveryTest {

  /** a and b up; then b loses everything without a word to a (a reboot): returns a's stale Child SA. */
  private static ChildSa bRebooted(TestPeers n) {
    n.symmetric(GCM, List.of(EspTransform.AES_GCM_128));
    n.a.initiate(n.aPolicies.all().get(0));
    n.run();
    ChildSa stale = n.aEvents.installed.get(0);
    n.drop = p -> p.from().equals(B);
    n.b.clear(null);
    n.run();
    n.drop = p -> false;
    assertEquals(0, n.b.ikeSaCount());
    assertEquals(1, n.a.ikeSaCount(), "a did not hear of it");
    n.sent.clear();
    return stale;
  }

  /**
   * The seed (Invalid Security Parameter Index Recovery, "How to Configure"): even without {@code crypto isakmp
   * invalid-spi-recovery} a receiver sends the INVALID SPI NOTIFY "using the IKE SA"; only without one is the
   * packet merely dropped.
   */
  @Test
  void withoutRecoveryAnExistingIkeSaStillCarriesTheNotify() {
    TestPeers n = new TestPeers();
    n.symmetric(GCM, List.of(EspTransform.AES_GCM_128));
    n.a.initiate(n.aPolicies.all().get(0));
    n.run();
    ChildSa a = n.aEvents.installed.get(0);
    n.sent.clear();
    assertTrue(n.b.invalidSpi(A, a.outboundSpi(), false));
    n.run();
    assertEquals(2, n.sent.size(), "one INFORMATIONAL(INVALID_SPI) and its response");
    assertEquals(List.of(a.inboundSpi()), n.aEvents.deleted.stream().map(ChildSaDeleted::inboundSpi).toList());
  }

  @Test
  void withoutRecoveryAndWithoutAnIkeSaThePacketIsOnlyDropped() {
    TestPeers n = new TestPeers();
    ChildSa stale = bRebooted(n);
    assertFalse(n.b.invalidSpi(A, stale.outboundSpi(), false));
    n.run();
    assertEquals(0, n.sent.size(), "no IKE SA is set up for it");
    assertEquals(0, n.b.ikeSaCount());
  }

  @Test
  void withoutAnIkeSaTheReceiverSetsOneUpAndTheSenderDropsItsStaleSa() {
    TestPeers n = new TestPeers();
    ChildSa stale = bRebooted(n);
    // a's next ESP packet reaches b with a's outbound SPI, which b no longer knows
    assertTrue(n.b.invalidSpi(A, stale.outboundSpi()));
    n.run();
    assertEquals(6, n.sent.size(), "IKE_SA_INIT, IKE_AUTH, INFORMATIONAL(INVALID_SPI) and their responses");
    assertEquals(List.of(stale.inboundSpi()), n.aEvents.deleted.stream().map(ChildSaDeleted::inboundSpi).toList(),
        "a dropped its stale SA (INITIAL_CONTACT of b's new IKE SA)");
    assertEquals(1, n.a.ikeSaCount());
    assertEquals(1, n.b.ikeSaCount());
    ChildSa aNew = n.aEvents.installed.get(1);
    ChildSa bNew = n.bEvents.installed.get(1);
    assertEquals(aNew.outboundSpi(), bNew.inboundSpi(), "traffic flows again on the new SA pair");
    assertEquals(aNew.inboundSpi(), bNew.outboundSpi());
  }

  @Test
  void aFloodOfInvalidSpisFromOnePeerIsOneIkeSaAndOneNotifyASecond() {
    TestPeers n = new TestPeers();
    ChildSa stale = bRebooted(n);
    for (int i = 0; i < 100; i++) {
      n.b.invalidSpi(A, stale.outboundSpi() + i);
    }
    n.run();
    assertEquals(2, n.aEvents.up.size(), "one new IKE SA, not one per packet");
    assertEquals(6, n.sent.size());
    n.sent.clear();
    // the IKE SA is up and its notify went out: packets still in flight on stale SPIs add nothing this second
    for (int i = 0; i < 100; i++) {
      n.b.invalidSpi(A, 0x1000 + i);
    }
    n.run();
    assertEquals(0, n.sent.size());
    n.advance(999);
    assertFalse(n.b.invalidSpi(A, 0x2000));
    n.advance(1);
    // a second later: further reports are notifies over the IKE SA, at most one a second per peer
    for (int i = 0; i < 100; i++) {
      n.b.invalidSpi(A, 0x3000 + i);
    }
    n.run();
    assertEquals(2, n.sent.size(), "one INFORMATIONAL and its response");
    // the 99 reports during the negotiation joined its notify; 100 + 1 + 99 later ones were refused
    assertEquals(200, n.b.invalidSpiRefused());
  }

  @Test
  void onlyConfiguredPeersGetAnIkeSaAndAtMostTwentyASecond() {
    TestPeers n = new TestPeers();
    List<PeerPolicy> policies = new ArrayList<>();
    for (int i = 1; i <= 30; i++) {
      policies.add(TestPeers.policy(B, "198.51.100." + i, "10.91.2.0", "10.91." + (100 + i) + ".0", "k", GCM,
          List.of(EspTransform.AES_GCM_128)));
    }
    n.bPolicies.replace(policies);
    n.drop = p -> true; // nobody answers: we only count what b starts
    assertFalse(n.b.invalidSpi("203.0.113.66", 0x4242), "a spoofed source that is no peer of ours: nothing");
    assertEquals(0, n.b.ikeSaCount());
    int started = 0;
    for (int i = 1; i <= 30; i++) {
      started += n.b.invalidSpi("198.51.100." + i, 0x5000 + i) ? 1 : 0;
    }
    assertEquals(InvalidSpiLimiter.GLOBAL_PER_SECOND, started);
    assertEquals(20, n.b.ikeSaCount(), "IKE_SA_INIT sent to 20 peers");
    n.advance(1000);
    for (int i = 21; i <= 30; i++) {
      assertTrue(n.b.invalidSpi("198.51.100." + i, 0x5000 + i), "a second later: peer " + i);
    }
    assertEquals(30, n.b.ikeSaCount());
  }
}
