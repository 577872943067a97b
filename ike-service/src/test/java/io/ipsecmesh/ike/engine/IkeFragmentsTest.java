package io.ipsecmesh.ike.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.ike.fragment.FragmentReassembler;
import io.ipsecmesh.ike.fragment.IkeFragmenter;
import io.ipsecmesh.proto.config.Ikev2Fragmentation;
import io.ipsecmesh.proto.ikev2.IkeCodec;
import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.ikev2.IkeMessage;
import io.ipsecmesh.proto.ikev2.Payload;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * RFC 7383 between two task managers on the virtual-time wire ({@link TaskPeers}), with {@code crypto ikev2
 * fragmentation mtu 200} so that even a PSK IKE_AUTH goes in fragments: negotiation in IKE_SA_INIT (§2.3), fragments
 * both ways (§2.5), a lost fragment recovered by retransmitting every fragment (§2.6.1), the responder's reply cache
 * answering only a retransmitted first fragment (§2.6.1), and the reassembly timeout (§2.6), all in exact virtual
 * time.
 */
class IkeFragmentsTest {

  private static final int MTU = 200;
  /** The largest IKE message in an IPv4 datagram of 200 bytes on port 500. */
  private static final int MAX = IkeFragmenter.maxMessageBytes(MTU, false, false);

  /** What the engine counts: fragment drops by reason, reply-cache answers. */
  static final class Counted implements EngineStats {
    final List<String> fragmentDrops = new ArrayList<>();
    int answered;

    @Override
    public void fragmentDropped(String reason) {
      fragmentDrops.add(reason);
    }

    @Override
    public void retransmissionAnswered(int ikeVersion) {
      answered++;
    }
  }

  private static TaskPeers peers(Ikev2Fragmentation a, Ikev2Fragmentation b) {
    TaskPeers n = new TaskPeers();
    n.a.setFragmentation(a);
    n.b.setFragmentation(b);
    return n;
  }

  private static TaskPeers fragmenting() {
    return peers(new Ikev2Fragmentation(MTU), new Ikev2Fragmentation(MTU));
  }

  private static IkeMessage decode(TestPeers.Packet p) throws Exception {
    return IkeCodec.decode(p.bytes());
  }

  /** The IKE_AUTH datagrams {@code from} sent (requests or responses), in order. */
  private static List<TestPeers.Packet> ikeAuth(TaskPeers n, String from) {
    return n.sent.stream().filter(p -> p.from().equals(from) && TaskPeers.exchangeOf(p) == IkeConstants.IKE_AUTH)
        .toList();
  }

  private static Payload.EncryptedFragment skf(TestPeers.Packet p) throws Exception {
    return (Payload.EncryptedFragment) decode(p).payloads().getLast();
  }

  /** Drops the {@code n}-th (from 1) IKE_AUTH datagram from {@code from}, once. */
  private static Predicate<TestPeers.Packet> dropOnce(String from, int nth) {
    int[] seen = {0};
    return p -> p.from().equals(from) && TaskPeers.exchangeOf(p) == IkeConstants.IKE_AUTH && ++seen[0] == nth;
  }

