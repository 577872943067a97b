package io.ipsecmesh.proto.ikev2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.ike.IkeDecodeException;
import io.ipsecmesh.proto.ikev2.Payload.Notify;
import io.ipsecmesh.proto.ikev2.Payload.Proposal;
import io.ipsecmesh.proto.ikev2.Payload.SecurityAssociation;
import io.ipsecmesh.proto.ikev2.Payload.Selector;
import io.ipsecmesh.proto.ikev2.Payload.Transform;
import io.ipsecmesh.proto.ikev2.StrongswanVectors.IkeFrame;
import java.util.List;
import org.junit.jupiter.api.Test;

class IkeCodecTest {

  @Test
  void decodesStrongswanIkeSaInitAndReencodesByteForByte() throws Exception {
    List<IkeFrame> frames = StrongswanVectors.ikeFrames("ikev2-psk-gcm-dpd");
    IkeMessage req = IkeCodec.decode(frames.get(0).message());
    assertEquals(IkeConstants.IKE_SA_INIT, req.header().exchangeType());
    assertEquals(0x60041a62f85a7d0aL, req.header().initiatorSpi());
    assertEquals(0, req.header().responderSpi());
    assertTrue(req.header().isFromInitiator());
    SecurityAssociation sa = req.first(SecurityAssociation.class).orElseThrow();
    Proposal p = sa.proposals().get(0);
    assertEquals(IkeConstants.PROTO_IKE, p.protocolId());
    Transform encr = p.transforms().get(0);
    assertEquals(IkeConstants.ENCR_AES_GCM_16, encr.transformId());
    assertEquals(128, encr.keyLength());
    assertEquals(IkeConstants.DH_CURVE25519, req.first(Payload.KeyExchange.class).orElseThrow().dhGroup());
    assertEquals(32, req.first(Payload.KeyExchange.class).orElseThrow().data().length);
    assertTrue(req.notify(IkeConstants.NAT_DETECTION_SOURCE_IP).isPresent());
    assertEquals(20, req.notify(IkeConstants.NAT_DETECTION_DESTINATION_IP).orElseThrow().data().length);

    IkeMessage resp = IkeCodec.decode(frames.get(1).message());
    assertTrue(resp.header().isResponse());
    assertEquals(0xf0bb701cc88a17f4L, resp.header().responderSpi());
    for (IkeFrame f : frames) {
      assertArrayEquals(f.message(), IkeCodec.encode(IkeCodec.decode(f.message())), "frame " + f.index());
    }
  }

  @Test
  void everyIkev2MessageOfEveryCaptureRoundTrips() throws Exception {
    int n = 0;
    for (String capture : StrongswanVectors.IKEV2_CAPTURES) {
      for (IkeFrame f : StrongswanVectors.ikeFrames(capture)) {
        IkeMessage m = IkeCodec.decode(f.message());
        assertArrayEquals(f.message(), IkeCodec.encode(m), capture + " frame " + f.index());
        if (m.header().exchangeType() != IkeConstants.IKE_SA_INIT) {
          assertInstanceOf(Payload.Encrypted.class, m.payloads().getLast());
        }
        n++;
      }
    }
    assertTrue(n >= 18, "IKE messages found: " + n);
  }

  @Test
  void encodesAndDecodesEveryPayloadKind() throws Exception {
    List<Payload> payloads = List.of(
        new SecurityAssociation(List.of(new Proposal(1, IkeConstants.PROTO_ESP, new byte[] {1, 2, 3, 4},
            List.of(Transform.withKeyLength(IkeConstants.TRANSFORM_ENCR, IkeConstants.ENCR_AES_CBC, 256),
                Transform.of(IkeConstants.TRANSFORM_INTEG, IkeConstants.AUTH_HMAC_SHA2_256_128),
                Transform.of(IkeConstants.TRANSFORM_ESN, IkeConstants.ESN_NO))))),
        new Payload.KeyExchange(19, new byte[64]),
        new Payload.Nonce(new byte[32]),
        new Payload.Identification(true, IkeConstants.ID_FQDN, "gwa.interop.test".getBytes()),
        new Payload.Certificate(4, new byte[] {9}),
        new Payload.CertificateRequest(4, new byte[20]),
        new Payload.Authentication(IkeConstants.AUTH_SHARED_KEY_MIC, new byte[32]),
        new Notify(IkeConstants.PROTO_ESP, new byte[] {0, 0, 0, 7}, IkeConstants.REKEY_SA, new byte[0]),
        new Payload.Delete(IkeConstants.PROTO_ESP, 4, List.of(new byte[] {1, 2, 3, 4}, new byte[] {5, 6, 7, 8})),
        new Payload.VendorId(new byte[] {1, 2}),
        new Payload.TrafficSelectors(false, List.of(new Selector(IkeConstants.TS_IPV4_ADDR_RANGE, 0, 0, 65535,
            new byte[] {10, 91, 2, 0}, new byte[] {10, 91, 2, (byte) 255}))),
        new Payload.Unknown(200, true, new byte[] {1}));
    IkeMessage m = new IkeMessage(IkeHeader.of(1, 2, IkeConstants.CREATE_CHILD_SA, IkeConstants.FLAG_INITIATOR, 5),
        payloads);
    byte[] wire = IkeCodec.encode(m);
    IkeMessage back = IkeCodec.decode(wire);
    assertEquals(payloads.size(), back.payloads().size());
    assertArrayEquals(wire, IkeCodec.encode(back));
    assertEquals(256, back.first(SecurityAssociation.class).orElseThrow().proposals().get(0).transforms().get(0)
        .keyLength());
    assertEquals(2, back.first(Payload.Delete.class).orElseThrow().spis().size());
    assertTrue(((Payload.Unknown) back.payloads().getLast()).critical());
    assertEquals(5, back.header().messageId());
  }

  @Test
  void rejectsWithTypedErrors() {
    byte[] msg = StrongswanVectors.ikeFrames("ikev2-psk-gcm-dpd").get(0).message();
    byte[] v1 = msg.clone();
    v1[17] = 0x10;
    assertEquals(IkeDecodeException.Kind.BAD_VERSION, assertThrows(IkeDecodeException.class,
        () -> IkeCodec.decode(v1)).kind());
    byte[] shortened = java.util.Arrays.copyOf(msg, msg.length - 1);
    assertEquals(IkeDecodeException.Kind.TRUNCATED, assertThrows(IkeDecodeException.class,
        () -> IkeCodec.decode(shortened)).kind());
    byte[] longer = java.util.Arrays.copyOf(msg, msg.length + 3);
    assertEquals(IkeDecodeException.Kind.BAD_LENGTH, assertThrows(IkeDecodeException.class,
        () -> IkeCodec.decode(longer)).kind());
    assertEquals(IkeDecodeException.Kind.TRUNCATED, assertThrows(IkeDecodeException.class,
        () -> IkeCodec.decode(new byte[3])).kind());
  }
}
