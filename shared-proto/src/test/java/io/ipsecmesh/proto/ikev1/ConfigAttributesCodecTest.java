package io.ipsecmesh.proto.ikev1;

import static io.ipsecmesh.proto.ikev1.IsakmpConstants.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.ike.IkeDecodeException;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.Attribute;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.ConfigAttributes;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.Hash;
import io.ipsecmesh.proto.ikev1.ModeConfigAttributes.ModeConfig;
import io.ipsecmesh.proto.ikev1.ModeConfigAttributes.Network;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Attribute payload of the Transaction exchange (draft-dukes-ike-mode-cfg §3.2) and the Mode Config / Cisco
 * Unity values in it: round trip, the bytes on the wire, and every malformed shape answered with an {@link
 * IkeDecodeException}.
 */
class ConfigAttributesCodecTest {

  private static final IsakmpHeader H = new IsakmpHeader(0x1122334455667788L, 0x99aabbccddeeff00L, 0, 1, 0,
      EXCH_TRANSACTION, 0, 0xa1b2c3d4L, 0);

  @Test
  void anXauthRequestEncodesAsTheDraftLaysItOutAndDecodesBack() throws Exception {
    ConfigAttributes req = new ConfigAttributes(CFG_REQUEST, 0x1234, List.of(Attribute.basic(XAUTH_TYPE,
        XAUTH_TYPE_GENERIC), new Attribute(XAUTH_USER_NAME, false, 0, new byte[0]),
        new Attribute(XAUTH_USER_PASSWORD, false, 0, new byte[0])));
    byte[] body = IsakmpCodec.encodeBody(req);
    // type 1, RESERVED, identifier 0x1234; XAUTH-TYPE basic (AF=1) 0; USER-NAME and PASSWORD empty (AF=0, length 0)
    assertEquals("01001234" + "c0880000" + "40890000" + "408a0000", HexFormat.of().formatHex(body));
    PayloadChain chain = IsakmpCodec.decode(IsakmpCodec.encode(H, List.of(new Hash(new byte[32]), req)));
    ConfigAttributes back = chain.first(ConfigAttributes.class);
    assertEquals(CFG_REQUEST, back.cfgType());
    assertEquals(0x1234, back.identifier());
    assertEquals(XAUTH_TYPE_GENERIC, back.attribute(XAUTH_TYPE).value());
    assertArrayEquals(new byte[0], back.attribute(XAUTH_USER_PASSWORD).data());
    assertNull(back.attribute(XAUTH_STATUS));
  }

  @Test
  void theCorpusModeConfigReplyDecodesToTheUnityValuesStrongswanPushes() throws Exception {
    byte[] msg;
    try (InputStream in = getClass().getResourceAsStream(
        "IsakmpCodecFuzzTestInputs/decode/transaction-mode-config-reply-unity")) {
      msg = in.readAllBytes();
    }
    ConfigAttributes reply = IsakmpCodec.decode(msg).first(ConfigAttributes.class);
    assertEquals(CFG_REPLY, reply.cfgType());
    ModeConfig mc = ModeConfigAttributes.decode(reply.attributes());
    assertEquals(new ModeConfig("10.99.0.1", "255.255.255.255", List.of("10.92.2.53"), List.of(),
        "Welcome to the hub", "corp.example", true, List.of(new Network("10.92.2.0", "255.255.255.0"))), mc);
  }

  @Test
  void malformedAttributePayloadsAreDecodeErrors() {
    // shorter than its 4-byte fixed part
    assertKind(IkeDecodeException.Kind.BAD_LENGTH, attrMessage("0100"));
    // configuration type 0 and 5 do not exist
    assertKind(IkeDecodeException.Kind.BAD_VALUE, attrMessage("00000001"));
    assertKind(IkeDecodeException.Kind.BAD_VALUE, attrMessage("05000001"));
    // an attribute whose length runs past the payload
    assertKind(IkeDecodeException.Kind.TRUNCATED, attrMessage("02000001" + "00010010" + "0a630001"));
    // a half attribute header
    assertKind(IkeDecodeException.Kind.TRUNCATED, attrMessage("02000001" + "0001"));
    // more attributes than a Mode Config reply ever has
    assertKind(IkeDecodeException.Kind.LIMIT_EXCEEDED, attrMessage("02000001" + "80030000".repeat(65)));
  }

