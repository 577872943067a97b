package io.ipsecmesh.proto.sa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.kek.Kek;
import io.ipsecmesh.proto.kek.SecretBox;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link IkeCheckpointCodec}: round trip, the sealed form, and malformed input refused field by field. */
class IkeCheckpointCodecTest {

  static final Kek KEK = new Kek(new byte[32], "test");
  static final Kek OTHER_KEK = new Kek(filled(32, 7), "other");

  static IkeCheckpoint sample() {
    byte[] keymat = new byte[3 * 32 + 2 * 20];
    for (int i = 0; i < keymat.length; i++) {
      keymat[i] = (byte) (i * 31 + 1);
    }
    return new IkeCheckpoint(false, 0x1122334455667788L, 0x99aabbccddeeff01L, 1004, 1_700_000_000_000L,
        1_700_086_400_000L, "vpn", 10, "172.31.255.2", 4500, "172.31.255.1", 14500, true, false,
        "gwa.interop.test", 20, 128, 5, 0, 31, keymat, 7, 3, 5, 4, filled(32, 9), filled(120, 3),
        List.of("{\"inboundSpi\":1}", "{\"inboundSpi\":2,\"ü\":\"x\"}"), "ike-2", 12);
  }

  @Test
  void aCheckpointDecodesToWhatWasEncoded() throws Exception {
    IkeCheckpoint c = sample();
    IkeCheckpoint back = IkeCheckpointCodec.decode(IkeCheckpointCodec.encode(c));
    assertEquals(c.ikeSaId(), back.ikeSaId());
    assertArrayEquals(c.keymat(), back.keymat());
    assertArrayEquals(c.lastRequestDigest(), back.lastRequestDigest());
    assertArrayEquals(c.lastResponse(), back.lastResponse());
    // every other component by value
    assertEquals(withoutArrays(c), withoutArrays(back));
  }

  @Test
  void theSealedFormOpensOnlyUnderItsKeyAndTheClusterKek() throws Exception {
    SecretBox box = new SecretBox(KEK, IkeCheckpointCodec.SEAL_PURPOSE);
    IkeCheckpoint c = sample();
    String sealed = IkeCheckpointCodec.seal(box, c);
    assertTrue(sealed.startsWith(SecretBox.PREFIX));
    String hexKeys = HexFormat.of().formatHex(c.keymat(), 0, 16);
    assertFalse(sealed.contains(hexKeys) || sealed.contains(c.peerAddress()), "nothing in clear");
    assertArrayEquals(c.keymat(), IkeCheckpointCodec.open(box, c.ikeSaId(), sealed).keymat());

    MalformedCheckpointException moved = assertThrows(MalformedCheckpointException.class,
        () -> IkeCheckpointCodec.open(box, IkeCheckpoint.idOf(1, 2), sealed));
    assertTrue(moved.getMessage().contains("does not open"), moved.getMessage());
    assertThrows(MalformedCheckpointException.class, () -> IkeCheckpointCodec.open(
        new SecretBox(OTHER_KEK, IkeCheckpointCodec.SEAL_PURPOSE), c.ikeSaId(), sealed));
    assertThrows(MalformedCheckpointException.class, () -> IkeCheckpointCodec.open(box, c.ikeSaId(), "{}"));
  }

  @Test
  void aRecordSealedUnderOneKeyButNamingAnotherSaIsRefused() {
    SecretBox box = new SecretBox(KEK, IkeCheckpointCodec.SEAL_PURPOSE);
    byte[] plain = IkeCheckpointCodec.encode(sample());
    String planted = box.seal(plain, CheckpointWire.associatedData(IkeCheckpoint.idOf(1, 2)));
    MalformedCheckpointException e = assertThrows(MalformedCheckpointException.class,
        () -> IkeCheckpointCodec.open(box, IkeCheckpoint.idOf(1, 2), planted));
    assertTrue(e.getMessage().contains("is of"), e.getMessage());
  }

  @Test
  void everyTruncationIsRefusedWithTheFieldItStoppedAt() {
    byte[] full = IkeCheckpointCodec.encode(sample());
    for (int n = 0; n < full.length; n++) {
      byte[] cut = Arrays.copyOf(full, n);
      MalformedCheckpointException e = assertThrows(MalformedCheckpointException.class,
          () -> IkeCheckpointCodec.decode(cut), "truncated to " + n);
      assertTrue(e.getMessage().startsWith("truncated at") || e.getMessage().contains("magic"), e.getMessage());
    }
    byte[] longer = Arrays.copyOf(full, full.length + 1);
    assertThrows(MalformedCheckpointException.class, () -> IkeCheckpointCodec.decode(longer));
  }

  @Test
  void hugeLengthAndCountFieldsAreRefusedBeforeAnyAllocation() {
    byte[] full = IkeCheckpointCodec.encode(sample());
    int keymatLengthAt = 4 + 1 + 1 + 8 + 8 + 4 + 8 + 8 + (2 + 3) + 4 + (2 + 12) + 2 + (2 + 12) + 2 + 1 + 1
        + (2 + 16) + 5 * 4;
    assertEquals(sample().keymat().length, readInt(full, keymatLengthAt), "layout as documented");
    full[keymatLengthAt] = (byte) 0x7f;
    MalformedCheckpointException e = assertThrows(MalformedCheckpointException.class,
        () -> IkeCheckpointCodec.decode(full));
    assertTrue(e.getMessage().startsWith("keymat length"), e.getMessage());
  }

  /** Random bytes and single-byte mutations of a valid record: only MalformedCheckpointException, never more. */
  @Test
  void randomAndMutatedInputOnlyYieldsMalformedCheckpoint() {
    int refused = MutatedCheckpoints.refused(0x13_01L, IkeCheckpointCodec.encode(sample()), IkeCheckpointCodec.MAGIC,
        IkeCheckpointCodec::decode);
    assertTrue(refused > MutatedCheckpoints.INPUTS / 2, "most random input is refused: " + refused);
  }

  private static List<Object> withoutArrays(IkeCheckpoint c) {
    return List.of(c.initiator(), c.spiI(), c.spiR(), c.connId(), c.createdEpochMillis(), c.rekeyAtEpochMillis(),
        c.cryptoMap(), c.mapSequence(), c.localAddress(), c.localPort(), c.peerAddress(), c.peerPort(),
        c.natDetected(), c.localBehindNat(), c.peerId(), c.encr(), c.keyBits(), c.prf(), c.integ(), c.dhGroup(),
        c.outboundIvCounter(), c.nextRequestId(), c.expectedRequestId(), c.lastResponseId(), c.childSas(),
        c.owner(), c.generation());
  }

  private static int readInt(byte[] b, int at) {
    return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | b[at + 3] & 0xff;
  }

  private static byte[] filled(int n, int v) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) v);
    return b;
  }
}
