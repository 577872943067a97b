package io.ipsecmesh.ike.engine;

import static io.ipsecmesh.ike.engine.TestPeers.A;
import static io.ipsecmesh.ike.engine.TestPeers.B;
import static io.ipsecmesh.ike.engine.TestPeers.GCM;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipsecmesh.ike.dos.DosCounters;
import io.ipsecmesh.proto.ikev2.IkeCodec;
import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.ikev2.IkeHeader;
import io.ipsecmesh.proto.sa.EspTransform;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RFC 7296 §2.1: a retransmission is a bitwise identical request; the responder answers it with the same
 * response and changes nothing. Recognised by the digest of the whole datagram, answered only to the SA's
 * peer address and port (§2.11), so a replayed or altered copy reflects nothing.
 */
class RetransmissionByDigestTest {

  private static final String VICTIM = "198.51.100.7";

  /** What b's engine counted. */
  static final class Counted implements EngineStats {
    final List<String> dropped = new ArrayList<>();
    int answered;

    @Override
    public void retransmissionAnswered(int ikeVersion) {
      answered++;
    }

    @Override
    public void requestDropped(int ikeVersion, String reason) {
      dropped.add(reason);
    }
  }

  private static TestPeers.Packet request(TestPeers n, String from, int exchangeType) throws Exception {
    for (TestPeers.Packet p : n.sent) {
      IkeHeader h = IkeCodec.decodeHeader(p.bytes());
      if (p.from().equals(from) && !h.isResponse() && h.exchangeType() == exchangeType) {
        return p;
      }
    }
    throw new AssertionError("no request of type " + exchangeType + " from " + from);
  }

  private static TestPeers.Packet response(TestPeers n, String from, int exchangeType) throws Exception {
    for (TestPeers.Packet p : n.sent) {
      IkeHeader h = IkeCodec.decodeHeader(p.bytes());
      if (p.from().equals(from) && h.isResponse() && h.exchangeType() == exchangeType) {
        return p;
      }
    }
    throw new AssertionError("no response of type " + exchangeType + " from " + from);
  }

  @Test
  void anIdenticalIkeAuthRequestFromThePeerGetsTheSameBytesAndNothingElseGetsAnAnswer() throws Exception {
    TestPeers n = new TestPeers();
    Counted counted = new Counted();
    n.b.setStats(counted);
    n.symmetric(GCM, List.of(EspTransform.AES_GCM_128));
    n.a.initiate(n.aPolicies.all().get(0));
    n.run();
    assertEquals(1, n.bEvents.up.size());
    TestPeers.Packet auth = request(n, A, IkeConstants.IKE_AUTH);
    byte[] answered = response(n, B, IkeConstants.IKE_AUTH).bytes();

    // a copy with a spoofed source (a reflection attempt) and a copy from another port of the peer
    n.b.receive(B, auth.toPort(), VICTIM, auth.fromPort(), auth.bytes());
    n.b.receive(B, auth.toPort(), A, 40_000, auth.bytes());
    assertEquals(List.of(), List.copyOf(n.wire), "nothing answered to another address or port");

    // the answered message ID with other bytes: not a retransmission (§2.1), not answered from the cache
    byte[] altered = auth.bytes().clone();
    altered[altered.length - 1] ^= 1;
    n.b.receive(B, auth.toPort(), A, auth.fromPort(), altered);
    assertEquals(List.of(), List.copyOf(n.wire), "an altered request gets nothing");

    // the real retransmission: the same bytes again, to the peer
    n.b.receive(B, auth.toPort(), A, auth.fromPort(), auth.bytes());
    assertEquals(1, n.wire.size());
    TestPeers.Packet again = n.wire.poll();
    assertEquals(A, again.to());
    assertEquals(auth.fromPort(), again.toPort());
    assertArrayEquals(answered, again.bytes());
    assertEquals(1, n.bEvents.up.size(), "no state change");
    assertEquals(List.of(DosCounters.RETRANSMISSION_FROM_ELSEWHERE, DosCounters.RETRANSMISSION_FROM_ELSEWHERE,
        DosCounters.ALTERED_RETRANSMISSION), counted.dropped);
    assertEquals(1, counted.answered);
  }

  @Test
  void aRetransmittedIkeSaInitIsAnsweredFromTheHalfOpenSaOnlyToItsPeerPort() throws Exception {
    TestPeers n = new TestPeers();
    Counted counted = new Counted();
    n.b.setStats(counted);
    n.symmetric(GCM, List.of(EspTransform.AES_GCM_128));
    n.drop = p -> p.from().equals(B); // b's IKE_SA_INIT response is lost: b stays half-open
    n.a.initiate(n.aPolicies.all().get(0));
    n.run();
    assertEquals(1, n.b.halfOpenCount());
    TestPeers.Packet init = request(n, A, IkeConstants.IKE_SA_INIT);
    byte[] answered = response(n, B, IkeConstants.IKE_SA_INIT).bytes();

    n.b.receive(B, init.toPort(), A, 40_000, init.bytes());
    assertEquals(List.of(), List.copyOf(n.wire), "a copy from another port is not answered");
    byte[] altered = init.bytes().clone();
    altered[altered.length - 1] ^= 1;
    n.b.receive(B, init.toPort(), A, init.fromPort(), altered);
    assertEquals(List.of(), List.copyOf(n.wire), "same SPIi and message ID, other bytes: dropped");
    assertEquals(1, n.b.halfOpenCount());

    n.b.receive(B, init.toPort(), A, init.fromPort(), init.bytes());
    TestPeers.Packet again = n.wire.poll();
    assertEquals(A, again.to());
    assertEquals(init.fromPort(), again.toPort());
    assertArrayEquals(answered, again.bytes());
    assertEquals(List.of(DosCounters.RETRANSMISSION_FROM_ELSEWHERE, DosCounters.ALTERED_RETRANSMISSION),
        counted.dropped);
    assertEquals(1, counted.answered);
  }
}
