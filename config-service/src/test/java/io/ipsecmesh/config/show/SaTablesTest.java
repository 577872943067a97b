package io.ipsecmesh.config.show;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipsecmesh.proto.bus.RecordJson;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.IkeSaSummary;
import io.ipsecmesh.proto.sa.SharedMaps;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.junit.jupiter.api.Test;

/**
 * The show commands' view of the shared SA maps decodes each stored row once: a second command over unchanged maps
 * decodes nothing, a changed row is decoded (and verified) again, an altered one is left out, a deleted one is gone.
 */
class SaTablesTest {

  private final ConcurrentMap<String, String> child = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, String> ike = new ConcurrentHashMap<>();
  private final SaTables tables = new SaTables(child, new ConcurrentHashMap<>(), ike);

  private static IkeSaSummary ikeSa(String id, String state) {
    return new IkeSaSummary(id, "10.2.2.2", "10.1.1.1", state, 1, "ACTIVE", "peer", 2, 500, 500, "responder", 0);
  }

  @Test
  void aSecondShowOverUnchangedMapsDecodesNothing() {
    for (int i = 0; i < 100; i++) {
      ChildSa sa = ShowFixtures.childSa(0x1000L + i, 0x2000L + i, i, ShowFixtures.CREATED);
      child.put(SharedMaps.spiKey(sa.inboundSpi()), RecordJson.toJson(sa).encode());
      ike.put("ike-" + i, RecordJson.toJson(ikeSa("ike-" + i, "READY")).encode());
    }
    assertEquals(100, tables.childSas().size());
    assertEquals(100, tables.ikeSas().size());
    assertEquals(200, tables.decodes(), "the first command decodes every row once");
    String first = ShowCryptoSession.render(io.ipsecmesh.proto.config.GatewayConfig.empty(), tables.ikeSas(),
        tables.childSas());
    assertEquals(200, tables.decodes(), "a second command over the same rows decodes none");
    assertEquals(first, ShowCryptoSession.render(io.ipsecmesh.proto.config.GatewayConfig.empty(), tables.ikeSas(),
        tables.childSas()), "and prints the same");
  }

  @Test
  void showCryptoSessionFromTheKeptRowsIsTheListingOfTheirRecords() {
    for (int i = 0; i < 3; i++) {
      ChildSa sa = ShowFixtures.childSa(0x1000L + i, 0x2000L + i, i, ShowFixtures.CREATED);
      child.put(SharedMaps.spiKey(sa.inboundSpi()), RecordJson.toJson(sa).encode());
      ike.put("ike-" + i, RecordJson.toJson(ikeSa("ike-" + i, i == 1 ? "IN-NEG" : "READY")).encode());
    }
    io.ipsecmesh.proto.config.GatewayConfig config = io.ipsecmesh.proto.config.GatewayConfig.empty();
    String listing = String.join("", tables.cryptoSession(config));
    assertEquals(ShowCryptoSession.render(config, tables.ikeSas(), tables.childSas()), listing);
    assertEquals(2, listing.split("IKEv2 SA: local 10.1.1.1/500 remote 10.2.2.2/500 Active\n", -1).length - 1,
        listing);
    assertEquals(1, listing.split("/500 Inactive\n", -1).length - 1, listing);
    // the IKE SA that was negotiating is up now: its line is printed again with its new row
    ike.put("ike-1", RecordJson.toJson(ikeSa("ike-1", "READY")).encode());
    String now = String.join("", tables.cryptoSession(config));
    assertEquals(3, now.split("/500 Active\n", -1).length - 1, now);
    assertEquals(ShowCryptoSession.render(config, tables.ikeSas(), tables.childSas()), now);
  }

  @Test
  void aChangedRowIsDecodedAgainAnAlteredOneLeftOutADeletedOneGone() {
    ike.put("a", RecordJson.toJson(ikeSa("a", "IN-NEG")).encode());
    ike.put("b", RecordJson.toJson(ikeSa("b", "READY")).encode());
    ike.put("c", RecordJson.toJson(ikeSa("c", "READY")).encode());
    assertEquals(3, tables.ikeSas().size());
    ike.put("a", RecordJson.toJson(ikeSa("a", "READY")).encode());
    // same length, one field altered without a new $mac: the MAC check refuses it
    ike.put("b", ike.get("b").replace("\"READY\"", "\"IN-NE\""));
    ike.remove("c");
    List<IkeSaSummary> now = tables.ikeSas();
    assertEquals(List.of(ikeSa("a", "READY")), now, "a: its new state; b: altered, left out; c: deleted");
    assertEquals(5, tables.decodes(), "three at first, then a and b again");
    assertEquals(1, tables.ikeSas().size());
    assertEquals(6, tables.decodes(), "b stays bad, so it is tried (and refused) at every command");
  }
}
