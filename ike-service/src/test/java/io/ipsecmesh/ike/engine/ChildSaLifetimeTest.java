package io.ipsecmesh.ike.engine;

import static io.ipsecmesh.ike.engine.TestPeers.GCM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.ike.policy.PeerPolicy;
import io.ipsecmesh.proto.bus.SaMessages.ChildSaDeleted;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * IPsec SA lifetimes on ike-service's side. The configured lifetime ({@code crypto ipsec
 * security-association lifetime seconds|kilobytes}, or the crypto map's {@code set security-association
 * lifetime …}, resolved by {@code ConfigPolicies}) is the hard limit; ike-service puts the soft limit at
 * 90 % of it, so the rekey (CREATE_CHILD_SA) has the last 10 % — 360 s of the default 3600 s — to finish
 * before the SA dies. The forwarder reports SOFT → {@link IkeEngine#rekeyChild}, HARD →
 * {@link IkeEngine#deleteChild} (see {@code SaIdleAndLifetimeTest} in esp-forwarder for when).
 */
class ChildSaLifetimeTest {

  private static PeerPolicy lifetime(PeerPolicy p, long seconds, long kilobytes) {
    return new PeerPolicy(p.cryptoMap(), p.mapSequence(), p.peerAddress(), p.localAddress(), p.localId(),
        p.remote(), p.psk(), p.remotePsk(), p.ikeSuites(), p.espTransforms(), p.pfsGroup(), p.localSelectors(),
        p.remoteSelectors(), p.mode(), p.replayWindow(), seconds, kilobytes, p.idleTimeSeconds(), p.dfBit(),
        p.ikeLifetimeSeconds());
  }

  private static TestPeers up(long seconds, long kilobytes) {
    TestPeers n = new TestPeers();
    n.symmetric(GCM, List.of(EspTransform.AES_GCM_128));
    n.aPolicies.replace(List.of(lifetime(n.aPolicies.all().get(0), seconds, kilobytes)));
    n.bPolicies.replace(List.of(lifetime(n.bPolicies.all().get(0), seconds, kilobytes)));
    n.a.initiate(n.aPolicies.all().get(0));
    n.run();
    return n;
  }

  @Test
  void theDefaultLifetimeBecomesSoft3240Hard3600AndVolume90Percent() {
    TestPeers n = up(3600, 4_608_000);
    assertEquals(new ChildSa.Lifetime(3240, 3600, 4_147_200, 4_608_000), n.aEvents.installed.get(0).lifetime());
    assertEquals(new ChildSa.Lifetime(3240, 3600, 4_147_200, 4_608_000), n.bEvents.installed.get(0).lifetime());
  }

  @Test
  void aCryptoMapLifetimeIsCarriedToBothSides() {
    // set security-association lifetime seconds 1800 / lifetime kilobytes 2560
    TestPeers n = up(1800, 2560);
    assertEquals(new ChildSa.Lifetime(1620, 1800, 2304, 2560), n.aEvents.installed.get(0).lifetime());
    assertEquals(new ChildSa.Lifetime(1620, 1800, 2304, 2560), n.bEvents.installed.get(0).lifetime());
  }

  @Test
  void softLifetimeRekeysAndTheOldSaGoesOnlyAfterTheNewOneIsUp() {
    TestPeers n = up(1800, 2560);
    ChildSa old = n.aEvents.installed.get(0);
    assertTrue(n.a.rekeyChild(old.inboundSpi()));
    n.run();
    assertEquals(2, n.aEvents.installed.size(), "the new SA");
    assertEquals(2, n.bEvents.installed.size());
    assertEquals(List.of(old.inboundSpi()), n.aEvents.deleted.stream().map(ChildSaDeleted::inboundSpi).toList());
    assertEquals(List.of(old.outboundSpi()), n.bEvents.deleted.stream().map(ChildSaDeleted::inboundSpi).toList());
    ChildSa fresh = n.aEvents.installed.get(1);
    assertEquals(old.lifetime(), fresh.lifetime(), "a rekeyed SA gets a whole new lifetime");
    assertEquals(1, n.a.ikeSaCount(), "a Child SA rekey keeps the IKE SA");
    assertEquals(List.of(), n.aEvents.down);
  }

  @Test
  void hardLifetimeDeletesTheSaButNotTheIkeSa() {
    TestPeers n = up(1800, 2560);
    ChildSa sa = n.aEvents.installed.get(0);
    assertTrue(n.a.deleteChild(sa.inboundSpi(), "lifetime"));
    n.run();
    assertEquals(List.of("lifetime"), n.aEvents.deleted.stream().map(ChildSaDeleted::reason).toList());
    assertEquals(1, n.bEvents.deleted.size(), "the peer deletes its half on our DELETE");
    assertEquals(1, n.a.ikeSaCount(), "only the idle timer takes the IKE SA with the last Child SA");
    assertEquals(1, n.b.ikeSaCount());
    assertFalse(n.a.rekeyChild(sa.inboundSpi()), "a late SOFT report for a deleted SA does nothing");
  }
}
