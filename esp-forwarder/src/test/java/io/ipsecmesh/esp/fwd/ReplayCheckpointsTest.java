package io.ipsecmesh.esp.fwd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipsecmesh.proto.bus.RecordJson;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.SaCounters;
import io.ipsecmesh.proto.sa.SharedMaps;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading an adopter's replay checkpoint from {@code ipsec.sa-counters}: only a verified row of the same SA counts. */
class ReplayCheckpointsTest {

  private static final ChildSa SA = SaSupervisorTest.ikeSa(0xc3000001L, 0xd3000001L,
      new ChildSa.Lifetime(0, 0, 0, 0), 0);
  private final Map<String, String> counters = new HashMap<>();

  private static SaCounters row(long inSpi, long outSpi, String peer, long checkpoint) {
    return new SaCounters("esp-a", SA.connectionId(), SA.cryptoMap(), SA.mapSequence(), SA.localAddress(), peer,
        4500, "esp-gcm", inSpi, outSpi, 9, 9, 9, 9, 9, 9, 900, 900, 0, 0, 0, 0, 0, -1, -1, 1L, 0, checkpoint);
  }

  private void put(SaCounters c) {
    counters.put(SharedMaps.spiKey(c.inboundSpi()), RecordJson.toJson(c).encode());
  }

  @Test
  void theOwnersRowGivesItsCheckpoint() {
    put(row(SA.inboundSpi(), SA.outboundSpi(), SA.peerAddress(), (1L << 32) + 77));
    assertEquals((1L << 32) + 77, ReplayCheckpoints.read(counters, SA), "64 bits with ESN");
  }

  @Test
  void noRowIsNoCheckpoint() {
    assertEquals(ReplayCheckpoints.UNKNOWN, ReplayCheckpoints.read(counters, SA));
  }

  @Test
  void aRowOfAnotherSaUnderTheSameKeyIsNoCheckpoint() {
    put(row(SA.inboundSpi(), 0xd3000099L, SA.peerAddress(), 5000)); // an older SA that had the same inbound SPI
    assertEquals(ReplayCheckpoints.UNKNOWN, ReplayCheckpoints.read(counters, SA));
    put(row(SA.inboundSpi(), SA.outboundSpi(), "172.31.250.9", 5000));
    assertEquals(ReplayCheckpoints.UNKNOWN, ReplayCheckpoints.read(counters, SA));
  }

  @Test
  void aRowThatDoesNotVerifyIsNoCheckpoint() {
    put(row(SA.inboundSpi(), SA.outboundSpi(), SA.peerAddress(), 5000));
    String key = SharedMaps.spiKey(SA.inboundSpi());
    counters.put(key, new JsonObject(counters.get(key)).put("inboundCheckpoint", 1).encode());
    assertEquals(ReplayCheckpoints.UNKNOWN, ReplayCheckpoints.read(counters, SA), "altered without the KEK");
    counters.put(key, "not json");
    assertEquals(ReplayCheckpoints.UNKNOWN, ReplayCheckpoints.read(counters, SA));
    counters.put(key, "{}");
    assertEquals(ReplayCheckpoints.UNKNOWN, ReplayCheckpoints.read(counters, SA), "no MAC");
  }
}