  @Test
  void bothOfferingItTheIkeAuthExchangeGoesInFragmentsBothWays() throws Exception {
    TaskPeers n = fragmenting().established();
    for (TestPeers.Packet p : n.sent) {
      if (TaskPeers.exchangeOf(p) == IkeConstants.IKE_SA_INIT) {
        assertTrue(decode(p).notify(IkeConstants.IKEV2_FRAGMENTATION_SUPPORTED).isPresent(), "§2.3 in both messages");
      }
    }
    assertTrue(n.aSa.fragmentation && n.bSa.fragmentation);
    for (String side : List.of(TestPeers.A, TestPeers.B)) {
      List<TestPeers.Packet> auth = ikeAuth(n, side);
      assertTrue(auth.size() >= 2, side + " sent " + auth.size() + " IKE_AUTH datagrams");
      for (int i = 0; i < auth.size(); i++) {
        Payload.EncryptedFragment f = skf(auth.get(i));
        assertEquals(i + 1, f.fragmentNumber());
        assertEquals(auth.size(), f.totalFragments());
        assertTrue(auth.get(i).bytes().length <= MAX, auth.get(i).bytes().length + " > " + MAX);
        assertEquals(1, decode(auth.get(i)).header().messageId());
      }
    }
    assertEquals(1, TaskPeers.live(n.aEvents).size(), "the Child SA of IKE_AUTH");
    // a small exchange afterwards goes whole (§2.4: no point fragmenting what fits)
    n.aSa.tasks.queue(new LivenessTask());
    n.run();
    TestPeers.Packet dpd = n.sent.getLast();
    assertEquals(IkeConstants.PT_SK, dpd.bytes()[16] & 0xff);
  }

  @Test
  void withoutItOnOneSideNeitherFragments() throws Exception {
    for (TaskPeers n : List.of(peers(new Ikev2Fragmentation(MTU), null), peers(null, new Ikev2Fragmentation(MTU)))) {
      n.established();
      assertFalse(n.aSa.fragmentation || n.bSa.fragmentation);
      for (TestPeers.Packet p : n.sent) {
        if (TaskPeers.exchangeOf(p) == IkeConstants.IKE_SA_INIT && TaskPeers.isResponse(p)) {
          assertFalse(decode(p).notify(IkeConstants.IKEV2_FRAGMENTATION_SUPPORTED).isPresent()
              && n.b.fragmentation() == null, "a responder without it does not answer the notify");
        }
      }
      assertEquals(1, ikeAuth(n, TestPeers.A).size());
      assertEquals(IkeConstants.PT_SK, ikeAuth(n, TestPeers.A).getFirst().bytes()[16] & 0xff);
      assertTrue(ikeAuth(n, TestPeers.A).getFirst().bytes().length > MAX, "it would have been fragmented");
    }
  }

  @Test
  void aLostRequestFragmentIsRecoveredByRetransmittingEveryFragment() throws Exception {
    TaskPeers n = fragmenting();
    Counted b = new Counted();
    n.b.setStats(b);
    n.drop = dropOnce(TestPeers.A, 2);
    n.initiate();
    n.run();
    int total = ikeAuth(n, TestPeers.A).size();
    assertEquals(IkeSa.State.AUTH_SENT, n.aSa.state);
    n.advance(RetransmitPolicy.DEFAULT.delayBefore(0) - 1);
    assertEquals(total, ikeAuth(n, TestPeers.A).size(), "nothing before the first retransmission delay");
    n.advance(1);
    List<TestPeers.Packet> sent = ikeAuth(n, TestPeers.A);
    assertEquals(2 * total, sent.size(), "every fragment again, together");
    for (int i = 0; i < total; i++) {
      assertArrayEquals(sent.get(i).bytes(), sent.get(total + i).bytes(), "the same bytes, never re-encrypted");
    }
    assertEquals(IkeSa.State.ESTABLISHED, n.aSa.state);
    assertEquals(IkeSa.State.ESTABLISHED, n.bSa.state);
    List<String> replays = b.fragmentDrops.stream().filter(FragmentReassembler.REPLAY::equals).toList();
    assertEquals(total - 1, replays.size(), "the fragments b had are replays (§2.6): " + b.fragmentDrops);
  }

