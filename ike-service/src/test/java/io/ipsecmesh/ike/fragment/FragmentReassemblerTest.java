package io.ipsecmesh.ike.fragment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.ike.crypto.IkeSaKeys;
import io.ipsecmesh.ike.crypto.SkCipher;
import io.ipsecmesh.proto.ikev2.IkeCodec;
import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.ikev2.Payload;
import io.ipsecmesh.proto.time.VirtualScheduler;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link FragmentReassembler}: the receiving rules of RFC 7383 §2.6 in their order (numbers, replay, ICV, newer
 * set), the bounds of §5 (fragments, bytes) and the reassembly timeout, in virtual time.
 */
class FragmentReassemblerTest {

  private static final long TIMEOUT = 126_000;

  private final VirtualScheduler clock = new VirtualScheduler();
  private int timeouts;
  private FragmentReassembler r;
  private SkCipher tx;
  private SkCipher rx;

  @BeforeEach
  void setUp() throws Exception {
    IkeSaKeys keys = Fragments.keys(Fragments.GCM);
    tx = keys.initiatorCipher();
    rx = keys.initiatorCipher();
    r = new FragmentReassembler(clock, TIMEOUT, () -> timeouts++);
  }

  /** The IKE_AUTH of {@code certBytes} in fragments of at most {@code max} bytes. */
  private List<byte[]> fragments(long messageId, int certBytes, int max) {
    return IkeFragmenter.protect(tx, Fragments.header(messageId), Fragments.ikeAuth(certBytes), max);
  }

  private FragmentReassembler.Outcome offer(long messageId, byte[] d) throws Exception {
    return r.offer(messageId, d, Fragments.skf(d), rx);
  }

  private static String reason(FragmentReassembler.Outcome o) {
    return assertInstanceOf(FragmentReassembler.Dropped.class, o).reason();
  }

  @Test
  void fragmentsInAnyOrderCompleteTheMessageOnlyWithTheLast() throws Exception {
    List<byte[]> f = fragments(1, 1400, 548);
    int n = f.size();
    for (int i = n - 1; i > 0; i--) {
      FragmentReassembler.Stored s = assertInstanceOf(FragmentReassembler.Stored.class, offer(1, f.get(i)));
      assertEquals(n - i, s.stored());
    }
    FragmentReassembler.Complete c = assertInstanceOf(FragmentReassembler.Complete.class, offer(1, f.get(0)));
    assertEquals(3, c.payloads().size());
    assertEquals(n, c.fragments());
    assertFalse(r.collecting());
    assertEquals(0, clock.pending(), "the timeout went with the set");
  }

  @Test
  void aReplayedFragmentIsDroppedAndNotDecryptedAgain() throws Exception {
    List<byte[]> f = fragments(1, 1400, 548);
    offer(1, f.get(1));
    assertEquals(FragmentReassembler.REPLAY, reason(offer(1, f.get(1))));
    byte[] forged = f.get(1).clone();
    forged[forged.length - 1] ^= 1;
    assertEquals(FragmentReassembler.REPLAY, reason(offer(1, forged)),
        "§2.6: the replay check comes before the ICV: a stored fragment is never replaced");
  }

  @Test
  void aFragmentFailingItsIcvIsNeverKept() throws Exception {
    List<byte[]> f = fragments(1, 1400, 548);
    byte[] forged = f.get(0).clone();
    forged[forged.length - 20] ^= 1;
    assertEquals(FragmentReassembler.INTEGRITY, reason(offer(1, forged)));
    assertFalse(r.collecting(), "nothing stored, no timer for a forged fragment");
    byte[] renumbered = f.get(1).clone();
    renumbered[33] = (byte) (renumbered[33] == 1 ? 2 : 1); // Fragment Number is inside what the ICV covers
    assertEquals(FragmentReassembler.INTEGRITY, reason(offer(1, renumbered)));
    for (byte[] d : f) {
      offer(1, d);
    }
    assertFalse(r.collecting(), "the genuine fragments completed the message");
  }

  @Test
  void aSetWithMoreFragmentsStartsOverAndOneWithFewerIsDropped() throws Exception {
    List<byte[]> coarse = fragments(1, 1400, 1000);
    List<byte[]> fine = fragments(1, 1400, 400);
    assertTrue(fine.size() > coarse.size());
    offer(1, coarse.get(0));
    offer(1, fine.get(0)); // §2.5.2: PMTU discovery made smaller fragments: the coarse one is gone
    assertEquals(FragmentReassembler.OLDER_SET, reason(offer(1, coarse.get(1))));
    FragmentReassembler.Outcome o = null;
    for (int i = 1; i < fine.size(); i++) {
      o = offer(1, fine.get(i));
    }
    assertInstanceOf(FragmentReassembler.Complete.class, o);
  }

