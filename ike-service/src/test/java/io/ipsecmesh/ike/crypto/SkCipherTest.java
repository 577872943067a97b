package io.ipsecmesh.ike.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ipsecmesh.proto.ikev2.IkeCodec;
import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.ikev2.IkeHeader;
import io.ipsecmesh.proto.ikev2.IkeMessage;
import io.ipsecmesh.proto.ikev2.Payload;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SkCipherTest {

  static Stream<IkeSuite> suites() {
    return Stream.of(
        new IkeSuite(EncrAlgorithm.AES_GCM_16, 128, PrfAlgorithm.HMAC_SHA2_256, null, DhGroup.CURVE25519),
        new IkeSuite(EncrAlgorithm.AES_GCM_16, 256, PrfAlgorithm.HMAC_SHA2_512, null, DhGroup.ECP_384),
        new IkeSuite(EncrAlgorithm.AES_CBC, 128, PrfAlgorithm.HMAC_SHA2_256, IntegAlgorithm.HMAC_SHA2_256_128,
            DhGroup.MODP_2048),
        new IkeSuite(EncrAlgorithm.AES_CBC, 256, PrfAlgorithm.HMAC_SHA2_384, IntegAlgorithm.HMAC_SHA2_384_192,
            DhGroup.ECP_256),
        new IkeSuite(EncrAlgorithm.AES_CBC, 256, PrfAlgorithm.HMAC_SHA2_512, IntegAlgorithm.HMAC_SHA2_512_256,
            DhGroup.ECP_256));
  }

  @ParameterizedTest
  @MethodSource("suites")
  void protectThenOpenRoundTripsAndDetectsTampering(IkeSuite suite) throws Exception {
    IkeSaKeys keys = IkeSaKeys.derive(suite, new byte[32], new byte[32], new byte[32], 1, 2);
    SkCipher tx = keys.initiatorCipher();
    SkCipher rx = keys.initiatorCipher();
    List<Payload> inner = List.of(new Payload.Nonce(new byte[17]),
        Payload.Notify.of(IkeConstants.INITIAL_CONTACT, new byte[0]));
    IkeHeader h = IkeHeader.of(1, 2, IkeConstants.INFORMATIONAL, IkeConstants.FLAG_INITIATOR, 7);
    byte[] wire = tx.protect(h, inner);
    IkeMessage m = IkeCodec.decode(wire);
    assertEquals(7, m.header().messageId());
    List<Payload> back = rx.open(wire, (Payload.Encrypted) m.payloads().getLast());
    assertEquals(2, back.size());
    assertArrayEquals(new byte[17], ((Payload.Nonce) back.get(0)).data());
    // a second message under the same key must not reuse the IV
    byte[] wire2 = tx.protect(h, inner);
    assertNotEquals(java.util.HexFormat.of().formatHex(wire, 32, 40), java.util.HexFormat.of().formatHex(wire2, 32, 40));
    // header bytes are authenticated too
    byte[] tampered = wire.clone();
    tampered[23] ^= 1;
    assertThrows(SkIntegrityException.class,
        () -> rx.open(tampered, (Payload.Encrypted) IkeCodec.decode(tampered).payloads().getLast()));
    // the other direction's key does not open it
    assertThrows(SkIntegrityException.class,
        () -> keys.responderCipher().open(wire, (Payload.Encrypted) m.payloads().getLast()));
    // an empty INFORMATIONAL (DPD) still opens to an empty payload list
    byte[] empty = tx.protect(h, List.of());
    assertEquals(List.of(), rx.open(empty, (Payload.Encrypted) IkeCodec.decode(empty).payloads().getLast()));
  }
}
