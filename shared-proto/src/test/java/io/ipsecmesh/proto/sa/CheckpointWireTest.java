package io.ipsecmesh.proto.sa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.kek.SecretBox;
import io.ipsecmesh.proto.sa.CheckpointWire.Reader;
import io.ipsecmesh.proto.sa.CheckpointWire.Writer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link CheckpointWire}, the format both checkpoint codecs share: every primitive back as written, every
 * malformed length, count, boolean or string refused with a {@link MalformedCheckpointException} naming the field
 * (before anything is allocated for it), the envelope, and the sealed form bound to its key.
 */
class CheckpointWireTest {

  private static final byte[] MAGIC = {'T', 'E', 'S', 'T'};

  private static byte[] sample() {
    Writer w = new Writer();
    w.header(MAGIC, 3);
    w.bool(true);
    w.u16(65_535);
    w.i32(-2);
    w.i64(0x0102_0304_0506_0708L);
    w.str("ü-vpn");
    w.str(null);
    w.bytes(new byte[] {9, 8, 7}, 3, "keys");
    w.bytes(null, 3, "none");
    w.count(2, 5, "things");
    w.childSas(List.of("{\"inboundSpi\":1}", "{}"));
    return w.toByteArray();
  }

  @Test
  void everyPrimitiveReadsBackAsWritten() throws Exception {
    Reader r = new Reader(sample());
    r.header(MAGIC, 3, "test SA");
    assertTrue(r.bool("b"));
    assertEquals(65_535, r.u16("port"));
    assertEquals(-2, r.i32("int"));
    assertEquals(0x0102_0304_0506_0708L, r.i64("long"));
    assertEquals("ü-vpn", r.str("name"));
    assertEquals("", r.str("null is empty"));
    assertArrayEquals(new byte[] {9, 8, 7}, r.bytes(3, "keys"));
    assertArrayEquals(new byte[0], r.bytes(3, "none"));
    assertEquals(2, r.count("things", 5));
    assertEquals(List.of("{\"inboundSpi\":1}", "{}"), r.childSas());
    r.end();
  }

  @Test
  void theEnvelopeRefusesAnotherMagicAnotherVersionAndTrailingBytes() {
    byte[] full = sample();
    MalformedCheckpointException magic = assertThrows(MalformedCheckpointException.class,
        () -> new Reader(full).header(IkeCheckpointCodec.MAGIC, 3, "IKE SA"));
    assertEquals("not an IKE SA checkpoint (bad magic)", magic.getMessage());
    MalformedCheckpointException version = assertThrows(MalformedCheckpointException.class,
        () -> new Reader(full).header(MAGIC, 4, "test SA"));
    assertEquals("test SA checkpoint version 3 (this build reads 4)", version.getMessage());
    Reader r = new Reader(new byte[] {1, 2});
    MalformedCheckpointException trailing = assertThrows(MalformedCheckpointException.class, r::end);
    assertEquals("2 bytes after the last field", trailing.getMessage());
    assertTrue(CheckpointWire.hasMagic(full, MAGIC));
    assertFalse(CheckpointWire.hasMagic(new byte[] {'T', 'E'}, MAGIC), "shorter than the magic");
  }

  @Test
  void everyTruncationNamesTheFieldItStoppedAt() throws Exception {
    byte[] full = sample();
    for (int n = 0; n < full.length; n++) {
      byte[] cut = Arrays.copyOf(full, n);
      MalformedCheckpointException e = assertThrows(MalformedCheckpointException.class, () -> readAll(cut),
          "truncated to " + n);
      assertTrue(e.getMessage().startsWith("truncated at "), e.getMessage());
    }
    readAll(full);
  }

  private static void readAll(byte[] b) throws MalformedCheckpointException {
    Reader r = new Reader(b);
    r.header(MAGIC, 3, "test SA");
    r.bool("b");
    r.u16("port");
    r.i32("int");
    r.i64("long");
    r.str("name");
    r.str("null is empty");
    r.bytes(3, "keys");
    r.bytes(3, "none");
    r.count("things", 5);
    r.childSas();
    r.end();
  }

