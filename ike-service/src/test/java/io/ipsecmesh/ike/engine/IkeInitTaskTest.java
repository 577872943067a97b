package io.ipsecmesh.ike.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.ipsecmesh.ike.crypto.IkeSuite;
import io.ipsecmesh.ike.exchange.Proposals;
import io.ipsecmesh.proto.ikev2.IkeCodec;
import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.ikev2.IkeMessage;
import io.ipsecmesh.proto.sa.EspTransform;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link IkeInitTask} alone on two task managers (RFC 7296 §1.2): no engine, IKE_AUTH held back. */
class IkeInitTaskTest {

  private static final IkeSuite X25519 = Proposals.parseSuite("aes128gcm16-prfsha256-x25519");
  private static final IkeSuite ECP256 = Proposals.parseSuite("aes128gcm16-prfsha256-ecp256");
  private static final IkeSuite CBC = Proposals.parseSuite("aes256-sha256-modp2048");

  private static TaskPeers withSuites(List<IkeSuite> a, List<IkeSuite> b) {
    TaskPeers n = new TaskPeers();
    List<EspTransform> esp = List.of(EspTransform.AES_GCM_128);
    n.aPolicies.replace(List.of(TestPeers.policy(TestPeers.A, TestPeers.B, "10.91.1.0", "10.91.2.0", "k", a, esp)));
    n.bPolicies.replace(List.of(TestPeers.policy(TestPeers.B, TestPeers.A, "10.91.2.0", "10.91.1.0", "k", b, esp)));
    n.drop = p -> TaskPeers.exchangeOf(p) == IkeConstants.IKE_AUTH;
    return n;
  }

  private static List<TestPeers.Packet> initPackets(TaskPeers n) {
    return n.sent.stream().filter(p -> TaskPeers.exchangeOf(p) == IkeConstants.IKE_SA_INIT).toList();
  }

  @Test
  void oneRequestAndOneResponseGiveBothSidesTheSameKeys() {
    TaskPeers n = withSuites(List.of(X25519), List.of(X25519));
    n.initiate();
    n.run();
    assertEquals(2, initPackets(n).size());
    assertEquals(IkeSa.State.AUTH_SENT, n.aSa.state, "the initiator moved on to IKE_AUTH");
    assertEquals(IkeSa.State.INIT_DONE, n.bSa.state);
    assertEquals(n.aSa.spiR, n.bSa.spiR);
    assertEquals(X25519, n.aSa.suite);
    assertArrayEquals(n.aSa.keys.skD, n.bSa.keys.skD);
    assertArrayEquals(n.aSa.keys.skEi, n.bSa.keys.skEi);
    assertArrayEquals(n.aSa.initRequest, n.bSa.initRequest, "both keep the request the initiator's AUTH signs");
    assertArrayEquals(n.aSa.initResponse, n.bSa.initResponse, "and the response the responder's AUTH signs");
  }

  @Test
  void invalidKePayloadMakesTheInitiatorRetryWithTheResponderGroupUnderMessageIdZero() throws Exception {
    TaskPeers n = withSuites(List.of(X25519, ECP256), List.of(ECP256));
    n.initiate();
    n.run();
    List<TestPeers.Packet> init = initPackets(n);
    assertEquals(4, init.size(), "request, INVALID_KE_PAYLOAD, request again, response");
    IkeMessage refusal = IkeCodec.decode(init.get(1).bytes());
    assertEquals(IkeConstants.INVALID_KE_PAYLOAD, refusal.notify(IkeConstants.INVALID_KE_PAYLOAD).orElseThrow()
        .notifyType());
    assertEquals(0, IkeCodec.decode(init.get(2).bytes()).header().messageId());
    assertEquals(ECP256, n.aSa.suite);
    assertArrayEquals(n.aSa.keys.skD, n.bSa.keys.skD);
  }

  @Test
  void noAcceptableProposalLeavesTheResponderWithoutStateAndTheInitiatorDown() {
    TaskPeers n = withSuites(List.of(X25519), List.of(CBC));
    n.initiate();
    n.run();
    assertNull(n.bSa, "refused: no IKE SA kept");
    assertEquals(0, n.b.table.size());
    assertEquals(List.of("negotiation-failed: NO_PROPOSAL_CHOSEN"), n.aEvents.down);
    assertEquals(0, n.a.table.size());
  }

  @Test
  void anUnansweredRequestIsRetransmittedOnTheScheduleThenTheSaDeleted() {
    TaskPeers n = withSuites(List.of(X25519), List.of(X25519));
    n.drop = p -> true;
    n.initiate();
    n.run();
    n.advance(RetransmitPolicy.DEFAULT.giveUpAfter() - 1);
    assertEquals(1 + RetransmitPolicy.DEFAULT.tries(), n.sent.size());
    n.sent.forEach(p -> assertArrayEquals(n.sent.get(0).bytes(), p.bytes(), "retransmissions are identical"));
    assertEquals(List.of(), n.aEvents.down);
    n.advance(1);
    assertEquals(List.of("negotiation-failed: timeout"), n.aEvents.down);
  }
}
