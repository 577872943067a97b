package io.ipsecmesh.ike.v1;

import static io.ipsecmesh.ike.v1.TwoGateways.A;
import static io.ipsecmesh.ike.v1.TwoGateways.B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.bus.IkeMessages.IkeDatagram;
import io.ipsecmesh.proto.sa.EspTransform;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Tampered copies of every message of a real session, fed to both engines: nothing may throw, and
 * nothing may change state, because every change is authenticated (HASH_I/R, HASH(1..3)) or bound to
 * a cookie and a phase the tampered copy cannot fake.
 */
class Ikev1EngineFuzzTest {

  @Test
  void aFloodOfMainModeStartsIsCappedAndTimesOut() {
    TwoGateways g = new TwoGateways();
    Ikev1Suite s = TwoGateways.suite(256, Ikev1Hash.SHA2_256, 19);
    g.configure(TwoGateways.policy(A, B, "k", s, EspTransform.AES_CBC_256_HMAC_SHA256_128, "10.1.0", "10.2.0"),
        TwoGateways.policy(B, A, "k", s, EspTransform.AES_CBC_256_HMAC_SHA256_128, "10.2.0", "10.1.0"));
    // the flood comes from one address: lift the per-peer quota (Ikev1DosLimitsTest) to reach the global cap
    g.serviceB.setLimits(Ikev1Engine.MAX_HALF_OPEN + 200, 64);
    g.serviceA.acquire("vpn", 10, null);
    byte[] mm1 = g.wire.poll().message();
    SplittableRandom rnd = new SplittableRandom(7);
    int answered = 0;
    for (int i = 0; i < Ikev1Engine.MAX_HALF_OPEN + 200; i++) {
      byte[] m = mm1.clone();
      io.ipsecmesh.proto.ikev1.IsakmpCodec.putLong(m, 0, rnd.nextLong() | 1);
      int before = g.sentByB.size();
      g.serviceB.receive(new IkeDatagram(B, 500, A, 500, m), g.sentByB::add);
      answered += g.sentByB.size() - before;
    }
    assertEquals(Ikev1Engine.MAX_HALF_OPEN, answered, "beyond the cap, MM1s get no answer and no state");
    assertEquals(Ikev1Engine.MAX_HALF_OPEN, g.serviceB.activeSaCount());
    g.clock.advance(130_000);
    assertEquals(0, g.serviceB.activeSaCount(), "half-open SAs time out");
  }

  @Test
  void tamperedMessagesAreDroppedWithoutExceptionsOrStateChange() {
    TwoGateways g = new TwoGateways();
    Ikev1Suite s = TwoGateways.suite(256, Ikev1Hash.SHA2_256, 19);
    g.configure(TwoGateways.policy(A, B, "fuzz", s, EspTransform.AES_CBC_256_HMAC_SHA256_128, "10.1.0", "10.2.0"),
        TwoGateways.policy(B, A, "fuzz", s, EspTransform.AES_CBC_256_HMAC_SHA256_128, "10.2.0", "10.1.0"));
    g.serviceA.acquire("vpn", 10, null);
    g.pump();
    // one DPD exchange, so that informationals are in the corpus too
    g.serviceA.probe(new io.ipsecmesh.proto.bus.DpdMessages.ProbeRequest(g.a.up.getFirst().ikeSaId(), B, 0, 1000),
        o -> { });
    g.pump();
    List<IkeDatagram> corpus = new ArrayList<>(g.sentByA);
    corpus.addAll(g.sentByB);
    int childrenA = g.a.children.size();
    int childrenB = g.b.children.size();
    int sentBefore = g.sentByA.size() + g.sentByB.size();

    SplittableRandom rnd = new SplittableRandom(0x1CE1);
    for (int i = 0; i < 3000; i++) {
      IkeDatagram d = corpus.get(rnd.nextInt(corpus.size()));
      byte[] m = d.message().clone();
      // keep the cookies (else it is just an unknown SA) and flip bits behind the header
      int flips = rnd.nextInt(1, 4);
      for (int f = 0; f < flips; f++) {
        int pos = 16 + rnd.nextInt(m.length - 16);
        m[pos] ^= (byte) (1 << rnd.nextInt(8));
      }
      boolean fromA = d.localAddress().equals(A);
      IkeDatagram in = new IkeDatagram(d.peerAddress(), d.peerPort(), d.localAddress(), d.localPort(), m);
      (fromA ? g.serviceB : g.serviceA).receive(in, x -> { });
    }
    g.pump();
    assertEquals(childrenA, g.a.children.size());
    assertEquals(childrenB, g.b.children.size());
    assertTrue(g.a.down.isEmpty() && g.b.down.isEmpty() && g.a.deleted.isEmpty() && g.b.deleted.isEmpty());
    assertEquals(sentBefore, g.sentByA.size() + g.sentByB.size(), "no answer to a tampered message");
    assertEquals(1, g.serviceA.activeSaCount());
    assertEquals(1, g.serviceB.activeSaCount());
  }
}
