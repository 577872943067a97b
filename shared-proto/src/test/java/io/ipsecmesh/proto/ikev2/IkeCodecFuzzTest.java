package io.ipsecmesh.proto.ikev2;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.ipsecmesh.proto.ike.IkeDecodeException;
import io.ipsecmesh.proto.ikev2.StrongswanVectors.IkeFrame;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated input must only ever produce {@link IkeDecodeException}: no runtime exception,
 * no error, and allocation bounded by a small multiple of the input (the decoder copies checked
 * slices of its input, nothing else grows with attacker-chosen length fields).
 *
 * <p>{@link #decode(byte[])} is the coverage-guided target (Jazzer): a normal build replays its
 * committed corpus ({@code IkeCodecFuzzTestInputs/decode/}, seeded with the strongSwan captures);
 * {@code bench/src/main/scripts/fuzz-campaign.sh ike-codec MINUTES} fuzzes it. The two seeded loops
 * below stay as the allocation-ratio check, which Jazzer's memory limits do not express.
 */
class IkeCodecFuzzTest {

  /**
   * Any datagram: {@link IkeCodec#decode} either rejects it with {@link IkeDecodeException} or returns a
   * message that re-encodes and decodes again to the same payload types; an SK payload's body decodes
   * as an inner chain or is rejected the same way (RFC 7296 §3.14: after decryption).
   */
  @FuzzTest
  void decode(byte[] datagram) {
    IkeMessage m;
    try {
      m = IkeCodec.decode(datagram);
    } catch (IkeDecodeException expected) {
      return;
    }
    byte[] again = IkeCodec.encode(m);
    try {
      IkeMessage back = IkeCodec.decode(again);
      assertTrue(back.payloads().size() == m.payloads().size(), "re-encoded message lost payloads");
    } catch (IkeDecodeException e) {
      fail("a decoded message re-encodes to bytes the decoder refuses: " + e.getMessage(), e);
    }
    if (!m.payloads().isEmpty() && m.payloads().getLast() instanceof Payload.Encrypted e) {
      try {
        IkeCodec.decodeChain(e.firstInner(), e.body(), 0, e.body().length);
      } catch (IkeDecodeException expected) {
        // not a plaintext chain: the engine drops it after the ICV check anyway
      }
    }
  }

  private static final long SEED = 0x1CE5EEDL;
  private final com.sun.management.ThreadMXBean threads =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private int decoded;
  private int rejected;
  private long worstRatio;

  @Test
  void randomBytesOnlyYieldDecodeErrors() {
    SplittableRandom rnd = new SplittableRandom(SEED);
    for (int i = 0; i < 20_000; i++) {
      byte[] b = new byte[rnd.nextInt(0, 600)];
      rnd.nextBytes(b);
      if (b.length >= IkeHeader.SIZE && rnd.nextBoolean()) {
        // make many of them pass the header checks so the payload parsers get exercised too
        b[17] = 0x20;
        IkeCodec.putUint32(b, 24, b.length);
        b[16] = (byte) (rnd.nextInt(8) == 0 ? IkeConstants.PT_SKF : 33 + rnd.nextInt(14));
      }
      feed(b);
    }
    assertTrue(rejected > 10_000, "rejected " + rejected);
    assertTrue(decoded > 0 || rejected == 20_000);
  }

  @Test
  void bitFlippedAndTruncatedStrongswanMessagesOnlyYieldDecodeErrors() {
    List<byte[]> corpus = new ArrayList<>();
    for (String capture : StrongswanVectors.IKEV2_CAPTURES) {
      for (IkeFrame f : StrongswanVectors.ikeFrames(capture)) {
        corpus.add(f.message());
      }
    }
    SplittableRandom rnd = new SplittableRandom(SEED + 1);

    for (int i = 0; i < 40_000; i++) {
      if (i == 20_000) {
        // measure only the second half: the first hit of every error path links its string
        // concatenation call site (a one-off JVM cost, not a per-input cost)
        worstRatio = 0;
      }
      byte[] b = corpus.get(rnd.nextInt(corpus.size())).clone();
      int flips = 1 + rnd.nextInt(4);
      for (int f = 0; f < flips; f++) {
        int bit = rnd.nextInt(b.length * 8);
        b[bit / 8] ^= (byte) (1 << (bit % 8));
      }
      if (rnd.nextInt(8) == 0) {
        // keep the header length consistent so that the damage lands in the payload chain
        IkeCodec.putUint32(b, 24, b.length);
      }
      feed(b);
      byte[] cut = java.util.Arrays.copyOf(b, rnd.nextInt(b.length + 1));
      feed(cut);
    }
    // the mutated corpus must still partly decode, otherwise the payload parsers were never reached
    assertTrue(decoded > 1000, "decoded " + decoded);
    assertTrue(rejected > 1000, "rejected " + rejected);
    assertTrue(worstRatio < 64, "allocation per input byte " + worstRatio);
  }

  private void feed(byte[] b) {
    try {
      long before = threads.getCurrentThreadAllocatedBytes();
      IkeMessage m;
      try {
        m = IkeCodec.decode(b);
      } finally {
        long used = threads.getCurrentThreadAllocatedBytes() - before;
        // fixed overhead (lists, records, the exception) plus a multiple of the input size
        worstRatio = Math.max(worstRatio, (used - 8_192) / Math.max(1, b.length));
      }
      decoded++;
      // a decoded message must re-encode without failure
      IkeCodec.encode(m);
      if (m.payloads().getLast() instanceof Payload.Encrypted e) {
        try {
          IkeCodec.decodeChain(e.firstInner(), e.body(), 0, e.body().length);
        } catch (IkeDecodeException expected) {
          rejected++;
        }
      }
    } catch (IkeDecodeException expected) {
      rejected++;
    } catch (RuntimeException | Error e) {
      fail("decoder threw " + e + " on " + java.util.HexFormat.of().formatHex(b), e);
    }
  }
}