  /** Lengths read as unsigned: 0xffffffff is 4 GiB, not -1, and is refused by its cap, not by an allocation. */
  @Test
  void lengthsAndCountsAboveTheirCapsAreRefusedBeforeAnyAllocation() {
    MalformedCheckpointException huge = assertThrows(MalformedCheckpointException.class,
        () -> new Reader(new byte[] {-1, -1, -1, -1}).bytes(1024, "keymat"));
    assertEquals("keymat length 4294967295 above 1024", huge.getMessage());
    MalformedCheckpointException overCap = assertThrows(MalformedCheckpointException.class,
        () -> new Reader(new byte[] {0, 0, 0x7f, 0}).bytes(1024, "keymat"));
    assertEquals("keymat length 32512 above 1024", overCap.getMessage());
    MalformedCheckpointException string = assertThrows(MalformedCheckpointException.class,
        () -> new Reader(new byte[] {0x04, 0x01}).str("peerId"));
    assertEquals("peerId of 1025 bytes above " + CheckpointWire.MAX_STRING, string.getMessage());
    MalformedCheckpointException count = assertThrows(MalformedCheckpointException.class,
        () -> new Reader(new byte[] {0x01, 0x01}).childSas());
    assertEquals("childSas count 257 above " + CheckpointWire.MAX_CHILD_SAS, count.getMessage());
    MalformedCheckpointException ids = assertThrows(MalformedCheckpointException.class,
        () -> new Reader(new byte[] {-1, -1}).count("usedMessageIds", 1024));
    assertEquals("usedMessageIds count 65535 above 1024", ids.getMessage());
  }

  @Test
  void aBooleanIsZeroOrOneAndAStringIsUtf8() {
    MalformedCheckpointException bool = assertThrows(MalformedCheckpointException.class,
        () -> new Reader(new byte[] {2}).bool("natDetected"));
    assertEquals("natDetected is not a boolean", bool.getMessage());
    MalformedCheckpointException utf8 = assertThrows(MalformedCheckpointException.class,
        () -> new Reader(new byte[] {0, 2, (byte) 0xc3, 0x28}).str("cryptoMap"));
    assertEquals("cryptoMap is not UTF-8", utf8.getMessage());
  }

  /** What the reader would refuse, the writer does not write: our own bug, reported as one. */
  @Test
  void theWriterRefusesWhatTheReaderWouldRefuse() {
    Writer w = new Writer();
    assertThrows(IllegalArgumentException.class, () -> w.u16(65_536));
    assertThrows(IllegalArgumentException.class, () -> w.str("x".repeat(CheckpointWire.MAX_STRING + 1)));
    assertThrows(IllegalArgumentException.class, () -> w.bytes(new byte[4], 3, "keys"));
    IllegalArgumentException many = assertThrows(IllegalArgumentException.class, () -> w.count(6, 5, "things"));
    assertEquals("more than 5 things", many.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> w.childSas(java.util.Collections.nCopies(CheckpointWire.MAX_CHILD_SAS + 1, "{}")));
  }

  @Test
  void aSealedRecordOpensOnlyUnderItsKeyAndTheOpenedBytesAreZeroed() throws Exception {
    SecretBox box = new SecretBox(IkeCheckpointCodecTest.KEK, IkeCheckpointCodec.SEAL_PURPOSE);
    byte[] plain = sample();
    byte[] copy = plain.clone();
    String sealed = CheckpointWire.seal(box, "k1", plain);
    assertArrayEquals(new byte[plain.length], plain, "the encoding is zeroed once sealed");
    byte[][] seen = new byte[1][];
    assertArrayEquals(copy, CheckpointWire.open(box, "k1", sealed, b -> {
      seen[0] = b;
      return b.clone();
    }));
    assertArrayEquals(new byte[copy.length], seen[0], "the opened bytes are zeroed after decoding");
    MalformedCheckpointException moved = assertThrows(MalformedCheckpointException.class,
        () -> CheckpointWire.open(box, "k2", sealed, b -> b));
    assertTrue(moved.getMessage().startsWith("checkpoint k2: "), moved.getMessage());

    boolean[] destroyed = {false};
    MalformedCheckpointException other = assertThrows(MalformedCheckpointException.class,
        () -> CheckpointWire.requireStoredUnder("k1", "k2", () -> destroyed[0] = true));
    assertEquals("checkpoint stored under k1 is of k2", other.getMessage());
    assertTrue(destroyed[0], "keys zeroed before the refusal");
    CheckpointWire.requireStoredUnder("k1", "k1", () -> {
      throw new AssertionError("not destroyed when it is its own key");
    });
  }
}
