package io.ipsecmesh.ike.engine;

import static io.ipsecmesh.ike.engine.TestPeers.A;
import static io.ipsecmesh.ike.engine.TestPeers.B;
import static io.ipsecmesh.ike.engine.TestPeers.GCM;
import static io.ipsecmesh.ike.engine.TestPeers.WRAP;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.ike.crypto.IkeSuite;
import io.ipsecmesh.ike.exchange.Proposals;
import io.ipsecmesh.proto.ikev2.IkeCodec;
import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.ikev2.IkeHeader;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.sa.TrafficSelector;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IkeEngineTest {

  static ChildSa only(List<ChildSa> l) {
    assertEquals(1, l.size(), "installed Child SAs: " + l);
    return l.get(0);
  }

  static void assertKeysMirror(ChildSa a, ChildSa b) {
    assertEquals(a.inboundSpi(), b.outboundSpi());
    assertEquals(a.outboundSpi(), b.inboundSpi());
    assertArrayEquals(WRAP.unwrap(a.wrappedInboundKeys()), WRAP.unwrap(b.wrappedOutboundKeys()));
    assertArrayEquals(WRAP.unwrap(a.wrappedOutboundKeys()), WRAP.unwrap(b.wrappedInboundKeys()));
    assertEquals(a.transform().keyMaterialBytes(), WRAP.unwrap(a.wrappedInboundKeys()).length);
  }

  @Test
  void gcmX25519ExchangeInstallsMirroredChildSas() {
    TestPeers n = new TestPeers();
    n.symmetric(GCM, List.of(EspTransform.AES_GCM_128));
    n.a.initiate(n.aPolicies.all().get(0));
    n.run();
    assertEquals(4, n.sent.size(), "IKE_SA_INIT + IKE_AUTH, no retransmission");
    ChildSa a = only(n.aEvents.installed);
    ChildSa b = only(n.bEvents.installed);
    assertKeysMirror(a, b);
    assertEquals(EspTransform.AES_GCM_128, a.transform());
    assertTrue(a.esn() && b.esn(), "both offer ESN (RFC 7296 §3.3.2 type 5): the Child SA uses 64-bit numbers");
    assertEquals(List.of(TestPeers.net("10.91.1.0")), a.localSelectors());
    assertEquals(List.of(TestPeers.net("10.91.2.0")), a.remoteSelectors());
    assertEquals(List.of(TestPeers.net("10.91.2.0")), b.localSelectors());
    assertEquals("gwb.interop.test", n.aEvents.up.get(0).peerId());
    assertEquals("gwa.interop.test", n.bEvents.up.get(0).peerId());
    assertEquals("READY", n.aEvents.up.get(0).state());
    assertFalse(a.udpEncapsulation(), "no NAT between the peers");
    assertEquals(n.aEvents.up.get(0).ikeSaId(), a.ikeSaId());
    assertEquals(0, n.b.halfOpenCount());
  }

  @Test
  void cbcModpAndEcpSuitesWork() {
    for (String suite : List.of("aes256-sha256-modp2048", "aes128-sha384-prfsha384-ecp384",
        "aes256gcm16-prfsha512-ecp256")) {
      TestPeers n = new TestPeers();
      n.symmetric(List.of(Proposals.parseSuite(suite)), List.of(EspTransform.AES_CBC_256_HMAC_SHA256_128));
      n.a.initiate(n.aPolicies.all().get(0));
      n.run();
      assertKeysMirror(only(n.aEvents.installed), only(n.bEvents.installed));
      assertEquals(64, WRAP.unwrap(n.aEvents.installed.get(0).wrappedInboundKeys()).length, suite);
    }
  }

  @Test
  void invalidKePayloadMakesTheInitiatorRetryWithTheRequestedGroup() {
    TestPeers n = new TestPeers();
    IkeSuite ecp = Proposals.parseSuite("aes128gcm16-prfsha256-ecp256");
    IkeSuite x = Proposals.parseSuite("aes128gcm16-prfsha256-x25519");
    n.aPolicies.replace(List.of(TestPeers.policy(A, B, "10.91.1.0", "10.91.2.0", "k", List.of(ecp, x),
        List.of(EspTransform.AES_GCM_128))));
    n.bPolicies.replace(List.of(TestPeers.policy(B, A, "10.91.2.0", "10.91.1.0", "k", List.of(x),
        List.of(EspTransform.AES_GCM_128))));
    n.a.initiate(n.aPolicies.all().get(0));
    n.run();
    assertEquals(6, n.sent.size(), "INIT, INVALID_KE, INIT again, response, AUTH, response");
    assertKeysMirror(only(n.aEvents.installed), only(n.bEvents.installed));
  }

  @Test
  void wrongPskFailsOnBothSidesWithAuthenticationFailed() {
    TestPeers n = new TestPeers();
    n.aPolicies.replace(List.of(TestPeers.policy(A, B, "10.91.1.0", "10.91.2.0", "wrong-psk", GCM,
        List.of(EspTransform.AES_GCM_128))));
    n.bPolicies.replace(List.of(TestPeers.policy(B, A, "10.91.2.0", "10.91.1.0", "right-psk", GCM,
        List.of(EspTransform.AES_GCM_128))));
    n.a.initiate(n.aPolicies.all().get(0));
    n.run();
    assertEquals(List.of(), n.aEvents.installed);
    assertEquals(List.of(), n.bEvents.installed);
    assertEquals(List.of("negotiation-failed: auth-failed"), n.aEvents.down);
    assertEquals(List.of("negotiation-failed: auth-failed"), n.bEvents.down);
    assertEquals(0, n.a.ikeSaCount());
    assertEquals(0, n.b.ikeSaCount());
  }

  @Test
  void lostResponsesAreRetransmittedAndDuplicatesAnsweredFromTheReplyCache() {
    TestPeers n = new TestPeers();
    n.symmetric(GCM, List.of(EspTransform.AES_GCM_128));
    int[] responsesFromB = {0};
    // lose b's first IKE_SA_INIT response and its first IKE_AUTH response
    n.drop = p -> p.from().equals(B) && responsesFromB[0]++ % 2 == 0;
    n.a.initiate(n.aPolicies.all().get(0));
    n.run();
    assertEquals(List.of(), n.aEvents.installed);
    n.advance(1999);
    assertEquals(List.of(), n.aEvents.installed, "no retransmission before 2 s");
    n.advance(1);
    assertEquals(List.of(), n.aEvents.installed, "IKE_SA_INIT answered from b's half-open state, AUTH lost");
    n.advance(2000);
    assertKeysMirror(only(n.aEvents.installed), only(n.bEvents.installed));
    // b processed IKE_AUTH once: the retransmitted request got the cached response
    assertEquals(1, n.bEvents.up.size());
  }

  @Test
  void unansweredInitiatorGivesUpAfterTheRetransmitSchedule() {
    TestPeers n = new TestPeers();
    n.symmetric(GCM, List.of(EspTransform.AES_GCM_128));
    n.drop = p -> true;
    n.a.initiate(n.aPolicies.all().get(0));
    n.run();
    n.advance(RetransmitPolicy.DEFAULT.giveUpAfter() - 1);
    assertEquals(1 + RetransmitPolicy.DEFAULT.tries(), n.sent.size());
    assertEquals(List.of(), n.aEvents.down);
    n.advance(1);
    assertEquals(List.of("negotiation-failed: timeout"), n.aEvents.down);
    assertEquals(0, n.a.ikeSaCount());
  }

  @Test
  void dpdProbeIsAcknowledgedAndRetransmittedOnDpdServiceSchedule() {
    TestPeers n = new TestPeers();
    n.symmetric(GCM, List.of(EspTransform.AES_GCM_128));
    n.a.initiate(n.aPolicies.all().get(0));
    n.run();
    String id = n.aEvents.installed.get(0).ikeSaId();
    List<Boolean> outcomes = new ArrayList<>();
    n.a.probe(id, 0, outcomes::add);
    n.run();
    assertEquals(List.of(true), outcomes);

    n.drop = p -> true;
    int before = n.sent.size();
    n.a.probe(id, 0, outcomes::add);
    n.run();
    n.advance(2000);
    assertEquals(List.of(true), outcomes, "no timer here: dpd-service's next attempt ends the unanswered one");
    assertEquals(before + 1, n.sent.size(), "the engine does not retransmit a liveness check itself");
    n.a.probe(id, 1, outcomes::add);
    n.run();
    assertEquals(List.of(true, false), outcomes, "attempt 1 supersedes attempt 0");
    assertEquals(before + 2, n.sent.size(), "attempt 1 resent the same request");
    assertArrayEquals(n.sent.get(before).bytes(), n.sent.get(before + 1).bytes());
    n.drop = p -> false;
    int liveness = n.aEvents.liveness;
    n.a.probe(id, 2, outcomes::add);
    n.run();
    assertEquals(List.of(true, false, false, true), outcomes);
    assertEquals(liveness, n.aEvents.liveness, "the answer acknowledged the probe, and nothing else");
    assertTrue(n.a.peerDead(id));
    assertEquals(1, n.aEvents.deleted.size());
    assertEquals("dpd", n.aEvents.deleted.get(0).reason());
  }

  @Test
  void clearSessionDeletesBothSidesWithDeletePayload() {
    TestPeers n = new TestPeers();
    n.symmetric(GCM, List.of(EspTransform.AES_GCM_128));
    n.a.initiate(n.aPolicies.all().get(0));
    n.run();
    int[] counts = n.b.clear(A);
    n.run();
    assertArrayEquals(new int[] {1, 1}, counts);
    assertEquals(List.of("delete"), n.aEvents.down);
    assertEquals(List.of("clear"), n.bEvents.down);
    assertEquals(0, n.a.ikeSaCount());
    assertEquals("delete", n.aEvents.deleted.get(0).reason());
  }

  @Test
  void clearCryptoSessionByLocalAddressAndPortsClearsOnlyMatchingSas() {
    TestPeers n = new TestPeers();
    n.symmetric(GCM, List.of(EspTransform.AES_GCM_128));
    n.a.initiate(n.aPolicies.all().get(0));
    n.run();
    // clear crypto session remote A port 4500: the SA runs on 500, nothing goes
    assertArrayEquals(new int[] {0, 0}, n.b.clearBetween(new io.ipsecmesh.proto.bus.MgmtMessages.ClearSession(A, 4500,
        null, 0)));
    // clear crypto session local <another address>
    assertArrayEquals(new int[] {0, 0}, n.b.clearBetween(new io.ipsecmesh.proto.bus.MgmtMessages.ClearSession(null, 0,
        "192.0.2.99", 0)));
    assertEquals(1, n.b.ikeSaCount());
    assertArrayEquals(new int[] {1, 1}, n.b.clearBetween(new io.ipsecmesh.proto.bus.MgmtMessages.ClearSession(A, 500,
        null, 500)));
    n.run();
    assertEquals(List.of("clear"), n.bEvents.down);
    assertEquals(0, n.a.ikeSaCount());
  }

  @Test
  void deleteOfAChildSaIsAnsweredWithOurSpi() {
    TestPeers n = new TestPeers();
    n.symmetric(GCM, List.of(EspTransform.AES_GCM_128));
    n.a.initiate(n.aPolicies.all().get(0));
    n.run();
    long aIn = n.aEvents.installed.get(0).inboundSpi();
    assertTrue(n.a.deleteChild(aIn, "idle"));
    n.run();
    assertEquals(1, n.bEvents.deleted.size());
    assertEquals(aIn, n.bEvents.deleted.get(0).outboundSpi());
    assertEquals(1, n.a.ikeSaCount(), "the IKE SA stays");
  }

  @Test
  void cookiesUnderLoad() {
    TestPeers n = new TestPeers(new IkeEngine.Limits(0, 10, 30_000));
    n.symmetric(GCM, List.of(EspTransform.AES_GCM_128));
    n.a.initiate(n.aPolicies.all().get(0));
    n.run();
    assertEquals(6, n.sent.size(), "INIT, N(COOKIE), INIT with cookie, response, AUTH, response");
    assertEquals(IkeConstants.PT_NOTIFY, n.sent.get(2).bytes()[16]);
    assertKeysMirror(only(n.aEvents.installed), only(n.bEvents.installed));
  }

  @Test
  void halfOpenLimitDropsFloodAndHalfOpenSasExpire() throws Exception {
    TestPeers n = new TestPeers(new IkeEngine.Limits(1000, 3, 30_000));
    n.symmetric(GCM, List.of(EspTransform.AES_GCM_128));
    n.drop = p -> p.from().equals(B);
    for (int i = 0; i < 5; i++) {
      n.a.initiate(n.aPolicies.all().get(0));
    }
    n.run();
    assertEquals(3, n.b.halfOpenCount());
    n.drop = p -> true; // a's retransmissions would legitimately open new half-open SAs
    n.advance(30_000);
    assertEquals(0, n.b.halfOpenCount());
    assertEquals(0, n.b.ikeSaCount());
  }

  @Test
  void natBetweenPeersFloatsTo4500AndEncapsulatesEsp() {
    TestPeers n = new TestPeers();
    n.symmetric(GCM, List.of(EspTransform.AES_GCM_128));
    n.natAddress = A; // same address, translated ports: NAT-D of the source mismatches
    n.a.initiate(n.aPolicies.all().get(0));
    n.run();
    ChildSa a = only(n.aEvents.installed);
    ChildSa b = only(n.bEvents.installed);
    assertTrue(a.udpEncapsulation());
    assertTrue(b.udpEncapsulation());
    assertEquals(4500, a.peerPort());
    assertEquals(14500, b.peerPort(), "b answers the NAT mapping it sees");
    IkeHeader auth = IkeCodecHeader.of(n.sent.get(2).bytes());
    assertEquals(IkeConstants.IKE_AUTH, auth.exchangeType());
    assertEquals(4500, n.sent.get(2).fromPort());
  }

  @Test
  void responderNarrowsTrafficSelectorsToItsAcl() {
    TestPeers n = new TestPeers();
    n.symmetric(GCM, List.of(EspTransform.AES_GCM_128));
    var wide = TestPeers.policy(A, B, "10.91.1.0", "10.91.2.0", "interop-test-psk-0123456789", GCM,
        List.of(EspTransform.AES_GCM_128));
    n.aPolicies.replace(List.of(new io.ipsecmesh.ike.policy.PeerPolicy(wide.cryptoMap(), wide.mapSequence(),
        wide.peerAddress(), wide.localAddress(), wide.localId(), wide.remote(), wide.psk(), wide.remotePsk(),
        wide.ikeSuites(), wide.espTransforms(), null, List.of(TrafficSelector.anyPorts("10.91.0.0", "10.91.1.255")),
        List.of(TrafficSelector.anyPorts("10.0.0.0", "10.255.255.255")), wide.mode(), 64, 3600, 4_608_000, 0,
        "copy", 86400)));
    n.a.initiate(n.aPolicies.all().get(0));
    n.run();
    ChildSa a = only(n.aEvents.installed);
    assertEquals(List.of(TestPeers.net("10.91.1.0")), a.localSelectors());
    assertEquals(List.of(TestPeers.net("10.91.2.0")), a.remoteSelectors());
  }

  @Test
  void garbageAndForgedMessagesAreDroppedWithoutState() {
    TestPeers n = new TestPeers();
    n.symmetric(GCM, List.of(EspTransform.AES_GCM_128));
    n.a.initiate(n.aPolicies.all().get(0));
    n.run();
    java.util.SplittableRandom r = new java.util.SplittableRandom(7);
    for (Object o : n.sent.toArray()) {
      byte[] m = ((TestPeers.Packet) o).bytes().clone();
      for (int i = 0; i < 200; i++) {
        byte[] x = m.clone();
        x[r.nextInt(x.length)] ^= (byte) (1 + r.nextInt(255));
        n.b.receive(B, 500, A, 500, x);
        n.a.receive(A, 500, B, 500, x);
      }
    }
    // mutated IKE_SA_INIT requests are valid new requests: they may open half-open SAs, nothing else
    assertEquals(1, n.aEvents.up.size());
    assertEquals(1, n.bEvents.up.size());
    assertEquals(1, n.aEvents.installed.size());
    assertEquals(1, n.bEvents.installed.size());
    n.wire.clear();
    n.drop = p -> true;
    n.advance(30_000);
    assertEquals(1, n.a.ikeSaCount(), "half-open SAs expired, the established one stays");
    assertEquals(1, n.b.ikeSaCount());
  }

  /** Reads only the header of a sent message. */
  private static final class IkeCodecHeader {
    static IkeHeader of(byte[] m) {
      try {
        return IkeCodec.decodeHeader(m);
      } catch (io.ipsecmesh.proto.ike.IkeDecodeException e) {
        throw new AssertionError(e);
      }
    }
  }

  @Test
  void transportModeOnlyWhenBothSidesWantIt() {
    for (boolean bWantsTransport : new boolean[] {true, false}) {
      TestPeers n = new TestPeers();
      var pa = TestPeers.policy(A, B, "10.91.1.0", "10.91.2.0", "k", GCM, List.of(EspTransform.AES_GCM_128));
      var pb = TestPeers.policy(B, A, "10.91.2.0", "10.91.1.0", "k", GCM, List.of(EspTransform.AES_GCM_128));
      n.aPolicies.replace(List.of(withMode(pa, ChildSa.Mode.TRANSPORT)));
      n.bPolicies.replace(List.of(bWantsTransport ? withMode(pb, ChildSa.Mode.TRANSPORT) : pb));
      n.a.initiate(n.aPolicies.all().get(0));
      n.run();
      ChildSa.Mode expected = bWantsTransport ? ChildSa.Mode.TRANSPORT : ChildSa.Mode.TUNNEL;
      assertEquals(expected, only(n.aEvents.installed).mode());
      assertEquals(expected, only(n.bEvents.installed).mode());
    }
  }

  @Test
  void invalidSpiNotifyMakesThePeerDropItsStaleSa() {
    TestPeers n = new TestPeers();
    n.symmetric(GCM, List.of(EspTransform.AES_GCM_128));
    n.a.initiate(n.aPolicies.all().get(0));
    n.run();
    ChildSa a = only(n.aEvents.installed);
    // b lost its inbound SA (e.g. rebooted forwarder) and receives a's ESP with a's outbound SPI
    assertTrue(n.b.invalidSpi(A, a.outboundSpi()));
    n.run();
    assertEquals(1, n.aEvents.deleted.size());
    assertEquals("invalid-spi", n.aEvents.deleted.get(0).reason());
    assertEquals(a.inboundSpi(), n.aEvents.deleted.get(0).inboundSpi());
    assertFalse(n.b.invalidSpi("203.0.113.9", 1234), "no IKE SA with that peer");
  }

  private static io.ipsecmesh.ike.policy.PeerPolicy withMode(io.ipsecmesh.ike.policy.PeerPolicy w, ChildSa.Mode m) {
    return new io.ipsecmesh.ike.policy.PeerPolicy(w.cryptoMap(), w.mapSequence(), w.peerAddress(), w.localAddress(),
        w.localId(), w.remote(), w.psk(), w.remotePsk(), w.ikeSuites(), w.espTransforms(), w.pfsGroup(),
        w.localSelectors(), w.remoteSelectors(), m, w.replayWindow(), w.lifetimeSeconds(), w.lifetimeKilobytes(),
        w.idleTimeSeconds(), w.dfBit(), w.ikeLifetimeSeconds());
  }

  @Test
  void acquireAfterTheChildSaDiedCreatesANewOneUnderTheSameIkeSa() {
    TestPeers n = new TestPeers();
    n.symmetric(GCM, List.of(EspTransform.AES_GCM_128));
    var policy = n.aPolicies.all().get(0);
    n.a.acquire(policy);
    n.a.acquire(policy); // the next packet's ACQUIRE while IKE_SA_INIT runs: no second IKE SA
    n.run();
    ChildSa first = only(n.aEvents.installed);
    assertEquals(1, n.a.ikeSaCount());
    n.a.acquire(policy);
    n.run();
    assertEquals(1, n.aEvents.installed.size(), "the Child SA exists: nothing to do");
    assertTrue(n.a.deleteChild(first.inboundSpi(), "idle"));
    n.run();
    n.a.acquire(policy);
    n.a.acquire(policy);
    n.run();
    assertEquals(2, n.aEvents.installed.size(), "one new Child SA, not two");
    assertEquals(2, n.bEvents.installed.size());
    assertKeysMirror(n.aEvents.installed.get(1), n.bEvents.installed.get(1));
    assertEquals(first.ikeSaId(), n.aEvents.installed.get(1).ikeSaId(), "same IKE SA");
    assertEquals(1, n.a.ikeSaCount());
  }

  @Test
  void certificateAuthenticationWithDigitalSignatures() throws Exception {
    TestCertificates ca = new TestCertificates("CN=ipsec-mesh test CA");
    TestCertificates rogue = new TestCertificates("CN=rogue CA");
    // {a's credentials, b's credentials, expected outcome}
    Object[][] cases = {
        {ca.issue("gwa.interop.test", ca), ca.issue("gwb.interop.test", ca), "up"},
        {rogue.issue("gwa.interop.test", ca), ca.issue("gwb.interop.test", ca), "auth-failed"},
        {ca.issue("gwa.interop.test", ca), ca.issue("other.interop.test", ca), "auth-failed"},
    };
    for (Object[] c : cases) {
      TestPeers n = new TestPeers();
      var pa = TestPeers.policy(A, B, "10.91.1.0", "10.91.2.0", "unused", GCM, List.of(EspTransform.AES_GCM_128));
      var pb = TestPeers.policy(B, A, "10.91.2.0", "10.91.1.0", "unused", GCM, List.of(EspTransform.AES_GCM_128));
      n.aPolicies.replace(List.of(withCredentials(pa, (io.ipsecmesh.ike.policy.Credentials) c[0])));
      n.bPolicies.replace(List.of(withCredentials(pb, (io.ipsecmesh.ike.policy.Credentials) c[1])));
      n.a.initiate(n.aPolicies.all().get(0));
      n.run();
      if (c[2].equals("up")) {
        assertKeysMirror(only(n.aEvents.installed), only(n.bEvents.installed));
        assertEquals("gwb.interop.test", n.aEvents.up.get(0).peerId());
      } else {
        assertEquals(List.of(), n.aEvents.installed);
        // when a rejects b's certificate, b (which accepted a) already installed its Child SA; a's
        // INFORMATIONAL with AUTHENTICATION_FAILED makes it delete everything again
        assertEquals(List.of(), IkeEngineRekeyTest.live(n.bEvents));
        assertEquals(0, n.a.ikeSaCount());
        assertEquals(0, n.b.ikeSaCount());
        assertEquals(1, n.aEvents.down.size());
        assertTrue(n.aEvents.down.get(0).endsWith("auth-failed"), n.aEvents.down.toString());
      }
    }
  }

  private static io.ipsecmesh.ike.policy.PeerPolicy withCredentials(io.ipsecmesh.ike.policy.PeerPolicy w,
      io.ipsecmesh.ike.policy.Credentials credentials) {
    return new io.ipsecmesh.ike.policy.PeerPolicy(w.cryptoMap(), w.mapSequence(), w.peerAddress(), w.localAddress(),
        w.localId(), TestPeers.profileMatching(w.localAddress().equals(A) ? "gwb.interop.test" : "gwa.interop.test",
            "ecdsa-sig", credentials), null, null, w.ikeSuites(), w.espTransforms(), w.pfsGroup(),
        w.localSelectors(), w.remoteSelectors(), w.mode(), w.replayWindow(), w.lifetimeSeconds(),
        w.lifetimeKilobytes(), w.idleTimeSeconds(), w.dfBit(), w.ikeLifetimeSeconds(), credentials);
  }

  @Test
  void initiatorWithoutAConfiguredLocalAddressStillNegotiates() {
    TestPeers n = new TestPeers();
    n.symmetric(GCM, List.of(EspTransform.AES_GCM_128));
    var w = n.aPolicies.all().get(0);
    var noLocal = new io.ipsecmesh.ike.policy.PeerPolicy(w.cryptoMap(), w.mapSequence(), w.peerAddress(), null,
        w.localId(), w.remote(), w.psk(), w.remotePsk(), w.ikeSuites(), w.espTransforms(), w.pfsGroup(),
        w.localSelectors(), w.remoteSelectors(), w.mode(), w.replayWindow(), w.lifetimeSeconds(),
        w.lifetimeKilobytes(), w.idleTimeSeconds(), w.dfBit(), w.ikeLifetimeSeconds());
    n.a.initiate(noLocal);
    n.run();
    ChildSa a = only(n.aEvents.installed);
    assertTrue(a.udpEncapsulation(), "NAT-D over 0.0.0.0 looks like a NAT: UDP encapsulation");
    assertKeysMirror(a, only(n.bEvents.installed));
  }

}
