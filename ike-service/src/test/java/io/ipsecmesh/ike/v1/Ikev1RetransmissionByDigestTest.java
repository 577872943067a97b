package io.ipsecmesh.ike.v1;

import static io.ipsecmesh.ike.v1.TwoGateways.A;
import static io.ipsecmesh.ike.v1.TwoGateways.B;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipsecmesh.ike.wire.ReplyCacheContract;
import io.ipsecmesh.proto.bus.IkeMessages.IkeDatagram;
import io.ipsecmesh.proto.ikev1.IsakmpConstants;
import io.ipsecmesh.proto.sa.EspTransform;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * IKEv1's reply cache (RFC 2408 §5: a retransmitted message gets the same answer): the {@link ReplyCacheContract}
 * both versions meet, on a Quick Mode QM1 of two engines on the virtual wire, and what only IKEv1 needs: several
 * answers deep, so concurrent Quick Modes each keep theirs.
 */
class Ikev1RetransmissionByDigestTest extends ReplyCacheContract {

  private static final String PSK = "ikev1-loopback-psk";
  private TwoGateways g;

  private static List<IkeDatagram> quickModes(List<IkeDatagram> sent) {
    return sent.stream().filter(d -> (d.message()[18] & 0xff) == IsakmpConstants.EXCH_QUICK_MODE).toList();
  }

  @Override
  protected int ikeVersion() {
    return 1;
  }

  @Override
  protected Answered establish() {
    g = new TwoGateways();
    Ikev1Suite s = TwoGateways.suite(256, Ikev1Hash.SHA2_256, 19);
    EspTransform esp = EspTransform.AES_CBC_256_HMAC_SHA256_128;
    g.configure(TwoGateways.policy(A, B, PSK, s, esp, "10.1.0", "10.2.0"),
        TwoGateways.policy(B, A, PSK, s, esp, "10.2.0", "10.1.0"));
    g.serviceB.setStats(counters);
    g.serviceA.acquire("vpn", 10, null);
    g.pump();
    assertEquals(1, g.b.children.size());
    IkeDatagram qm1 = quickModes(g.sentByA).getFirst();
    return new Answered(qm1.message(), A, qm1.localPort(), qm1.peerPort(),
        quickModes(g.sentByB).getFirst().message());
  }

  @Override
  protected List<Sent> deliver(byte[] bytes, String from, int fromPort, int localPort) {
    int before = g.sentByB.size();
    g.serviceB.receive(new IkeDatagram(B, localPort, from, fromPort, bytes), d -> g.sentByB.add(d));
    return g.sentByB.subList(before, g.sentByB.size()).stream()
        .map(d -> new Sent(d.peerAddress(), d.peerPort(), d.message())).toList();
  }

  @Override
  protected String responderState() {
    return "up " + g.b.up.size() + ", Child SAs " + g.b.children.size();
  }

  @Test
  void theFirstOfTwoConcurrentQuickModesIsStillAnsweredFromTheCache() {
    establish();
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

    List<Sent> sent = deliver(firstNew.message(), A, firstNew.localPort(), firstNew.peerPort());
    assertEquals(1, sent.size(), "the older Quick Mode's retransmission is answered");
    assertArrayEquals(answerToFirst, sent.getFirst().bytes());
    assertEquals(List.of("answered v1"), counted);
  }
}
