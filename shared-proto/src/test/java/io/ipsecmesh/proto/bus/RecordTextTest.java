package io.ipsecmesh.proto.bus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.sa.IkeSaSummary;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The shared maps' text form: what this process wrote comes back as the record it was written from; every other text
 * is decoded and verified in full, so nothing planted or altered is taken from memory.
 */
class RecordTextTest {

  private static ChildSa childSa(long inboundSpi) {
    byte[] in = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    byte[] out = {16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
    return new ChildSa("a:b", 1, "m", 10, inboundSpi, 0x2000, EspTransform.AES_GCM_128, ChildSa.Mode.TUNNEL, true,
        false, 64, "192.0.2.1", 4500, "192.0.2.2", 4500, List.of(), List.of(), null, 0, "copy", in, out, 0L);
  }

  @Test
  void aTextThisProcessWroteReadsBackAsTheRecordItWasWrittenFrom() {
    ChildSa sa = childSa(0x1000);
    String text = RecordText.write(sa);
    assertEquals(RecordJson.toJson(sa).getString("peerAddress"), new JsonObject(text).getString("peerAddress"));
    assertSame(sa, RecordText.read(text, ChildSa.class));
  }

  @Test
  void anotherProcesssTextIsDecodedAndVerified() {
    ChildSa sa = childSa(0x1001);
    String text = RecordJson.toJson(sa).encode(); // as another member writes it: not remembered here
    ChildSa back = RecordText.read(text, ChildSa.class);
    assertNotSame(sa, back);
    assertArrayEquals(sa.wrappedInboundKeys(), back.wrappedInboundKeys());
    assertEquals(sa.inboundSpi(), back.inboundSpi());
  }

  @Test
  void anAlteredCopyOfAWrittenTextIsNotTakenFromMemoryAndIsRefused() {
    String text = RecordText.write(childSa(0x1002));
    String altered = text.replace("\"peerPort\":4500", "\"peerPort\":4501");
    assertTrue(!altered.equals(text), "the port is in the text");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RecordText.read(altered, ChildSa.class));
    // the port is bound into the sealed keys' associated data and into the MAC: refused by the first check
    assertTrue(e.getMessage().contains("does not open") || e.getMessage().contains("$mac"), e.getMessage());
  }

  @Test
  void aWrittenTextReadAsAnotherTypeIsDecodedAsThatType() {
    String text = RecordText.write(childSa(0x1003));
    // the memory answers only for the type it holds; the decode refuses what is not an IkeSaSummary
    assertThrows(RuntimeException.class, () -> RecordText.read(text, IkeSaSummary.class));
  }

  @Test
  void onlyTheLastWrittenTextsAreRemembered() {
    ChildSa first = childSa(0x1004);
    String text = RecordText.write(first);
    for (int i = 0; i < RecordText.REMEMBERED; i++) {
      RecordText.write(childSa(0x2000 + i));
    }
    ChildSa back = RecordText.read(text, ChildSa.class);
    assertNotSame(first, back); // forgotten: decoded again, the same SA
    assertEquals(first.inboundSpi(), back.inboundSpi());
    assertArrayEquals(first.wrappedOutboundKeys(), back.wrappedOutboundKeys());
  }
}
