package io.ipsecmesh.ike.engine;

import static io.ipsecmesh.ike.engine.TestPeers.A;
import static io.ipsecmesh.ike.engine.TestPeers.B;
import static io.ipsecmesh.ike.engine.TestPeers.GCM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.ike.dos.DosCounters;
import io.ipsecmesh.ike.policy.PeerPolicy;
import io.ipsecmesh.proto.ikev2.IkeCodec;
import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.ikev2.IkeHeader;
import io.ipsecmesh.proto.sa.EspTransform;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-peer half-open quota (RFC 8019 §4) and the Child SA cap per IKE SA (NO_ADDITIONAL_SAS). */
class DosLimitsTest {

  @Test
  void oneInitiatorAddressHoldsAtMostItsQuotaOfHalfOpenSasUntilTheyTimeOut() {
    // cookies and the global limit far away: only the per-peer quota of 2 acts
    TestPeers n = new TestPeers(new IkeEngine.Limits(1000, 4096, 30_000, 2, 64));
    io.ipsecmesh.ike.wire.Counted counted = new io.ipsecmesh.ike.wire.Counted();
    n.b.setStats(counted);
    n.symmetric(GCM, List.of(EspTransform.AES_GCM_128));
    n.drop = p -> p.from().equals(B); // b's answers are lost: every SA b keeps stays half-open
    for (int i = 0; i < 4; i++) {
      n.a.initiate(n.aPolicies.all().get(0));
    }
    n.run();
    assertEquals(2, n.b.halfOpenCount());
    assertEquals(2, n.b.ikeSaCount());
    assertEquals(List.of(DosCounters.HALF_OPEN_PEER_QUOTA, DosCounters.HALF_OPEN_PEER_QUOTA), counted.dropped);

    n.drop = p -> true;
    n.advance(30_000); // §2.6-style expiry of half-open state frees the quota
    assertEquals(0, n.b.halfOpenCount());
    n.a.clear(null);
    n.drop = p -> false;
    n.wire.clear();
    n.a.initiate(n.aPolicies.all().get(0));
    n.run();
    assertEquals(1, n.bEvents.up.size(), "the quota is free again once the half-open SAs are gone");
    assertEquals(0, n.b.halfOpenCount(), "an authenticated SA no longer counts");
  }

  @Test
  void aCreateChildSaBeyondTheCapIsRefusedWithNoAdditionalSasWhileRekeysStillWork() throws Exception {
    TestPeers n = new TestPeers(new IkeEngine.Limits(64, 4096, 30_000, 10, 1));
    io.ipsecmesh.ike.wire.Counted counted = new io.ipsecmesh.ike.wire.Counted();
    n.b.setStats(counted);
    n.symmetric(GCM, List.of(EspTransform.AES_GCM_128));
    PeerPolicy first = n.aPolicies.all().get(0);
    PeerPolicy second = new PeerPolicy(first.cryptoMap(), 20, first.peerAddress(), first.localAddress(),
        first.localId(), first.remote(), first.psk(), first.remotePsk(), first.ikeSuites(), first.espTransforms(),
        first.pfsGroup(), first.localSelectors(), first.remoteSelectors(), first.mode(), first.replayWindow(),
        first.lifetimeSeconds(), first.lifetimeKilobytes(), first.idleTimeSeconds(), first.dfBit(),
        first.ikeLifetimeSeconds());
    n.aPolicies.replace(List.of(first, second));
    n.a.initiate(first);
    n.run();
    assertEquals(1, n.bEvents.installed.size());

    n.a.acquire(second); // a second Child SA under the same IKE SA: over b's cap of 1
    n.run();
    assertEquals(1, n.bEvents.installed.size(), "no second Child SA at b");
    assertEquals(List.of(DosCounters.CHILD_SA_LIMIT), counted.dropped);
    TestPeers.Packet refusal = n.sent.stream().filter(p -> p.from().equals(B)).reduce((x, y) -> y).orElseThrow();
    IkeHeader h = IkeCodec.decodeHeader(refusal.bytes());
    assertEquals(IkeConstants.CREATE_CHILD_SA, h.exchangeType());
    assertTrue(h.isResponse());

    // a rekey overlaps its old SA (§2.8): still allowed at the cap, the old one goes after
    long oldSpi = n.aEvents.installed.get(0).inboundSpi();
    assertTrue(n.a.rekeyChild(oldSpi));
    n.run();
    assertEquals(2, n.bEvents.installed.size(), "the rekey's new Child SA");
    assertEquals(1, n.bEvents.deleted.size(), "the old one deleted");
    assertEquals(List.of(DosCounters.CHILD_SA_LIMIT), counted.dropped);
  }

  @Test
  void aCookieOfTheSecretBeforeThePreviousOneIsRefusedWithAFreshCookie() throws Exception {
    // threshold 0: every IKE_SA_INIT must carry our COOKIE
    TestPeers n = new TestPeers(new IkeEngine.Limits(0, 4096, 30_000));
    n.symmetric(GCM, List.of(EspTransform.AES_GCM_128));
    n.a.initiate(n.aPolicies.all().get(0));
    n.run();
    assertEquals(1, n.bEvents.up.size());
    TestPeers.Packet withCookie = n.sent.get(2);
    assertEquals(IkeConstants.PT_NOTIFY, withCookie.bytes()[16], "a's second IKE_SA_INIT starts with N(COOKIE)");

    // one change of the secret later the cookie still opens a (new, half-open) SA at b
    n.clock.advance(io.ipsecmesh.ike.dos.CookieSecret.DEFAULT_LIFETIME_MILLIS);
    n.wire.clear();
    n.b.receive(B, withCookie.toPort(), A, withCookie.fromPort(), withCookie.bytes());
    assertEquals(IkeConstants.PT_SA, n.wire.poll().bytes()[16], "accepted: b answers with its SA payload");
    n.clock.advance(30_000); // that half-open SA times out

    // the second change: the secret that made it is gone, b asks for a new cookie
    n.clock.advance(io.ipsecmesh.ike.dos.CookieSecret.DEFAULT_LIFETIME_MILLIS - 30_000);
    n.wire.clear();
    n.b.receive(B, withCookie.toPort(), A, withCookie.fromPort(), withCookie.bytes());
    byte[] answer = n.wire.poll().bytes();
    assertEquals(IkeConstants.PT_NOTIFY, answer[16]);
    assertEquals(IkeConstants.COOKIE, ((answer[28 + 6] & 0xff) << 8) | (answer[28 + 7] & 0xff));
    assertEquals(0, n.b.halfOpenCount());
  }
}
