package io.ipsecmesh.proto.bus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.config.Ikev2KeyringPeer;
import io.ipsecmesh.proto.config.IsakmpKey;
import io.ipsecmesh.proto.config.SessionKey;
import io.ipsecmesh.proto.kek.SecretBox;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Secrets of the model ({@code @Sealed} components) leave the JVM only sealed under the KEK, bound to
 * their record: altered, moved to another record, or replaced by a clear value, they fail the record.
 */
class SealedComponentsTest {

  @Test
  void aPreSharedKeyIsSealedOnTheWireAndOpensBackInMemory() {
    IsakmpKey k = new IsakmpKey("s3cret-psk", "192.0.2.2", null);
    JsonObject json = RecordJson.toJson(k);
    assertFalse(json.encode().contains("s3cret-psk"), json.encode());
    assertTrue(json.getString("key").startsWith(SecretBox.PREFIX));
    assertEquals(k, RecordJson.fromJson(json, IsakmpKey.class));
    // a random nonce per seal: the same key twice gives two texts
    assertFalse(json.getString("key").equals(RecordJson.toJson(k).getString("key")));
  }

  @Test
  void tamperingMovingOrWritingTheSecretInClearIsDetected() {
    JsonObject json = RecordJson.toJson(new IsakmpKey("s3cret-psk", "192.0.2.2", null));
    String sealed = json.getString("key");
    String altered = sealed.substring(0, 30) + (sealed.charAt(30) == 'A' ? 'B' : 'A') + sealed.substring(31);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RecordJson.fromJson(json.copy().put("key", altered), IsakmpKey.class));
    assertTrue(e.getMessage().contains("sealed secret does not open"), e.getMessage());
    assertFalse(e.getMessage().contains("s3cret"));
    // the same sealed key moved to another peer address: the associated data differs
    assertThrows(IllegalArgumentException.class,
        () -> RecordJson.fromJson(json.copy().put("address", "192.0.2.99"), IsakmpKey.class));
    // or moved into another record's field
    JsonObject peer = RecordJson.toJson(new Ikev2KeyringPeer("p", "192.0.2.2", null, "a", "b"));
    assertThrows(IllegalArgumentException.class,
        () -> RecordJson.fromJson(peer.copy().put("localKey", sealed), Ikev2KeyringPeer.class));
    // a clear value where a sealed one belongs is refused, never taken as the key
    assertThrows(IllegalArgumentException.class,
        () -> RecordJson.fromJson(json.copy().put("key", "planted"), IsakmpKey.class));
  }

  @Test
  void manualSessionKeysAndTheLocalAndRemoteKeysOfAKeyringPeerAreSealedSeparately() {
    SessionKey s = new SessionKey(300, "00112233445566778899aabbccddeeff", null);
    JsonObject json = RecordJson.toJson(s);
    assertFalse(json.encode().contains("0011223344"), json.encode());
    assertEquals(s, RecordJson.fromJson(json, SessionKey.class));
    JsonObject peer = RecordJson.toJson(new Ikev2KeyringPeer("p", "192.0.2.2", null, "local-k", "remote-k"));
    // swapping the local and the remote key is detected: the component name is bound too
    JsonObject swapped = peer.copy().put("localKey", peer.getString("remoteKey")).put("remoteKey", peer.getString("localKey"));
    assertThrows(IllegalArgumentException.class, () -> RecordJson.fromJson(swapped, Ikev2KeyringPeer.class));
  }

  @Test
  void childSaKeysAreSealedAndBoundToTheirSpis() {
    byte[] in = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    byte[] out = {16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
    ChildSa sa = new ChildSa("a:b", 1, "m", 10, 0x1000, 0x2000, EspTransform.AES_GCM_128, ChildSa.Mode.TUNNEL, true,
        false, 64, "192.0.2.1", 4500, "192.0.2.2", 4500, List.of(), List.of(), null, 0, "copy", in, out, 0L);
    JsonObject json = RecordJson.toJson(sa);
    ChildSa back = RecordJson.fromJson(json, ChildSa.class);
    assertArrayEquals(in, back.wrappedInboundKeys());
    assertArrayEquals(out, back.wrappedOutboundKeys());
    // the keys of SA 0x1000 put under another SPI do not open there
    assertThrows(IllegalArgumentException.class, () -> RecordJson.fromJson(json.copy().put("inboundSpi", 0x1001),
        ChildSa.class));
  }

  @Test
  void theMacFormOfARecordIsTheSameBeforeAndAfterTheWire() {
    io.ipsecmesh.proto.config.GatewayConfig c = io.ipsecmesh.proto.config.GatewayConfig.empty();
    ConfigMessages.ConfigChanged m = new ConfigMessages.ConfigChanged(3, c);
    ConfigMessages.ConfigChanged wire = RecordJson.fromJson(RecordJson.toJson(m), ConfigMessages.ConfigChanged.class);
    assertEquals(RecordJson.normalized(m).encode(), RecordJson.normalized(wire).encode());
    // secrets are in it in clear: it is MAC input only, never sent
    IsakmpKey k = new IsakmpKey("s3cret-psk", "192.0.2.2", null);
    assertEquals(RecordJson.normalized(k).encode(),
        RecordJson.normalized(RecordJson.fromJson(RecordJson.toJson(k), IsakmpKey.class)).encode());
  }

  record Inner(List<String> items) {}

  record Outer(String name, List<String> tags, java.util.Map<String, List<String>> byName, Inner inner,
      List<List<String>> rows, List<Inner> inners) {}

  @Test
  void theMacFormWritesANullListOrMapAsTheWireReadsIt() {
    java.util.Map<String, List<String>> byName = new java.util.LinkedHashMap<>();
    byName.put("none", null);
    byName.put("one", List.of("x"));
    List<List<String>> rows = new java.util.ArrayList<>();
    rows.add(null);
    rows.add(List.of("y"));
    List<Inner> inners = new java.util.ArrayList<>();
    inners.add(new Inner(null));
    inners.add(null);
    Outer built = new Outer("a", null, byName, new Inner(null), rows, inners);
    Outer offTheWire = RecordJson.fromJson(RecordJson.toJson(built), Outer.class);
    String expected = "{\"name\":\"a\",\"tags\":[],\"byName\":{\"none\":[],\"one\":[\"x\"]},"
        + "\"inner\":{\"items\":[]},\"rows\":[[],[\"y\"]],\"inners\":[{\"items\":[]},null]}";
    assertEquals(expected, RecordJson.normalized(built).encode());
    assertEquals(expected, RecordJson.normalized(offTheWire).encode());
    // the wire's own form of what was built: what the MAC form was made of by a round trip before
    assertEquals(expected, RecordJson.canonical(offTheWire).encode());
    Outer empty = new Outer(null, null, null, null, null, null);
    assertEquals("{\"tags\":[],\"byName\":{},\"rows\":[],\"inners\":[]}", RecordJson.normalized(empty).encode());
    assertEquals(RecordJson.normalized(empty).encode(),
        RecordJson.canonical(RecordJson.fromJson(RecordJson.toJson(empty), Outer.class)).encode());
  }

  @Test
  void stateRecordsCarryAMacAndAPlantedOrAlteredOneIsRefused() {
    io.ipsecmesh.proto.config.GatewayConfig c = io.ipsecmesh.proto.config.GatewayConfig.empty();
    JsonObject json = RecordJson.toJson(c);
    assertTrue(json.containsKey(RecordJson.MAC_MEMBER));
    assertEquals(c, RecordJson.fromJson(json, io.ipsecmesh.proto.config.GatewayConfig.class));
    // altered: one setting changed, MAC kept
    JsonObject altered = json.copy().put("natKeepaliveSeconds", 5);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RecordJson.fromJson(altered, io.ipsecmesh.proto.config.GatewayConfig.class));
    assertEquals("GatewayConfig: $mac does not verify (altered, planted, or written under another KEK)", e.getMessage());
    // planted: written without the MAC
    JsonObject planted = json.copy();
    planted.remove(RecordJson.MAC_MEMBER);
    assertEquals("GatewayConfig: no $mac (altered, planted, or written under another KEK)", assertThrows(
        IllegalArgumentException.class, () -> RecordJson.fromJson(planted, io.ipsecmesh.proto.config.GatewayConfig.class))
        .getMessage());
    // records that are no state of the cluster carry none
    assertFalse(RecordJson.toJson(new IsakmpKey("k", "192.0.2.2", null)).containsKey(RecordJson.MAC_MEMBER));
  }
}
