package io.ipsecmesh.proto.sa;

import java.util.SplittableRandom;

/**
 * The randomized half of the checkpoint codecs' malformed-input tests: random bytes and one- to three-byte mutations
 * of a valid record, half each, with the right magic and version put in front of half the random ones so they get
 * past the envelope. Any exception other than {@link MalformedCheckpointException} fails the calling test.
 */
final class MutatedCheckpoints {

  static final int INPUTS = 50_000;

  private MutatedCheckpoints() {}

  /** How many of {@value #INPUTS} inputs {@code decoder} refused. */
  static int refused(long seed, byte[] valid, byte[] magic, CheckpointWire.Decoder<?> decoder) {
    SplittableRandom rnd = new SplittableRandom(seed);
    int refused = 0;
    for (int i = 0; i < INPUTS; i++) {
      byte[] in;
      if (i % 2 == 0) {
        in = valid.clone();
        for (int m = rnd.nextInt(1, 4); m > 0; m--) {
          in[rnd.nextInt(in.length)] = (byte) rnd.nextInt(256);
        }
      } else {
        in = new byte[rnd.nextInt(0, 400)];
        rnd.nextBytes(in);
        if (in.length > 5 && rnd.nextBoolean()) {
          System.arraycopy(magic, 0, in, 0, magic.length);
          in[magic.length] = 1;
        }
      }
      try {
        decoder.decode(in);
      } catch (MalformedCheckpointException expected) {
        refused++;
      }
    }
    return refused;
  }
}
