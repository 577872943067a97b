package io.ipsecmesh.proto.bus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.sa.TrafficSelector;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordCodecTest {

  @Test
  void childSaSurvivesTheClusterWire() {
    ChildSa sa = new ChildSa("0102:0304", 2001, "green", 10, 0xfeedbeefL, 0x01020304L,
        EspTransform.AES_GCM_128, ChildSa.Mode.TUNNEL, true, false, 1024, "192.0.2.1", 4500,
        "198.51.100.2", 4500, List.of(TrafficSelector.anyPorts("10.0.1.0", "10.0.1.255")),
        List.of(TrafficSelector.anyPorts("10.0.2.0", "10.0.2.255")),
        new ChildSa.Lifetime(3240, 3600, 4147200, 4608000), 0, "copy", new byte[] {1, 2, 3}, new byte[] {4},
        1234L);
    RecordCodec<SaMessages.ChildSaInstalled> codec = new RecordCodec<>(SaMessages.ChildSaInstalled.class);
    Buffer wire = Buffer.buffer().appendString("xx");
    codec.encodeToWire(wire, new SaMessages.ChildSaInstalled(sa));
    ChildSa back = codec.decodeFromWire(2, wire).sa();
    assertEquals(sa.connectionId(), back.connectionId());
    assertEquals(sa.inboundSpi(), back.inboundSpi());
    assertEquals(sa.localSelectors(), back.localSelectors());
    assertEquals(sa.lifetime(), back.lifetime());
    assertArrayEquals(sa.wrappedInboundKeys(), back.wrappedInboundKeys());
    assertEquals(ChildSa.Mode.TUNNEL, back.mode());
  }

  @Test
  void theLogLinesOfOneIntervalSurviveTheClusterWireInOrder() {
    MgmtMessages.LogLines lines = new MgmtMessages.LogLines(List.of(
        new MgmtMessages.LogLine("ike", 1000L, "%CRYPTO-5-SESSION_STATUS: Crypto tunnel is UP. Peer 192.0.2.1:500"),
        new MgmtMessages.LogLine("dpd", 1001L, "%CRYPTO-5-SESSION_STATUS: Crypto tunnel is DOWN. Peer 192.0.2.2:500")));
    RecordCodec<MgmtMessages.LogLines> codec = new RecordCodec<>(MgmtMessages.LogLines.class);
    Buffer wire = Buffer.buffer();
    codec.encodeToWire(wire, lines);
    assertEquals(lines, codec.decodeFromWire(0, wire));
  }

  @Test
  void malformedWireIsAClearError() {
    RecordCodec<DpdMessages.ProbeRequest> codec = new RecordCodec<>(DpdMessages.ProbeRequest.class);
    Buffer wire = Buffer.buffer().appendInt(5).appendString("{oops");
    assertThrows(DecodeException.class, () -> codec.decodeFromWire(0, wire));
    Buffer wrongType = Buffer.buffer().appendInt(15).appendString("{\"attempt\":\"x\"}");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> codec.decodeFromWire(0, wrongType));
    assertEquals(true, e.getMessage().contains("attempt"));
  }

  /** Fuzzing finding (RecordCodecFuzzTest): a length prefix beyond the buffer threw IndexOutOfBoundsException. */
  @Test
  void lengthPrefixBeyondTheReceivedBytesIsAClearErrorNotAnIndexOutOfBounds() {
    RecordCodec<FwdMessages.InvalidSpi> codec = new RecordCodec<>(FwdMessages.InvalidSpi.class);
    Buffer longer = Buffer.buffer().appendInt(283).appendString("{\"sequence\":0,\"protocol\":0}");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> codec.decodeFromWire(0, longer));
    assertEquals(true, e.getMessage().contains("length prefix 283"), e.getMessage());
    Buffer negative = Buffer.buffer().appendInt(-1).appendString("{}");
    assertThrows(IllegalArgumentException.class, () -> codec.decodeFromWire(0, negative));
    assertThrows(IllegalArgumentException.class, () -> codec.decodeFromWire(0, Buffer.buffer(new byte[] {0, 0})));
    assertThrows(IllegalArgumentException.class, () -> codec.decodeFromWire(3, Buffer.buffer(new byte[] {0, 0})));
  }

  @Test
  void probeOutcomeWithoutTheUnsupportedFlagReadsAsAnOrdinaryOutcome() {
    RecordCodec<DpdMessages.ProbeOutcome> codec = new RecordCodec<>(DpdMessages.ProbeOutcome.class);
    // what a sender built before the flag existed puts on the cluster wire
    String old = "{\"ikeSaId\":\"a:b\",\"acknowledged\":false}";
    Buffer wire = Buffer.buffer().appendInt(old.length()).appendString(old);
    assertEquals(new DpdMessages.ProbeOutcome("a:b", false, false), codec.decodeFromWire(0, wire));
    Buffer flagged = Buffer.buffer();
    codec.encodeToWire(flagged, new DpdMessages.ProbeOutcome("a:b", false, true));
    assertEquals(true, codec.decodeFromWire(0, flagged).unsupported());
  }

  @Test
  void natMappingAndTheBehindNatFlagSurviveTheClusterWire() {
    RecordCodec<FwdMessages.NatMapping> codec = new RecordCodec<>(FwdMessages.NatMapping.class);
    FwdMessages.NatMapping m = new FwdMessages.NatMapping("fwd-1", 0xfeedbeefL, 0x01020304L, "198.51.100.2", 4500,
        40123);
    Buffer wire = Buffer.buffer();
    codec.encodeToWire(wire, m);
    assertEquals(m, codec.decodeFromWire(0, wire));
    assertEquals(true, BusCodecs.CONTRACT.contains(FwdMessages.NatMapping.class));

    ChildSa sa = new ChildSa("0102:0304", 2001, "green", 10, 0xfeedbeefL, 0x01020304L, EspTransform.AES_GCM_128,
        ChildSa.Mode.TUNNEL, true, false, 64, "192.0.2.1", 4500, "198.51.100.2", 4500, List.of(), List.of(), null, 0,
        "copy", new byte[] {1}, new byte[] {2}, 1234L, true);
    RecordCodec<SaMessages.ChildSaInstalled> sas = new RecordCodec<>(SaMessages.ChildSaInstalled.class);
    Buffer w = Buffer.buffer();
    sas.encodeToWire(w, new SaMessages.ChildSaInstalled(sa));
    ChildSa back = sas.decodeFromWire(0, w).sa();
    assertEquals(true, back.localBehindNat());
    assertEquals(40123, back.withPeerPort(40123).peerPort());
    assertEquals(true, back.withPeerPort(40123).localBehindNat(), "a moved SA keeps its side of the NAT");
    // the sealed keys bind every other field (issue 10): an SA whose flag was stripped on the way is refused
    String old = RecordJson.toJson(new SaMessages.ChildSaInstalled(sa)).encode().replace(",\"localBehindNat\":true", "");
    assertEquals(false, old.contains("localBehindNat"), old);
    Buffer oldWire = Buffer.buffer().appendInt(old.length()).appendString(old);
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> sas.decodeFromWire(0, oldWire));
    assertEquals(true, e.getMessage().endsWith("ChildSa: field 'wrappedInboundKeys': sealed secret does not open "
        + "(altered, moved from another record, or sealed under another KEK)"), e.getMessage());
    // and so is one without keys: the record's MAC covers every field
    io.vertx.core.json.JsonObject noKeys = new io.vertx.core.json.JsonObject(old).getJsonObject("sa").copy()
        .putNull("wrappedInboundKeys").putNull("wrappedOutboundKeys");
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> RecordJson.fromJson(noKeys, ChildSa.class));
  }

  @Test
  void everyContractRecordIsRegistered() {
    assertEquals(true, BusCodecs.CONTRACT.contains(DpdMessages.ProbeRequest.class));
    assertEquals(true, BusCodecs.CONTRACT.contains(ConfigMessages.ConfigChanged.class));
  }
}
