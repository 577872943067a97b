package io.ipsecmesh.proto.ikev2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.ike.IkeDecodeException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Encrypted Fragment payload (RFC 7383 §2.5, SKF = 53) and IKEV2_FRAGMENTATION_SUPPORTED (§2.3, 16430): wire
 * layout, the next-payload rules, and the validity checks of §2.6 the codec makes before any cryptography.
 */
class EncryptedFragmentCodecTest {

  private static final IkeHeader H = IkeHeader.of(0x1122334455667788L, 0x99aabbccddeeff00L, IkeConstants.IKE_AUTH,
      IkeConstants.FLAG_INITIATOR, 1);

  private static byte[] fragment(int firstInner, int number, int total, byte[] body) {
    return IkeCodec.encode(new IkeMessage(H, List.of(new Payload.EncryptedFragment(firstInner, number, total, body))));
  }

  @Test
  void anSkfPayloadIsItsNumbersThenIvCiphertextAndIcv() throws Exception {
    byte[] body = new byte[40];
    for (int i = 0; i < body.length; i++) {
      body[i] = (byte) i;
    }
    byte[] wire = fragment(IkeConstants.PT_IDI, 1, 3, body);
    assertEquals(IkeConstants.PT_SKF, wire[16] & 0xff, "the header names SKF as the first payload");
    assertEquals(IkeConstants.PT_IDI, wire[28] & 0xff, "fragment 1's next payload is the first inner payload");
    assertEquals(4 + 4 + body.length, IkeCodec.getUint16(wire, 30));
    assertEquals(1, IkeCodec.getUint16(wire, 32));
    assertEquals(3, IkeCodec.getUint16(wire, 34));
    IkeMessage m = IkeCodec.decode(wire);
    Payload.EncryptedFragment f = (Payload.EncryptedFragment) m.payloads().getLast();
    assertEquals(new Payload.EncryptedFragment(IkeConstants.PT_IDI, 1, 3, body).fragmentNumber(), f.fragmentNumber());
    assertEquals(3, f.totalFragments());
    assertEquals(IkeConstants.PT_IDI, f.firstInner());
    assertArrayEquals(body, f.body());
  }

  @Test
  void laterFragmentsCarryNoNextPayload() throws Exception {
    Payload.EncryptedFragment f = (Payload.EncryptedFragment) IkeCodec.decode(fragment(0, 3, 3, new byte[32]))
        .payloads().getLast();
    assertEquals(0, f.firstInner());
    assertEquals(3, f.fragmentNumber());
  }

  @Test
  void numbersOutsideOneToTotalAreRefusedBeforeAnyCryptography() {
    for (int[] bad : new int[][] {{0, 1}, {1, 0}, {0, 0}, {4, 3}, {0xffff, 1}}) {
      IkeDecodeException e = assertThrows(IkeDecodeException.class,
          () -> IkeCodec.decode(fragment(0, bad[0], bad[1], new byte[32])), bad[0] + "/" + bad[1]);
      assertEquals(IkeDecodeException.Kind.BAD_VALUE, e.kind());
    }
  }

  @Test
  void anSkfTooShortForItsNumbersIsTruncated() {
    byte[] wire = fragment(0, 1, 1, new byte[0]);
    byte[] cut = java.util.Arrays.copyOf(wire, wire.length - 2);
    IkeCodec.putUint32(cut, 24, cut.length);
    cut[31] = 6; // SKF length 6: two bytes short of Fragment Number and Total Fragments
    IkeDecodeException e = assertThrows(IkeDecodeException.class, () -> IkeCodec.decode(cut));
    assertEquals(IkeDecodeException.Kind.TRUNCATED, e.kind());
  }

  @Test
  void skfEndsTheChainLikeSk() throws Exception {
    byte[] wire = fragment(IkeConstants.PT_AUTH, 1, 1, new byte[24]);
    IkeMessage m = IkeCodec.decode(wire);
    assertEquals(1, m.payloads().size(), "the next-payload field of SKF names an inner payload, not a following one");
    assertThrows(IllegalArgumentException.class, () -> IkeCodec.encode(new IkeMessage(H, List.of(
        new Payload.EncryptedFragment(0, 1, 1, new byte[8]), new Payload.Nonce(new byte[16])))));
  }

  @Test
  void fragmentationSupportedIsAnEmptyStatusNotify() throws Exception {
    byte[] wire = IkeCodec.encode(new IkeMessage(H, List.of(
        Payload.Notify.of(IkeConstants.IKEV2_FRAGMENTATION_SUPPORTED, new byte[0]))));
    assertEquals(28 + 8, wire.length, "protocol 0, SPI size 0, no data (§2.3)");
    assertEquals(16430, IkeCodec.getUint16(wire, 34));
    Payload.Notify n = IkeCodec.decode(wire).notify(16430).orElseThrow();
    assertTrue(!n.isError() && n.data().length == 0 && n.spi().length == 0 && n.protocolId() == 0);
  }
}
