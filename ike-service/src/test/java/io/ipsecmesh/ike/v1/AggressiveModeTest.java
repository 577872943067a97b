package io.ipsecmesh.ike.v1;

import static io.ipsecmesh.ike.v1.TwoGateways.A;
import static io.ipsecmesh.ike.v1.TwoGateways.B;
import static io.ipsecmesh.ike.v1.TwoGateways.WRAP;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.ike.policy.PeerAuthorization;
import io.ipsecmesh.proto.bus.IkeMessages.IkeDatagram;
import io.ipsecmesh.proto.config.IdentityMatch;
import io.ipsecmesh.proto.config.IkeIdentity;
import io.ipsecmesh.proto.config.IsakmpProfile;
import io.ipsecmesh.proto.ikev1.IsakmpCodec;
import io.ipsecmesh.proto.ikev1.IsakmpConstants;
import io.ipsecmesh.proto.ikev1.IsakmpHeader;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Aggressive Mode (RFC 2409 §5.4, pre-shared key) between our initiator and our responder in virtual time:
 * three phase-1 messages, the same keys as Main Mode would give, the clear-text ID checked by the
 * responder's production policy, {@code crypto isakmp aggressive-mode disable}, NAT-T, a lost AM3.
 */
class AggressiveModeTest {

  private static final String PSK = "aggressive-psk";
  private static final Ikev1Suite SUITE = TwoGateways.suite(256, Ikev1Hash.SHA2_256, 14);
  private static final EspTransform ESP = EspTransform.AES_CBC_256_HMAC_SHA256_128;

  private static TwoGateways gateways(Ikev1Policy forB) {
    TwoGateways g = new TwoGateways();
    g.configure(TwoGateways.policy(A, B, PSK, SUITE, ESP, "10.1.0", "10.2.0").withAggressive(true), forB);
    return g;
  }

  private static Ikev1Policy responder() {
    return TwoGateways.policy(B, A, PSK, SUITE, ESP, "10.2.0", "10.1.0");
  }

  @Test
  void threeMessagesThenQuickModeWithMirroredSpisAndEqualKeys() {
    TwoGateways g = gateways(responder());
    assertTrue(g.serviceA.acquire("vpn", 10, null));
    g.pump();

    assertEquals(List.of(IsakmpConstants.EXCH_AGGRESSIVE, IsakmpConstants.EXCH_AGGRESSIVE,
        IsakmpConstants.EXCH_AGGRESSIVE, IsakmpConstants.EXCH_QUICK_MODE, IsakmpConstants.EXCH_QUICK_MODE,
        IsakmpConstants.EXCH_QUICK_MODE), exchangeTypes(g), "AM1, AM2, AM3, then Quick Mode");
    assertEquals(B, g.a.up.getFirst().peerId());
    assertEquals(A, g.b.up.getFirst().peerId(), "B learnt A's ID from AM1, authenticated by HASH_I");
    assertEquals(g.a.up.getFirst().ikeSaId(), g.b.up.getFirst().ikeSaId());
    ChildSa ca = g.a.children.getFirst();
    ChildSa cb = g.b.children.getFirst();
    assertEquals(ca.inboundSpi(), cb.outboundSpi());
    assertArrayEquals(WRAP.unwrap(ca.wrappedInboundKeys()), WRAP.unwrap(cb.wrappedOutboundKeys()));
    assertArrayEquals(WRAP.unwrap(ca.wrappedOutboundKeys()), WRAP.unwrap(cb.wrappedInboundKeys()));
    assertTrue(g.a.rows.stream().anyMatch(r -> r.state().equals("AG_INIT_EXCH")), "show crypto isakmp sa while AM runs");
    assertEquals("QM_IDLE", g.a.rows.getLast().state());
  }

  @Test
  void wrongPreSharedKeyFailsAtHashR() {
    TwoGateways g = new TwoGateways();
    g.configure(TwoGateways.policy(A, B, PSK, SUITE, ESP, "10.1.0", "10.2.0").withAggressive(true),
        TwoGateways.policy(B, A, "another-key", SUITE, ESP, "10.2.0", "10.1.0"));
    g.serviceA.acquire("vpn", 10, null);
    g.pump();
    assertTrue(g.a.up.isEmpty());
    assertEquals("negotiation-failed: auth-failed", g.a.down.getFirst().reason());
    assertEquals(2, g.sentByA.size() + g.sentByB.size(), "no AM3 after a HASH_R that does not verify");
  }