  @Test
  void anotherMessageIdDiscardsTheSetBeingCollected() throws Exception {
    List<byte[]> one = fragments(1, 1400, 548);
    List<byte[]> two = fragments(2, 1400, 548);
    offer(1, one.get(0));
    offer(2, two.get(0));
    FragmentReassembler.Outcome o = null;
    for (int i = 1; i < one.size(); i++) {
      o = offer(1, one.get(i));
    }
    assertInstanceOf(FragmentReassembler.Stored.class, o, "message 1 started over without its first fragment");
  }

  @Test
  void anIncompleteSetIsDiscardedExactlyAtTheTimeout() throws Exception {
    List<byte[]> f = fragments(1, 1400, 548);
    offer(1, f.get(0));
    clock.advance(TIMEOUT - 1);
    assertTrue(r.collecting());
    assertEquals(0, timeouts);
    clock.advance(1);
    assertFalse(r.collecting());
    assertEquals(1, timeouts);
    // the rest arrives late: a new set begins, without fragment 1
    for (int i = 1; i < f.size(); i++) {
      assertInstanceOf(FragmentReassembler.Stored.class, offer(1, f.get(i)));
    }
  }

  @Test
  void moreThanMaxFragmentsIsRefusedBeforeDecryption() throws Exception {
    byte[] d = fragments(1, 1400, 548).get(0).clone();
    d[34] = (byte) ((FragmentReassembler.MAX_FRAGMENTS + 1) >>> 8); // Total Fragments
    d[35] = (byte) (FragmentReassembler.MAX_FRAGMENTS + 1);
    assertEquals(FragmentReassembler.TOO_MANY, reason(offer(1, d)));
  }

  @Test
  void moreThanMaxBytesDiscardsTheSet() throws Exception {
    // 80 KB in fragments of ~1 KB, all authentic: the peer has the keys, so only the limit stops it (§5)
    List<Payload> huge = new java.util.ArrayList<>(Fragments.ikeAuth(40 * 1024));
    huge.add(1, new Payload.Certificate(IkeConstants.CERT_X509_SIGNATURE, new byte[40 * 1024]));
    List<byte[]> f = IkeFragmenter.protect(tx, Fragments.header(1), huge, 1100);
    assertTrue(f.size() <= FragmentReassembler.MAX_FRAGMENTS);
    FragmentReassembler.Outcome o = null;
    int offered = 0;
    for (byte[] d : f) {
      o = offer(1, d);
      offered++;
      if (o instanceof FragmentReassembler.Dropped) {
        break;
      }
    }
    FragmentReassembler.Dropped dropped = assertInstanceOf(FragmentReassembler.Dropped.class, o);
    assertEquals(FragmentReassembler.LIMIT, dropped.reason());
    assertTrue(dropped.setDiscarded());
    assertFalse(r.collecting());
    assertTrue(offered * 1100 > FragmentReassembler.MAX_BYTES && (offered - 1) * 1000 < FragmentReassembler.MAX_BYTES
        && offered < f.size(), "dropped as the content passed 64 KB: " + offered + " of " + f.size());
  }

  @Test
  void aCompleteSetThatIsNoPayloadChainIsMalformed() throws Exception {
    byte[] garbage = new byte[600];
    java.util.Arrays.fill(garbage, (byte) 0x41);
    byte[] d1 = tx.protectFragment(Fragments.header(1), IkeConstants.PT_IDI, 1, 2, garbage, 0, 300);
    byte[] d2 = tx.protectFragment(Fragments.header(1), IkeConstants.PT_IDI, 2, 2, garbage, 300, 300);
    offer(1, d1);
    FragmentReassembler.Dropped x = assertInstanceOf(FragmentReassembler.Dropped.class, offer(1, d2));
    assertEquals(FragmentReassembler.MALFORMED, x.reason());
    assertFalse(r.collecting());
  }

  @Test
  void aSingleFragmentMessageIsComplete() throws Exception {
    List<Payload> inner = List.of(Payload.Notify.of(IkeConstants.INITIAL_CONTACT, new byte[0]));
    byte[] plain = IkeCodec.encodeChain(inner);
    byte[] d = tx.protectFragment(Fragments.header(3), IkeConstants.PT_NOTIFY, 1, 1, plain, 0, plain.length);
    FragmentReassembler.Complete c = assertInstanceOf(FragmentReassembler.Complete.class, offer(3, d));
    assertEquals(1, c.payloads().size());
  }
}
