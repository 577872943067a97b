package io.ipsecmesh.esp.crypto;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.sa.EspTransform;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * open() on hostile input — random bytes, truncations, bit flips, lying offsets and sequence
 * numbers — must answer with an error code, never an exception, and must accept only the
 * untouched packet.
 */
class EspOpenFuzzTest {
  private static final int SPI = 0x2b79cc32;

  @ParameterizedTest
  @EnumSource(EspTransform.class)
  void hostileInputYieldsOnlyErrorCodes(EspTransform t) {
    Random rnd = new Random(t.ordinal() * 31L + 1);
    byte[] km = EspSaCryptoRoundTripTest.key(t, 9);
    EspSaCrypto out = EspSaCrypto.create(t, km, SPI, true);
    EspSaCrypto in = EspSaCrypto.create(t, km, SPI, true);
    int accepted = 0;
    int iterations = 4000;
    for (int i = 0; i < iterations; i++) {
      long seq = (5L << 32) + 1 + i;
      int payloadLen = rnd.nextInt(200);
      byte[] buf = new byte[out.sealedLength(payloadLen) + rnd.nextInt(8)];
      rnd.nextBytes(buf);
      int espLen = out.seal(seq, buf, out.headroom(), payloadLen, 4);
      assertEquals(out.sealedLength(payloadLen), espLen);
      byte[] pristine = buf.clone();
      int off = 0;
      int len = espLen;
      long claimedSeq = seq;
      boolean intact = false;
      switch (rnd.nextInt(7)) {
        case 0 -> len = rnd.nextInt(espLen); // truncated
        case 1 -> buf[rnd.nextInt(espLen)] ^= (byte) (1 << rnd.nextInt(8)); // one bit flipped
        case 2 -> rnd.nextBytes(buf); // pure noise
        case 3 -> { // lying bounds
          off = rnd.nextInt(buf.length + 3) - 1;
          len = rnd.nextInt(buf.length + 3) - 1;
        }
        case 4 -> claimedSeq = rnd.nextLong(); // wrong inferred sequence number
        case 5 -> { // valid ICV impossible, but trailer fields random: noise after a real header
          System.arraycopy(pristine, 0, buf, 0, 8);
          for (int b = 8; b < espLen; b++) {
            buf[b] = (byte) rnd.nextInt();
          }
        }
        default -> intact = true;
      }
      int[] result = new int[1];
      final int o = off;
      final int l = len;
      final long s = claimedSeq;
      byte[] target = buf;
      assertDoesNotThrow(() -> result[0] = in.open(target, o, l, s));
      if (intact) {
        assertEquals(payloadLen, result[0], EspSaCrypto.errorName(result[0]));
        accepted++;
      } else if (result[0] >= 0) {
        // only an untouched packet may open: a flip in the random slack after espLen is harmless
        assertTrue(Arrays.equals(pristine, 0, espLen, buf, 0, espLen) && o == 0 && l == espLen && s == seq,
            "forged input accepted");
      } else {
        assertTrue(result[0] > EspSaCrypto.CRYPTO_ERROR,
            "defined error code, no provider failure: " + EspSaCrypto.errorName(result[0]));
      }
    }
    assertTrue(accepted > iterations / 10, "intact packets were opened");
    assertEquals(EspSaCrypto.TOO_SHORT, in.open(null, 0, 10, 1));
    assertEquals(EspSaCrypto.TOO_SHORT, in.open(new byte[0], 0, 0, 1));
  }
}
