package io.ipsecmesh.ike.fragment;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.ipsecmesh.ike.crypto.IkeSaKeys;
import io.ipsecmesh.ike.crypto.SkCipher;
import io.ipsecmesh.proto.ike.IkeDecodeException;
import io.ipsecmesh.proto.ikev2.IkeCodec;
import io.ipsecmesh.proto.ikev2.IkeMessage;
import io.ipsecmesh.proto.ikev2.Payload;
import io.ipsecmesh.proto.time.VirtualScheduler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Malformed and hostile IKE Fragment messages — bit flips, truncations, renumbered and re-totalled copies, random
 * bodies, genuine fragments of other message IDs — fed through the codec and the reassembler: every one ends as a
 * decode error or a counted {@link FragmentReassembler.Dropped}/{@link FragmentReassembler.Stored}, never an
 * exception, never more than {@link FragmentReassembler#MAX_BYTES} held; the genuine fragments interleaved with
 * the junk still complete their message (nothing forged was ever kept).
 */
class FragmentReassemblerFuzzTest {

  @Test
  void junkBetweenGenuineFragmentsIsDroppedAndTheMessageStillCompletes() throws Exception {
    IkeSaKeys keys = Fragments.keys(Fragments.CBC);
    SkCipher tx = keys.initiatorCipher();
    SkCipher rx = keys.initiatorCipher();
    SplittableRandom rnd = new SplittableRandom(0x5CF1L);
    VirtualScheduler clock = new VirtualScheduler();
    int completed = 0;
    int dropped = 0;
    for (int round = 0; round < 300; round++) {
      FragmentReassembler r = new FragmentReassembler(clock, 10_000, () -> {});
      long id = 1 + rnd.nextInt(4);
      List<byte[]> genuine = IkeFragmenter.protect(tx, Fragments.header(id), Fragments.ikeAuth(1200 + rnd.nextInt(3000)),
          200 + rnd.nextInt(900));
      List<byte[]> stream = new ArrayList<>();
      for (byte[] g : genuine) {
        for (int j = rnd.nextInt(4); j > 0; j--) {
          stream.add(mutate(genuine.get(rnd.nextInt(genuine.size())), rnd));
        }
        stream.add(g);
      }
      FragmentReassembler.Outcome last = null;
      for (byte[] d : stream) {
        IkeMessage m;
        try {
          m = IkeCodec.decode(d);
        } catch (IkeDecodeException expected) {
          continue;
        }
        if (!(m.payloads().getLast() instanceof Payload.EncryptedFragment f)) {
          continue;
        }
        try {
          FragmentReassembler.Outcome o = r.offer(m.header().messageId(), d, f, rx);
          if (o instanceof FragmentReassembler.Dropped) {
            dropped++;
          }
          if (d == genuine.getLast()) {
            last = o;
          }
        } catch (RuntimeException e) {
          fail("the reassembler threw " + e + " on " + java.util.HexFormat.of().formatHex(d), e);
        }
      }
      // junk with the genuine message ID never displaced a genuine fragment; junk with another one could only
      // restart the set if authentic, which no mutation is
      FragmentReassembler.Complete c = assertInstanceOf(FragmentReassembler.Complete.class, last, "round " + round);
      assertTrue(c.payloads().size() == 3);
      completed++;
    }
    assertTrue(completed == 300 && dropped > 300, completed + " completed, " + dropped + " dropped");
  }

  /** A damaged copy of a fragment: a flipped bit, a cut, other numbers, another message ID or a random body. */
  private static byte[] mutate(byte[] d, SplittableRandom rnd) {
    byte[] b = d.clone();
    switch (rnd.nextInt(6)) {
      case 0 -> b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
      case 1 -> {
        b = Arrays.copyOf(b, rnd.nextInt(b.length));
        if (b.length >= 28) {
          IkeCodec.putUint32(b, 24, b.length);
        }
      }
      case 2 -> { // Fragment Number: anything, including 0 and beyond the total
        b[32] = (byte) rnd.nextInt(3);
        b[33] = (byte) rnd.nextInt(256);
      }
      case 3 -> { // Total Fragments: more (a "newer set" an attacker cannot authenticate), fewer, huge
        b[34] = (byte) rnd.nextInt(256);
        b[35] = (byte) rnd.nextInt(256);
      }
      case 4 -> IkeCodec.putUint32(b, 20, rnd.nextInt(8)); // message ID
      default -> {
        for (int i = 36; i < b.length; i++) {
          b[i] = (byte) rnd.nextInt(256);
        }
      }
    }
    if (Arrays.equals(b, d)) {
      b[b.length - 1] ^= 1; // a mutation that happened to change nothing would be a genuine copy
    }
    return b;
  }
}
