package io.ipsecmesh.ike.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipsecmesh.ike.dos.DosCounters;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The one reply cache of both IKE versions: a retransmission from the SA's peer gets our cached answer again,
 * one from elsewhere nothing; IKEv2 recognises a request by message ID and digest (an altered request under an
 * answered ID is dropped), IKEv1 by digest only (Main Mode's three requests share message ID 0).
 */
class ReplyCacheTest {

  private final List<String> counted = new ArrayList<>();
  private final List<byte[]> resent = new ArrayList<>();
  private final DosCounters counters = new DosCounters() {
    @Override
    public void retransmissionAnswered(int ikeVersion) {
      counted.add("answered v" + ikeVersion);
    }

    @Override
    public void requestDropped(int ikeVersion, String reason) {
      counted.add(reason + " v" + ikeVersion);
    }
  };

  private static final byte[] REQUEST = {1, 2, 3};
  private static final byte[] RESPONSE = {9, 9};

  @Test
  void ikev2AnswersTheIdenticalRequestOnlyFromThePeerAndDropsAnAlteredOne() {
    ReplyCache c = new ReplyCache(2, ReplyCache.Keying.MESSAGE_ID_AND_DIGEST, 1);
    byte[] d = ReplyCache.digest(REQUEST);
    assertEquals(ReplyCache.Outcome.NEW, c.check(1, d, true, resent::add, counters));
    c.remember(1, d, RESPONSE);
    assertEquals(ReplyCache.Outcome.FROM_ELSEWHERE, c.check(1, d, false, resent::add, counters));
    assertEquals(ReplyCache.Outcome.ALTERED, c.check(1, ReplyCache.digest(new byte[] {1, 2, 4}), true, resent::add,
        counters));
    assertEquals(ReplyCache.Outcome.RESENT, c.check(1, d, true, resent::add, counters));
    assertEquals(ReplyCache.Outcome.NEW, c.check(2, ReplyCache.digest(new byte[] {7}), true, resent::add, counters));
    assertEquals(1, resent.size());
    assertArrayEquals(RESPONSE, resent.getFirst());
    assertEquals(List.of("retransmission-from-elsewhere v2", "altered-retransmission v2", "answered v2"), counted);
  }

  @Test
  void ikev1KnowsAnAnswerByDigestOnlySoMainModesRequestsUnderIdZeroAreEachNew() {
    ReplyCache c = new ReplyCache(1, ReplyCache.Keying.DIGEST, 8);
    byte[] mm1 = ReplyCache.digest(REQUEST);
    c.remember(0, mm1, RESPONSE);
    assertEquals(ReplyCache.Outcome.NEW, c.check(0, ReplyCache.digest(new byte[] {5}), true, resent::add, counters),
        "MM3 under message ID 0 is a new request, not an altered MM1");
    assertEquals(ReplyCache.Outcome.FROM_ELSEWHERE, c.check(0, mm1, false, resent::add, counters));
    assertEquals(ReplyCache.Outcome.RESENT, c.check(0, mm1, true, resent::add, counters));
    assertArrayEquals(RESPONSE, resent.getFirst());
    assertEquals(List.of("retransmission-from-elsewhere v1", "answered v1"), counted);
  }

  @Test
  void theOldestAnswerIsForgottenBeyondTheCapacity() {
    ReplyCache c = new ReplyCache(1, ReplyCache.Keying.DIGEST, 2);
    for (int i = 0; i < 3; i++) {
      c.remember(i, ReplyCache.digest(new byte[] {(byte) i}), new byte[] {(byte) i});
    }
    assertEquals(ReplyCache.Outcome.NEW, c.check(0, ReplyCache.digest(new byte[] {0}), true, resent::add, counters));
    assertEquals(ReplyCache.Outcome.RESENT, c.check(1, ReplyCache.digest(new byte[] {1}), true, resent::add,
        counters));
  }
}
