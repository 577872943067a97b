package io.ipsecmesh.ike.engine;

import static io.ipsecmesh.ike.engine.TestPeers.A;
import static io.ipsecmesh.ike.engine.TestPeers.B;
import static io.ipsecmesh.ike.engine.TestPeers.GCM;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipsecmesh.ike.dos.DosCounters;
import io.ipsecmesh.ike.wire.ReplyCacheContract;
import io.ipsecmesh.proto.ikev2.IkeCodec;
import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.ikev2.IkeHeader;
import io.ipsecmesh.proto.sa.EspTransform;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * IKEv2's reply cache (RFC 7296 §2.1): the {@link ReplyCacheContract} both versions meet, on an IKE_AUTH request
 * of two engines on the virtual wire, and what only IKEv2 has: a request under an answered message ID with other
 * bytes is dropped, and a retransmitted IKE_SA_INIT is answered from the half-open SA.
 */
class RetransmissionByDigestTest extends ReplyCacheContract {

  private TestPeers n;

  private EngineStats counting() {
    return new EngineStats() {
      @Override
      public void retransmissionAnswered(int ikeVersion) {
        counters.retransmissionAnswered(ikeVersion);
      }

      @Override
      public void requestDropped(int ikeVersion, String reason) {
        counters.requestDropped(ikeVersion, reason);
      }
    };
  }

  private static TestPeers.Packet sent(TestPeers n, String from, int exchangeType, boolean response)
      throws Exception {
    for (TestPeers.Packet p : n.sent) {
      IkeHeader h = IkeCodec.decodeHeader(p.bytes());
      if (p.from().equals(from) && h.isResponse() == response && h.exchangeType() == exchangeType) {
        return p;
      }
    }
    throw new AssertionError("nothing of type " + exchangeType + " from " + from);
  }

  @Override
  protected int ikeVersion() {
    return 2;
  }

  @Override
  protected Answered establish() throws Exception {
    n = new TestPeers();
    n.b.setStats(counting());
    n.symmetric(GCM, List.of(EspTransform.AES_GCM_128));
    n.a.initiate(n.aPolicies.all().get(0));
    n.run();
    assertEquals(1, n.bEvents.up.size());
    TestPeers.Packet auth = sent(n, A, IkeConstants.IKE_AUTH, false);
    return new Answered(auth.bytes(), A, auth.fromPort(), auth.toPort(),
        sent(n, B, IkeConstants.IKE_AUTH, true).bytes());
  }

  @Override
  protected List<Sent> deliver(byte[] bytes, String from, int fromPort, int localPort) {
    n.b.receive(B, localPort, from, fromPort, bytes);
    List<Sent> out = new ArrayList<>();
    while (!n.wire.isEmpty()) {
      TestPeers.Packet p = n.wire.poll();
      out.add(new Sent(p.to(), p.toPort(), p.bytes()));
    }
    return out;
  }

  @Override
  protected String responderState() {
    return "up " + n.bEvents.up.size() + ", Child SAs " + n.bEvents.installed.size();
  }

  @Test
  void anAnsweredMessageIdWithOtherBytesIsNotARetransmissionAndGetsNothing() throws Exception {
    Answered a = establish();
    byte[] altered = a.request().clone();
    altered[altered.length - 1] ^= 1;
    assertEquals(List.of(), deliver(altered, a.peer(), a.peerPort(), a.localPort()));
    assertEquals(List.of(DosCounters.ALTERED_RETRANSMISSION + " v2"), counted);
  }

  @Test
  void aRetransmittedIkeSaInitIsAnsweredFromTheHalfOpenSaOnlyToItsPeerPort() throws Exception {
    n = new TestPeers();
    n.b.setStats(counting());
    n.symmetric(GCM, List.of(EspTransform.AES_GCM_128));
    n.drop = p -> p.from().equals(B); // b's IKE_SA_INIT response is lost: b stays half-open
    n.a.initiate(n.aPolicies.all().get(0));
    n.run();
    assertEquals(1, n.b.halfOpenCount());
    TestPeers.Packet init = sent(n, A, IkeConstants.IKE_SA_INIT, false);
    byte[] answered = sent(n, B, IkeConstants.IKE_SA_INIT, true).bytes();

    assertEquals(List.of(), deliver(init.bytes(), A, 40_000, init.toPort()), "a copy from another port");
    byte[] altered = init.bytes().clone();
    altered[altered.length - 1] ^= 1;
    assertEquals(List.of(), deliver(altered, A, init.fromPort(), init.toPort()), "same SPIi and ID, other bytes");
    assertEquals(1, n.b.halfOpenCount());

    List<Sent> again = deliver(init.bytes(), A, init.fromPort(), init.toPort());
    assertEquals(A, again.getFirst().to());
    assertEquals(init.fromPort(), again.getFirst().toPort());
    assertArrayEquals(answered, again.getFirst().bytes());
    assertEquals(List.of(DosCounters.RETRANSMISSION_FROM_ELSEWHERE + " v2", DosCounters.ALTERED_RETRANSMISSION + " v2",
        "answered v2"), counted);
  }
}
