package io.ipsecmesh.proto.ikev1;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.ike.IkeDecodeException.Kind;
import io.ipsecmesh.proto.ike.IkeDecodeException;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.Attribute;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.Delete;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.Hash;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.KeyExchange;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.NatDiscovery;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.NatOriginalAddress;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.Nonce;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.Notification;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.Proposal;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.SecurityAssociation;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.Transform;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.VendorId;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class IsakmpCodecTest {

  private static final HexFormat HEX = HexFormat.of();

  @Test
  void mainModeMessagesOfStrongswanDecodeAndReencodeBitExact() throws Exception {
    List<Ikev1Vectors.Frame> frames = Ikev1Vectors.frames("ikev1-psk-main-dpd");
    assertEquals(11, frames.size(), "9 main/quick mode messages + R-U-THERE + ACK");

    byte[] mm1 = frames.get(0).message();
    IsakmpHeader h = IsakmpCodec.decodeHeader(mm1);
    assertEquals(0xd05a1e706207832eL, h.initiatorCookie());
    assertEquals(0, h.responderCookie());
    assertEquals(IsakmpConstants.EXCH_IDENTITY_PROTECTION, h.exchangeType());
    assertEquals(0, h.messageId());
    PayloadChain c1 = IsakmpCodec.decode(mm1);
    SecurityAssociation sa = c1.first(SecurityAssociation.class);
    assertEquals(IsakmpConstants.DOI_IPSEC, sa.doi());
    assertEquals(IsakmpConstants.SIT_IDENTITY_ONLY, sa.situation());
    Transform t = sa.proposals().getFirst().transforms().getFirst();
    assertEquals(IsakmpConstants.KEY_IKE, t.transformId());
    assertEquals(IsakmpConstants.P1_ENCR_AES_CBC, t.attribute(IsakmpConstants.P1_ENCRYPTION_ALGORITHM).value());
    assertEquals(256, t.attribute(IsakmpConstants.P1_KEY_LENGTH).value());
    assertEquals(IsakmpConstants.P1_HASH_SHA2_256, t.attribute(IsakmpConstants.P1_HASH_ALGORITHM).value());
    assertEquals(IsakmpConstants.P1_AUTH_PRE_SHARED_KEY,
        t.attribute(IsakmpConstants.P1_AUTHENTICATION_METHOD).value());
    assertEquals(14, t.attribute(IsakmpConstants.P1_GROUP_DESCRIPTION).value());
    assertEquals(5, c1.all(VendorId.class).size());
    assertTrue(c1.all(VendorId.class).stream()
        .anyMatch(v -> HEX.formatHex(v.data()).equals("4a131c81070358455c5728f20e95452f")), "RFC 3947 VID");
    assertArrayEquals(mm1, IsakmpCodec.encode(h, c1.payloads()));

    byte[] mm3 = frames.get(2).message();
    PayloadChain c3 = IsakmpCodec.decode(mm3);
    assertEquals(256, c3.first(KeyExchange.class).data().length);
    assertTrue(c3.first(Nonce.class).data().length >= 8);
    assertEquals(2, c3.all(NatDiscovery.class).size());
    assertEquals(32, c3.first(NatDiscovery.class).hash().length, "NAT-D is a SHA-256 hash here");
    assertArrayEquals(mm3, IsakmpCodec.encode(IsakmpCodec.decodeHeader(mm3), c3.payloads()));
    // spans point at the payloads as they are on the wire
    PayloadChain.Span ke = c3.spans().getFirst();
    assertEquals(IsakmpHeader.SIZE, ke.offset());
    assertEquals(4 + 256, ke.length());
    assertEquals(mm3.length, c3.end());

    for (int i = 4; i < frames.size(); i++) {
      IsakmpHeader e = IsakmpCodec.decodeHeader(frames.get(i).message());
      assertTrue(e.encrypted(), "message " + (i + 1) + " is encrypted");
      assertEquals(0, (e.length() - IsakmpHeader.SIZE) % 16, "AES-CBC blocks");
      assertEquals(4500, frames.get(i).dstPort(), "floated to 4500 from MM5 on");
    }
    assertEquals(IsakmpConstants.EXCH_QUICK_MODE, IsakmpCodec.decodeHeader(frames.get(6).message()).exchangeType());
    assertEquals(IsakmpConstants.EXCH_INFORMATIONAL, IsakmpCodec.decodeHeader(frames.get(9).message()).exchangeType());
  }

  @Test
  void allPayloadKindsRoundTrip() throws Exception {
    SecurityAssociation sa = new SecurityAssociation(1, 1, List.of(new Proposal(1, IsakmpConstants.PROTO_IPSEC_ESP,
        HEX.parseHex("c0ffee01"), List.of(new Transform(1, IsakmpConstants.ESP_AES, List.of(
            Attribute.basic(IsakmpConstants.P2_SA_LIFE_TYPE, IsakmpConstants.LIFE_TYPE_SECONDS),
            Attribute.ofLong(IsakmpConstants.P2_SA_LIFE_DURATION, 4_608_000),
            Attribute.basic(IsakmpConstants.P2_KEY_LENGTH, 256))),
            new Transform(2, IsakmpConstants.ESP_AES, List.of(Attribute.basic(IsakmpConstants.P2_KEY_LENGTH, 128)))))));
    Notification rut = new Notification(1, IsakmpConstants.PROTO_ISAKMP, IsakmpConstants.N_R_U_THERE,
        new byte[16], IsakmpCodec.uint32(0xfffffffeL));
    Delete del = new Delete(1, IsakmpConstants.PROTO_IPSEC_ESP, 4,
        List.of(HEX.parseHex("01020304"), HEX.parseHex("0a0b0c0d")));
    List<IsakmpPayload> all = List.of(new Hash(new byte[32]), sa, new Nonce(new byte[32]),
        new IsakmpPayload.Identification(IsakmpConstants.ID_IPV4_ADDR_SUBNET, 0, 0, HEX.parseHex("0a5b0100ffffff00")),
        rut, del, new NatOriginalAddress(IsakmpConstants.ID_IPV4_ADDR, HEX.parseHex("ac1fff01")),
        new IsakmpPayload.Unknown(7, HEX.parseHex("04")));
    IsakmpHeader h = new IsakmpHeader(1, 2, 0, 1, 0, IsakmpConstants.EXCH_INFORMATIONAL, 0, 0x12345678L, 0);
    byte[] wire = IsakmpCodec.encode(h, all);
    PayloadChain back = IsakmpCodec.decode(wire);
    assertEquals(all.size(), back.payloads().size());
    assertArrayEquals(wire, IsakmpCodec.encode(IsakmpCodec.decodeHeader(wire), back.payloads()));
    SecurityAssociation sa2 = back.first(SecurityAssociation.class);
    assertEquals(4_608_000, sa2.proposals().getFirst().transforms().getFirst()
        .attribute(IsakmpConstants.P2_SA_LIFE_DURATION).longValue());
    assertFalse(sa2.proposals().getFirst().transforms().getFirst()
        .attribute(IsakmpConstants.P2_SA_LIFE_DURATION).basic(), "over 16 bits needs the variable form");
    assertEquals(0xfffffffeL, back.first(Notification.class).dpdSequence());
    assertEquals(2, back.first(Delete.class).spis().size());
    assertEquals(0x12345678L, IsakmpCodec.decodeHeader(wire).messageId());
  }

  @Test
  void paddingIsAllowedOnlyWhereAsked() throws Exception {
    byte[] chain = IsakmpCodec.encodeChain(List.of(new Hash(new byte[20])));
    byte[] padded = java.util.Arrays.copyOf(chain, chain.length + 8);
    PayloadChain c = IsakmpCodec.decodeChain(IsakmpConstants.PAYLOAD_HASH, padded, 0, padded.length, true);
    assertEquals(chain.length, c.end());
    IkeDecodeException e = assertThrows(IkeDecodeException.class,
        () -> IsakmpCodec.decodeChain(IsakmpConstants.PAYLOAD_HASH, padded, 0, padded.length, false));
    assertEquals(Kind.BAD_LENGTH, e.kind());
  }

  @Test
  void malformedInputGivesTypedErrors() {
    byte[] v2 = new byte[28];
    v2[0] = 1;
    v2[17] = 0x20;
    IsakmpCodec.putUint32(v2, 24, 28);
    assertEquals(Kind.BAD_VERSION, assertThrows(IkeDecodeException.class, () -> IsakmpCodec.decodeHeader(v2)).kind());
    assertFalse(IsakmpCodec.isIsakmp(v2));
    byte[] v1 = v2.clone();
    v1[17] = 0x10;
    assertTrue(IsakmpCodec.isIsakmp(v1));
    IsakmpCodec.putUint32(v1, 24, 29);
    assertEquals(Kind.TRUNCATED, assertThrows(IkeDecodeException.class, () -> IsakmpCodec.decodeHeader(v1)).kind());
    assertEquals(Kind.TRUNCATED,
        assertThrows(IkeDecodeException.class, () -> IsakmpCodec.decodeHeader(new byte[5])).kind());

    // a delete whose SPI count does not fill its body
    byte[] del = IsakmpCodec.encodeChain(List.of(new Delete(1, 3, 4, List.of(new byte[4]))));
    del[4 + 7] = 2;
    assertEquals(Kind.BAD_LENGTH, assertThrows(IkeDecodeException.class,
        () -> IsakmpCodec.decodeChain(IsakmpConstants.PAYLOAD_D, del, 0, del.length, false)).kind());
    // a proposal payload at top level
    assertEquals(Kind.BAD_VALUE, assertThrows(IkeDecodeException.class,
        () -> IsakmpCodec.decodeChain(IsakmpConstants.PAYLOAD_PROPOSAL, del, 0, del.length, false)).kind());
    // a variable attribute longer than its transform
    byte[] sa = IsakmpCodec.encodeChain(List.of(new SecurityAssociation(1, 1, List.of(new Proposal(1, 1, new byte[0],
        List.of(new Transform(1, 1, List.of(new Attribute(12, false, 0, new byte[4])))))))));
    sa[sa.length - 5] = 9;
    assertEquals(Kind.TRUNCATED, assertThrows(IkeDecodeException.class,
        () -> IsakmpCodec.decodeChain(IsakmpConstants.PAYLOAD_SA, sa, 0, sa.length, false)).kind());
  }
}