  @Test
  void malformedModeConfigValuesAreDecodeErrors() {
    assertThrows(IkeDecodeException.class, () -> ModeConfigAttributes.decode(List.of(
        new Attribute(INTERNAL_IP4_ADDRESS, false, 0, new byte[3]))));
    assertThrows(IkeDecodeException.class, () -> ModeConfigAttributes.decode(List.of(
        Attribute.basic(INTERNAL_IP4_NETMASK, 0xffff))));
    assertThrows(IkeDecodeException.class, () -> ModeConfigAttributes.decode(List.of(
        new Attribute(UNITY_SPLIT_INCLUDE, false, 0, new byte[15]))));
    assertThrows(IkeDecodeException.class, () -> ModeConfigAttributes.decode(List.of(
        Attribute.basic(UNITY_SPLIT_INCLUDE, 1))));
    assertThrows(IkeDecodeException.class, () -> ModeConfigAttributes.decode(List.of(
        new Attribute(UNITY_SAVE_PASSWD, false, 0, new byte[3]))));
    assertThrows(IkeDecodeException.class, () -> ModeConfigAttributes.decode(List.of(
        Attribute.basic(UNITY_BANNER, 1))));
    List<Attribute> many = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      byte[] entries = new byte[14 * 14];
      for (int k = 0; k < 14; k++) {
        entries[k * 14] = 10;
        entries[k * 14 + 1] = (byte) i;
        entries[k * 14 + 2] = (byte) k; // 70 distinct networks 10.i.k.0
      }
      many.add(new Attribute(UNITY_SPLIT_INCLUDE, false, 0, entries));
    }
    IkeDecodeException e = assertThrows(IkeDecodeException.class, () -> ModeConfigAttributes.decode(many));
    assertEquals(IkeDecodeException.Kind.LIMIT_EXCEEDED, e.kind());
  }

  /** strongSwan's pools send network and mask only (8 bytes an entry), IOS 14 bytes with protocol and ports. */
  @Test
  void splitIncludesInBothEntryFormats() throws Exception {
    byte[] cisco = HexFormat.of().parseHex("0a5c0200ffffff00000000000000" + "c0a80000ffff0000000000000000");
    byte[] strongswan = HexFormat.of().parseHex("0a5b0200ffffff00" + "0a5c0000ffff0000" + "ac100000fff00000");
    assertEquals(List.of(new Network("10.92.2.0", "255.255.255.0"), new Network("192.168.0.0", "255.255.0.0")),
        ModeConfigAttributes.decode(List.of(new Attribute(UNITY_SPLIT_INCLUDE, false, 0, cisco))).splitIncludes());
    assertEquals(List.of(new Network("10.91.2.0", "255.255.255.0"), new Network("10.92.0.0", "255.255.0.0"),
        new Network("172.16.0.0", "255.240.0.0")),
        ModeConfigAttributes.decode(List.of(new Attribute(UNITY_SPLIT_INCLUDE, false, 0, strongswan))).splitIncludes());
  }

  @Test
  void bannerTextIsCappedAndLosesControlCharacters() throws Exception {
    byte[] banner = ("line1\nline2\u001b[2J" + "x".repeat(5000)).getBytes(StandardCharsets.UTF_8);
    ModeConfig mc = ModeConfigAttributes.decode(List.of(new Attribute(UNITY_BANNER, false, 0, banner),
        new Attribute(APPLICATION_VERSION, false, 0, "strongSwan".getBytes(StandardCharsets.UTF_8))));
    assertTrue(mc.banner().startsWith("line1\nline2?[2J"), mc.banner());
    assertEquals(ModeConfigAttributes.MAX_TEXT, mc.banner().length());
    assertNull(mc.address(), "an unknown attribute (APPLICATION_VERSION) is skipped");
  }

  @Test
  void aRequestAsksForEmptyValues() {
    List<Attribute> r = ModeConfigAttributes.request(INTERNAL_IP4_ADDRESS, UNITY_BANNER);
    assertEquals(2, r.size());
    assertTrue(r.stream().allMatch(a -> !a.basic() && a.data().length == 0));
  }

  private static byte[] attrMessage(String attrBodyHex) {
    byte[] body = HexFormat.of().parseHex(attrBodyHex);
    byte[] msg = new byte[IsakmpHeader.SIZE + 4 + body.length];
    byte[] head = IsakmpCodec.encode(H.with(PAYLOAD_ATTR, 0, 0), List.of());
    System.arraycopy(head, 0, msg, 0, IsakmpHeader.SIZE);
    msg[16] = (byte) PAYLOAD_ATTR;
    IsakmpCodec.putUint32(msg, 24, msg.length);
    msg[IsakmpHeader.SIZE + 2] = (byte) ((4 + body.length) >> 8);
    msg[IsakmpHeader.SIZE + 3] = (byte) (4 + body.length);
    System.arraycopy(body, 0, msg, IsakmpHeader.SIZE + 4, body.length);
    return msg;
  }

  private static void assertKind(IkeDecodeException.Kind kind, byte[] msg) {
    IkeDecodeException e = assertThrows(IkeDecodeException.class, () -> IsakmpCodec.decode(msg));
    assertEquals(kind, e.kind(), e.getMessage());
  }
}
