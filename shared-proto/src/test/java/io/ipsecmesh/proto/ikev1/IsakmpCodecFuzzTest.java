package io.ipsecmesh.proto.ikev1;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.ipsecmesh.proto.ike.IkeDecodeException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated input must only ever produce {@link IkeDecodeException}: no runtime exception,
 * no error, and allocation bounded by a small multiple of the input (the decoder copies checked slices
 * of its input; nothing grows with attacker-chosen length or count fields).
 */
class IsakmpCodecFuzzTest {

  /**
   * Any datagram (the coverage-guided target; corpus in {@code IsakmpCodecFuzzTestInputs/decode/}, seeded
   * with the strongSwan IKEv1 captures): the decoder either refuses it with {@link IkeDecodeException}
   * or returns a chain that re-encodes to a message it decodes again. The body of an encrypted message is
   * also parsed as a decrypted chain with trailing padding (RFC 2408 §3.1), the way the engine parses it
   * after CBC decryption, so the fuzzer reaches the payload parsers through both doors.
   */
  @FuzzTest
  void decode(byte[] datagram) {
    IsakmpHeader h;
    try {
      h = IsakmpCodec.decodeHeader(datagram);
    } catch (IkeDecodeException expected) {
      return;
    }
    try {
      PayloadChain chain = h.encrypted()
          ? IsakmpCodec.decodeChain(h.nextPayload(), datagram, IsakmpHeader.SIZE, datagram.length - IsakmpHeader.SIZE,
              true)
          : IsakmpCodec.decode(datagram);
      byte[] again = IsakmpCodec.encode(h.with(h.nextPayload(), h.flags() & ~IsakmpConstants.FLAG_ENCRYPTION, 0),
          chain.payloads());
      try {
        PayloadChain back = IsakmpCodec.decode(again);
        assertTrue(back.payloads().size() == chain.payloads().size(), "re-encoded chain lost payloads");
      } catch (IkeDecodeException e) {
        fail("a decoded chain re-encodes to bytes the decoder refuses: " + e.getMessage(), e);
      }
    } catch (IkeDecodeException expected) {
      // refused: the engine counts and drops it
    }
  }

  private static final long SEED = 0x15A4A9L;
  private static final long ALLOCATION_SLACK = 64 * 1024;
  private final com.sun.management.ThreadMXBean threads =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private int decoded;
  private int rejected;
  private long worstExcess;

  @Test
  void randomBytesOnlyYieldDecodeErrors() {
    SplittableRandom rnd = new SplittableRandom(SEED);
    List<byte[]> inputs = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      byte[] b = new byte[rnd.nextInt(0, 600)];
      rnd.nextBytes(b);
      if (b.length >= IsakmpHeader.SIZE && rnd.nextBoolean()) {
        // pass the header checks half of the time so that the payload parsers get exercised
        b[0] |= 1;
        b[17] = 0x10;
        b[19] &= (byte) ~IsakmpConstants.FLAG_ENCRYPTION;
        IsakmpCodec.putUint32(b, 24, b.length);
        int[] types = {1, 4, 5, 8, 10, 11, 12, 13, 14, 20, 21};
        b[16] = (byte) types[rnd.nextInt(types.length)];
      }
      inputs.add(b);
    }
    run(inputs);
    assertTrue(rejected > 10_000, "rejected " + rejected);
    assertTrue(worstExcess < ALLOCATION_SLACK, "allocation beyond 8x input: " + worstExcess);
  }

  @Test
  void bitFlippedAndTruncatedStrongswanMessagesOnlyYieldDecodeErrors() {
    List<byte[]> corpus = new ArrayList<>();
    for (String capture : Ikev1Vectors.CAPTURES) {
      for (Ikev1Vectors.Frame f : Ikev1Vectors.frames(capture)) {
        byte[] m = f.message();
        if ((m[19] & IsakmpConstants.FLAG_ENCRYPTION) != 0) {
          // an encrypted body's plaintext shape is not known here; clear E so the body is parsed as a chain
          m = m.clone();
          m[19] &= (byte) ~IsakmpConstants.FLAG_ENCRYPTION;
        }
        corpus.add(m);
      }
    }
    SplittableRandom rnd = new SplittableRandom(SEED + 1);
    List<byte[]> inputs = new ArrayList<>();
    for (int i = 0; i < 40_000; i++) {
      byte[] m = corpus.get(rnd.nextInt(corpus.size())).clone();
      switch (rnd.nextInt(4)) {
        case 0 -> {
          for (int f = rnd.nextInt(1, 4); f > 0; f--) {
            m[rnd.nextInt(m.length)] ^= (byte) (1 << rnd.nextInt(8));
          }
        }
        case 1 -> {
          // hit a length or count field: the bytes right after a payload boundary
          int p = rnd.nextInt(IsakmpHeader.SIZE, m.length);
          m[p] = (byte) rnd.nextInt(256);
        }
        case 2 -> {
          m = java.util.Arrays.copyOf(m, rnd.nextInt(m.length));
          if (m.length >= IsakmpHeader.SIZE) {
            IsakmpCodec.putUint32(m, 24, m.length);
          }
        }
        default -> m[rnd.nextInt(m.length)] = (byte) 0xff;
      }
      inputs.add(m);
    }
    run(inputs);
    assertTrue(decoded > 100 && rejected > 1_000, "decoded " + decoded + ", rejected " + rejected);
    assertTrue(worstExcess < ALLOCATION_SLACK, "allocation beyond 8x input: " + worstExcess);
  }

  /**
   * Feeds every input twice and measures only the second pass: the first hit of an error path links its
   * string concatenation call site and loads classes, a one-off JVM cost and not a cost per input.
   */
  private void run(List<byte[]> inputs) {
    inputs.forEach(this::feed);
    decoded = 0;
    rejected = 0;
    worstExcess = 0;
    inputs.forEach(this::feed);
  }

  private void feed(byte[] b) {
    long tid = Thread.currentThread().threadId();
    long before = threads.getThreadAllocatedBytes(tid);
    try {
      IsakmpCodec.decode(b);
      decoded++;
    } catch (IkeDecodeException e) {
      rejected++;
    } catch (RuntimeException | Error e) {
      fail("decoder threw " + e + " for " + java.util.HexFormat.of().formatHex(b), e);
    }
    long used = threads.getThreadAllocatedBytes(tid) - before;
    worstExcess = Math.max(worstExcess, used - 8L * b.length);
  }
}
