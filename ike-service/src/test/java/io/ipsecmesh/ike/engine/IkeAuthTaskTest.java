package io.ipsecmesh.ike.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipsecmesh.proto.sa.EspTransform;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link IkeAuthTask} (RFC 7296 §1.2, §2.15) with its first Child SA, on two task managers without an engine. */
class IkeAuthTaskTest {

  @Test
  void preSharedKeysAuthenticateBothSidesAndTheFirstChildSaIsMirrored() {
    TaskPeers n = new TaskPeers().established();
    assertEquals(1, n.aEvents.up.size());
    assertEquals(1, n.bEvents.up.size());
    assertEquals("gwb.interop.test", n.aSa.peerId);
    assertEquals("gwa.interop.test", n.bSa.peerId);
    TaskTestSupport.assertOneLiveMirroredPair(n);
    assertEquals(n.aSa.id(), n.aEvents.installed.getFirst().ikeSaId());
  }

  @Test
  void aWrongPreSharedKeyIsAnsweredWithAuthenticationFailedAndNeitherSaStays() {
    TaskPeers n = new TaskPeers();
    n.bPolicies.replace(List.of(TestPeers.policy(TestPeers.B, TestPeers.A, "10.91.2.0", "10.91.1.0", "another key",
        TestPeers.GCM, List.of(EspTransform.AES_GCM_128))));
    n.initiate();
    n.run();
    assertEquals(List.of("negotiation-failed: auth-failed"), n.aEvents.down);
    assertEquals(List.of("negotiation-failed: auth-failed"), n.bEvents.down);
    assertEquals(List.of(), n.aEvents.installed);
    assertEquals(0, n.a.table.size());
    assertEquals(0, n.b.table.size());
  }

  @Test
  void aLostResponseIsRetransmittedAndAnsweredFromTheCacheWithoutAuthenticatingTwice() {
    TaskPeers n = new TaskPeers();
    boolean[] dropped = {false};
    n.drop = p -> p.from().equals(TestPeers.B) && TaskPeers.exchangeOf(p) == 35 && !dropped[0] && (dropped[0] = true);
    n.initiate();
    n.run();
    assertEquals(List.of(), n.aEvents.up);
    n.advance(RetransmitPolicy.DEFAULT.delayBefore(0));
    assertEquals(1, n.aEvents.up.size());
    assertEquals(1, n.bEvents.up.size(), "b processed IKE_AUTH once");
    TaskTestSupport.assertOneLiveMirroredPair(n);
  }

  @Test
  void initialContactOnlyWhenNoOtherIkeSaWithThePeerIsUpSoTheResponderKeepsTheFirst() {
    TaskPeers n = new TaskPeers().established();
    IkeSa first = n.bSa;
    // a second IKE SA to the same peer (RFC 7296 §2.4): without INITIAL_CONTACT b must not drop the first
    n.initiate();
    n.run();
    assertEquals(2, n.bEvents.up.size());
    assertEquals(IkeSa.State.ESTABLISHED, first.state, "b tore down its first IKE SA: " + n.bEvents.down);
    assertEquals(2, n.b.table.withPeer(TestPeers.A).size());
  }
}