  @Test
  void aLostResponseFragmentGetsTheWholeResponseAgainForTheFirstRequestFragmentOnly() throws Exception {
    TaskPeers n = fragmenting();
    Counted b = new Counted();
    n.b.setStats(b);
    n.drop = dropOnce(TestPeers.B, 2);
    n.initiate();
    n.run();
    int requestFragments = ikeAuth(n, TestPeers.A).size();
    int responseFragments = ikeAuth(n, TestPeers.B).size();
    assertEquals(IkeSa.State.ESTABLISHED, n.bSa.state, "b answered");
    assertEquals(IkeSa.State.AUTH_SENT, n.aSa.state, "a misses one fragment of the answer");
    n.advance(RetransmitPolicy.DEFAULT.delayBefore(0));
    assertEquals(2 * requestFragments, ikeAuth(n, TestPeers.A).size());
    List<TestPeers.Packet> answers = ikeAuth(n, TestPeers.B);
    assertEquals(2 * responseFragments, answers.size(), "the whole response once more, from the reply cache");
    for (int i = 0; i < responseFragments; i++) {
      assertArrayEquals(answers.get(i).bytes(), answers.get(responseFragments + i).bytes());
    }
    assertEquals(1, b.answered, "answered for the first fragment only");
    assertEquals(requestFragments - 1, b.fragmentDrops.stream().filter(IkeFragments.ANSWERED::equals).count(),
        "the later fragments of the answered request are ignored (§2.6.1): " + b.fragmentDrops);
    assertEquals(IkeSa.State.ESTABLISHED, n.aSa.state);
    assertEquals(1, n.bEvents.installed.size(), "b processed the request once");
  }

  @Test
  void anIncompleteRequestIsDiscardedAtTheInitiatorsGiveUpTime() throws Exception {
    TaskPeers n = fragmenting();
    Counted b = new Counted();
    n.b.setStats(b);
    n.drop = p -> p.from().equals(TestPeers.A) && TaskPeers.exchangeOf(p) == IkeConstants.IKE_AUTH
        && skfNumber(p) > 1;
    n.initiate();
    n.run(); // b holds fragment 1 from now on
    long timeout = RetransmitPolicy.DEFAULT.giveUpAfter();
    n.advance(timeout - 1);
    assertFalse(b.fragmentDrops.contains(FragmentReassembler.TIMEOUT), b.fragmentDrops.toString());
    n.advance(1);
    assertEquals(1, b.fragmentDrops.stream().filter(FragmentReassembler.TIMEOUT::equals).count(),
        "§2.6: discarded " + timeout + " ms after its first fragment: " + b.fragmentDrops);
    assertEquals(IkeSa.State.DELETED, n.aSa.state, "a gave up at the same time (RFC 7296 §2.1)");
  }

  @Test
  void fragmentsOnAnSaThatDidNotNegotiateThemAreDropped() throws Exception {
    TaskPeers n = peers(new Ikev2Fragmentation(MTU), null);
    Counted b = new Counted();
    n.b.setStats(b);
    n.established();
    // a (wrongly) fragments an INFORMATIONAL although b never offered it
    n.aSa.fragmentation = true;
    List<Payload> big = List.of(new Payload.VendorId(new byte[600]));
    n.aSa.tasks.sendUnsolicited(big);
    n.run();
    assertTrue(b.fragmentDrops.size() >= 2 && b.fragmentDrops.stream().allMatch(IkeFragments.NOT_NEGOTIATED::equals),
        b.fragmentDrops.toString());
  }

  @Test
  void aPeerSendingMoreThanTheReassemblyLimitLosesItsIkeSa() throws Exception {
    TaskPeers n = peers(new Ikev2Fragmentation(1500), new Ikev2Fragmentation(1500)).established();
    Counted b = new Counted();
    n.b.setStats(b);
    // 80 KB of authentic fragments (the peer has the keys): §5 says drop the connection past the limit
    n.aSa.tasks.sendUnsolicited(List.of(new Payload.VendorId(new byte[40_000]), new Payload.VendorId(new byte[40_000])));
    n.run();
    assertEquals(List.of(FragmentReassembler.LIMIT), b.fragmentDrops);
    assertEquals(IkeSa.State.DELETED, n.bSa.state);
    assertEquals(1, n.bEvents.down.size());
  }

  private static int skfNumber(TestPeers.Packet p) {
    try {
      return decode(p).payloads().getLast() instanceof Payload.EncryptedFragment f ? f.fragmentNumber() : 0;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
