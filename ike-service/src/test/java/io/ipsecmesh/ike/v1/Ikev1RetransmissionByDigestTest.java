package io.ipsecmesh.ike.v1;

import static io.ipsecmesh.ike.v1.TwoGateways.A;
import static io.ipsecmesh.ike.v1.TwoGateways.B;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipsecmesh.ike.dos.DosCounters;
import io.ipsecmesh.proto.bus.IkeMessages.IkeDatagram;
import io.ipsecmesh.proto.ikev1.IsakmpConstants;
import io.ipsecmesh.proto.sa.EspTransform;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * IKEv1's reply cache (RFC 2408 §5: a retransmitted message gets the same answer): by the digest of the
 * whole datagram, several answers deep for concurrent Quick Modes, and only to the ISAKMP SA's peer port.
 */
class Ikev1RetransmissionByDigestTest {

  private static final String PSK = "ikev1-loopback-psk";

  static final class Counted implements DosCounters {
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

  private static TwoGateways established(Counted counted) {
    TwoGateways g = new TwoGateways();
    Ikev1Suite s = TwoGateways.suite(256, Ikev1Hash.SHA2_256, 19);
    EspTransform esp = EspTransform.AES_CBC_256_HMAC_SHA256_128;
    g.configure(TwoGateways.policy(A, B, PSK, s, esp, "10.1.0", "10.2.0"),
        TwoGateways.policy(B, A, PSK, s, esp, "10.2.0", "10.1.0"));
    g.serviceB.setStats(counted);
    g.serviceA.acquire("vpn", 10, null);
    g.pump();
    assertEquals(1, g.b.children.size());
    return g;
  }

  private static List<IkeDatagram> quickModes(List<IkeDatagram> sent) {
    return sent.stream().filter(d -> (d.message()[18] & 0xff) == IsakmpConstants.EXCH_QUICK_MODE).toList();
  }

  private static void deliverToB(TwoGateways g, IkeDatagram fromA, String source, int port) {
    g.serviceB.receive(new IkeDatagram(B, fromA.peerPort(), source, port, fromA.message()), d -> g.sentByB.add(d));
  }

  @Test
  void aQuickModeRetransmissionFromAnotherPortIsNotAnsweredAndFromThePeerGetsTheSameBytes() {
    Counted counted = new Counted();
    TwoGateways g = established(counted);
    IkeDatagram qm1 = quickModes(g.sentByA).getFirst();
    byte[] qm2 = quickModes(g.sentByB).getFirst().message();
    int sentBefore = g.sentByB.size();

    deliverToB(g, qm1, A, 40_000);
    assertEquals(sentBefore, g.sentByB.size(), "a copy from another port of the peer reflects nothing");

    deliverToB(g, qm1, A, qm1.localPort());
    assertEquals(sentBefore + 1, g.sentByB.size());
    IkeDatagram again = g.sentByB.getLast();
    assertEquals(A, again.peerAddress());
    assertEquals(qm1.localPort(), again.peerPort());
    assertArrayEquals(qm2, again.message());
    assertEquals(1, g.b.children.size(), "no state change");
    assertEquals(List.of(DosCounters.RETRANSMISSION_FROM_ELSEWHERE), counted.dropped);
    assertEquals(1, counted.answered);
  }

  @Test
  void theFirstOfTwoConcurrentQuickModesIsStillAnsweredFromTheCache() {
    Counted counted = new Counted();
    TwoGateways g = established(counted);
    g.drop = d -> d.localAddress().equals(B); // B's QM2s are lost
    Ikev1Engine a = g.serviceAEngine();
    a.initiate(a.policies().getFirst());
    a.initiate(a.policies().getFirst());
    g.pump();
    List<IkeDatagram> qm1s = quickModes(g.sentByA);
    List<IkeDatagram> qm2s = quickModes(g.sentByB);
    assertEquals(4, qm1s.size(), "QM1 and QM3 of the first Child SA, then two concurrent QM1s");
    assertEquals(3, qm2s.size());
    IkeDatagram firstNew = qm1s.get(qm1s.size() - 2);
    byte[] answerToFirst = qm2s.get(qm2s.size() - 2).message();
    int sentBefore = g.sentByB.size();

    deliverToB(g, firstNew, A, firstNew.localPort());
    assertEquals(sentBefore + 1, g.sentByB.size(), "the older Quick Mode's retransmission is answered");
    assertArrayEquals(answerToFirst, g.sentByB.getLast().message());
    assertEquals(1, counted.answered);
  }
}
