package io.ipsecmesh.esp.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.esp.EspHeader;
import io.ipsecmesh.proto.esp.EspNextHeader;
import io.ipsecmesh.proto.sa.EspTransform;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EspSaCryptoRoundTripTest {
  private static final int SPI = 0xC0FFEE01;

  static byte[] key(EspTransform t, long seed) {
    byte[] k = new byte[t.keyMaterialBytes()];
    new Random(seed).nextBytes(k);
    return k;
  }

  @ParameterizedTest
  @EnumSource(EspTransform.class)
  void sealThenOpenRestoresEveryLength(EspTransform t) {
    for (boolean esn : new boolean[] {false, true}) {
      EspSaCrypto out = EspSaCrypto.create(t, key(t, 1), SPI, esn);
      EspSaCrypto in = EspSaCrypto.create(t, key(t, 1), SPI, esn);
      Random rnd = new Random(7);
      long seq = esn ? 0xFFFF_FFF0L : 1;
      for (int len = 0; len <= 300; len++, seq++) {
        byte[] payload = new byte[len];
        rnd.nextBytes(payload);
        byte[] buf = new byte[out.headroom() + len + out.maxTailroom() + 5];
        int payloadOff = out.headroom() + 2;
        buf = Arrays.copyOf(buf, buf.length + 2);
        System.arraycopy(payload, 0, buf, payloadOff, len);
        int espLen = out.seal(seq, buf, payloadOff, len, EspNextHeader.IPV4);
        assertEquals(out.sealedLength(len), espLen, "sealed length");
        int espOff = payloadOff - out.headroom();
        assertEquals(SPI, EspHeader.readSpi(buf, espOff));
        assertEquals(seq & 0xFFFF_FFFFL, EspHeader.readSeqLow(buf, espOff));
        assertEquals(0, (espLen - out.headroom() - t.icvBytes) % (t.aead ? 4 : t.ivBytes), "block aligned");
        int ptLen = in.open(buf, espOff, espLen, seq);
        assertEquals(len, ptLen, () -> EspSaCrypto.errorName(in.open(new byte[0], 0, 0, 1)));
        assertArrayEquals(payload, Arrays.copyOfRange(buf, in.plaintextOffset(espOff), in.plaintextOffset(espOff) + ptLen));
        assertEquals(EspNextHeader.IPV4, in.lastNextHeader());
      }
    }
  }

  @ParameterizedTest
  @EnumSource(EspTransform.class)
  void sealRefusesRepeatedOrOutOfSpaceSequenceNumbers(EspTransform t) {
    EspSaCrypto out = EspSaCrypto.create(t, key(t, 2), SPI, false);
    byte[] buf = new byte[200];
    assertEquals(EspSaCrypto.SEQ_EXHAUSTED, out.seal(0, buf, out.headroom(), 10, 4));
    assertTrue(out.seal(5, buf, out.headroom(), 10, 4) > 0);
    assertEquals(EspSaCrypto.SEQ_EXHAUSTED, out.seal(5, buf, out.headroom(), 10, 4));
    assertEquals(EspSaCrypto.SEQ_EXHAUSTED, out.seal(4, buf, out.headroom(), 10, 4));
    assertEquals(EspSaCrypto.SEQ_EXHAUSTED, out.seal(1L << 32, buf, out.headroom(), 10, 4));
    assertTrue(out.seal(0xFFFF_FFFFL, buf, out.headroom(), 10, 4) > 0);
    assertEquals(EspSaCrypto.NO_ROOM, EspSaCrypto.create(t, key(t, 2), SPI, false).seal(1, buf, out.headroom() - 1, 10, 4));
    int tooLong = 0;
    while (out.sealedLength(tooLong) <= buf.length) {
      tooLong++;
    }
    assertEquals(EspSaCrypto.NO_ROOM, EspSaCrypto.create(t, key(t, 2), SPI, false).seal(1, buf, out.headroom(), tooLong, 4));
    assertTrue(out.sealedLength(tooLong - 1) <= buf.length);
    assertTrue(EspSaCrypto.create(t, key(t, 2), SPI, false).seal(1, buf, out.headroom(), tooLong - 1, 4) > 0);
    assertEquals(EspSaCrypto.NO_ROOM, EspSaCrypto.create(t, key(t, 2), SPI, false).seal(1, buf, out.headroom(), -1, 4));
    assertEquals(EspSaCrypto.NO_ROOM, EspSaCrypto.create(t, key(t, 2), SPI, false).seal(1, buf, out.headroom(), 10, 256));
  }

  @ParameterizedTest
  @EnumSource(EspTransform.class)
  void maxPayloadIsTheLargestThatFits(EspTransform t) {
    EspSaCrypto c = EspSaCrypto.create(t, key(t, 6), SPI, false);
    for (int espBytes = 0; espBytes <= 1500; espBytes++) {
      int max = c.maxPayload(espBytes);
      if (max < 0) {
        assertEquals(-1, max);
        assertTrue(c.sealedLength(0) > espBytes, "nothing fits in " + espBytes);
        continue;
      }
      assertTrue(c.sealedLength(max) <= espBytes, "fits");
      assertTrue(c.sealedLength(max + 1) > espBytes, "largest");
      assertTrue(c.tailroom(max) <= c.maxTailroom());
    }
    assertEquals(-1, c.maxPayload(10));
    assertEquals(c.sealedLength(0), c.sealedLength(c.maxPayload(c.sealedLength(0))), "padding absorbs the extra bytes");
  }

  @ParameterizedTest
  @EnumSource(EspTransform.class)
  void hugeLengthsAreRefusedNotThrown(EspTransform t) {
    EspSaCrypto c = EspSaCrypto.create(t, key(t, 7), SPI, false);
    byte[] buf = new byte[100];
    assertEquals(EspSaCrypto.NO_ROOM, c.seal(1, buf, c.headroom(), Integer.MAX_VALUE - 1, 4));
    assertEquals(EspSaCrypto.NO_ROOM, c.seal(1, null, c.headroom(), 1, 4));
    assertEquals(EspSaCrypto.TOO_SHORT, c.open(buf, 50, Integer.MAX_VALUE, 1));
  }

  @ParameterizedTest
  @EnumSource(EspTransform.class)
  void tamperedPacketIsRejectedWithoutPlaintext(EspTransform t) {
    EspSaCrypto out = EspSaCrypto.create(t, key(t, 3), SPI, true);
    byte[] payload = "secret inner packet, must never appear after a forged ICV".getBytes();
    for (int flip = 0; flip < 200; flip += 7) {
      EspSaCrypto in = EspSaCrypto.create(t, key(t, 3), SPI, true);
      byte[] buf = new byte[256];
      System.arraycopy(payload, 0, buf, out.headroom(), payload.length);
      int espLen = out.seal(100 + flip, buf, out.headroom(), payload.length, 17);
      if (flip >= espLen) {
        break;
      }
      if (flip < 8) {
        continue; // SPI and sequence bytes are checked before the ICV (SPI_MISMATCH / SEQ_MISMATCH)
      }
      buf[flip] ^= 0x01;
      assertEquals(EspSaCrypto.ICV_FAIL, in.open(buf, 0, espLen, 100 + flip), "bit flipped at " + flip);
      assertFalse(contains(buf, payload), "plaintext exposed after a forged ICV");
    }
  }

  @ParameterizedTest
  @EnumSource(EspTransform.class)
  void esnHighHalfIsAuthenticatedButNotSent(EspTransform t) {
    EspSaCrypto out = EspSaCrypto.create(t, key(t, 4), SPI, true);
    EspSaCrypto in = EspSaCrypto.create(t, key(t, 4), SPI, true);
    byte[] buf = new byte[128];
    long seq = 0x0000_0003_0000_0010L;
    int espLen = out.seal(seq, buf, out.headroom(), 20, 41);
    assertEquals(0x10, EspHeader.readSeqLow(buf, 0));
    assertEquals(EspSaCrypto.ICV_FAIL, in.open(buf.clone(), 0, espLen, 0x0000_0002_0000_0010L));
    assertEquals(20, in.open(buf, 0, espLen, seq));
    assertEquals(41, in.lastNextHeader());
  }

  @ParameterizedTest
  @EnumSource(EspTransform.class)
  void destroyedTransformRefusesWork(EspTransform t) {
    EspSaCrypto c = EspSaCrypto.create(t, key(t, 5), SPI, false);
    byte[] buf = new byte[128];
    int espLen = c.seal(1, buf, c.headroom(), 20, 4);
    c.destroy();
    c.destroy();
    assertTrue(c.isDestroyed());
    assertEquals(EspSaCrypto.DESTROYED, c.seal(2, buf, c.headroom(), 20, 4));
    assertEquals(EspSaCrypto.DESTROYED, c.open(buf, 0, espLen, 1));
  }

  static boolean contains(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