  /**
   * The ID in AM1 is in the clear: B's crypto map accepts only {@code match identity host gw-a.example}
   * (the production {@link Ikev1Policies#remote} of an isakmp profile), and A says 10.0.0.1: no answer,
   * no state.
   */
  @Test
  void responderRefusesAnIdentityItsIsakmpProfileDoesNotMatch() {
    IsakmpProfile profile = new IsakmpProfile("P", List.of(new IdentityMatch(IkeIdentity.Type.FQDN, "gw-a.example",
        false)), null);
    Ikev1Policy b = responder();
    PeerAuthorization remote = Ikev1Policies.remote(profile, A);
    Ikev1Policy strict = new Ikev1Policy(b.cryptoMap(), b.mapSequence(), b.peerAddress(), b.localAddress(),
        b.localId(), remote, b.psk(), b.suites(), b.espTransforms(), null, b.localSelectors(), b.remoteSelectors(),
        b.mode(), b.replayWindow(), b.lifetimeSeconds(), b.lifetimeKilobytes(), b.idleTimeSeconds(), b.dfBit());
    TwoGateways g = gateways(strict);
    g.serviceA.acquire("vpn", 10, null);
    g.pump();
    assertTrue(g.sentByB.isEmpty(), "AM1 with an ID the profile does not match gets no AM2");
    assertEquals(0, g.serviceB.activeSaCount());

    // the same profile accepts A once A identifies itself by that host name
    TwoGateways g2 = new TwoGateways();
    Ikev1Policy a = TwoGateways.policy(A, B, PSK, SUITE, ESP, "10.1.0", "10.2.0").withAggressive(true);
    g2.configure(new Ikev1Policy(a.cryptoMap(), a.mapSequence(), a.peerAddress(), a.localAddress(),
        new Ikev1Policy.Identity(IsakmpConstants.ID_FQDN, "gw-a.example"), a.remote(), a.psk(), a.suites(),
        a.espTransforms(), null, a.localSelectors(), a.remoteSelectors(), a.mode(), a.replayWindow(),
        a.lifetimeSeconds(), a.lifetimeKilobytes(), a.idleTimeSeconds(), a.dfBit(), true, null), strict);
    g2.serviceA.acquire("vpn", 10, null);
    g2.pump();
    assertEquals("gw-a.example", g2.b.up.getFirst().peerId());
    assertEquals(1, g2.b.children.size());
  }

  @Test
  void aggressiveModeDisableDropsAm1WithoutState() {
    TwoGateways g = gateways(responder());
    g.serviceB.engine().setAggressiveModeAccepted(false);
    g.serviceA.acquire("vpn", 10, null);
    g.pump();
    assertTrue(g.sentByB.isEmpty());
    assertEquals(0, g.serviceB.activeSaCount());
  }

  @Test
  void natDetectedMovesAm3AndQuickModeTo4500() {
    TwoGateways g = gateways(responder());
    g.natInFrontOfA = true;
    Ikev1Policy b = TwoGateways.policy(B, TwoGateways.NAT_OUTSIDE, PSK, SUITE, ESP, "10.2.0", "10.1.0");
    g.serviceB.setPolicies(List.of(b));
    g.serviceA.acquire("vpn", 10, null);
    g.pump();
    assertEquals(500, g.sentByA.get(0).localPort());
    assertEquals(4500, g.sentByA.get(1).localPort(), "AM3 from 4500 (RFC 3947 §4)");
    assertTrue(g.a.children.getFirst().udpEncapsulation());
    assertTrue(g.b.children.getFirst().udpEncapsulation());
  }

  @Test
  void lostAm3IsSentAgainWhenTheResponderRepeatsAm2() {
    TwoGateways g = gateways(responder());
    int[] am3s = {0};
    g.drop = d -> d.localAddress().equals(A) && isAm3(d) && am3s[0]++ == 0;
    g.serviceA.acquire("vpn", 10, null);
    g.pump();
    assertEquals(1, g.a.up.size(), "the initiator is up after AM2");
    assertTrue(g.b.up.isEmpty(), "the responder never got AM3");
    // what a responder that retransmits does (strongSwan does): AM1 again gives the same AM2 from the cache
    IkeDatagram am2 = g.sentByB.getFirst();
    g.serviceA.receive(new IkeDatagram(A, 500, B, 500, am2.message()), d -> g.wire.add(d));
    g.pump();
    assertEquals(1, g.b.up.size(), "AM3 sent again on the repeated AM2");
  }

  private static boolean isAm3(IkeDatagram d) {
    try {
      IsakmpHeader h = IsakmpCodec.decodeHeader(d.message());
      return h.exchangeType() == IsakmpConstants.EXCH_AGGRESSIVE && h.responderCookie() != 0;
    } catch (Exception e) {
      return false;
    }
  }

  private static List<Integer> exchangeTypes(TwoGateways g) {
    List<IkeDatagram> all = new java.util.ArrayList<>();
    // A and B alternate: AM1 (A), AM2 (B), AM3 (A), QM1 (A), QM2 (B), QM3 (A)
    all.add(g.sentByA.get(0));
    all.add(g.sentByB.get(0));
    all.add(g.sentByA.get(1));
    all.add(g.sentByA.get(2));
    all.add(g.sentByB.get(1));
    all.add(g.sentByA.get(3));
    return all.stream().map(d -> {
      try {
        return IsakmpCodec.decodeHeader(d.message()).exchangeType();
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }).toList();
  }
}
