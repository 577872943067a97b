package io.ipsecmesh.ike;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ipsecmesh.ike.engine.IkeEngine;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class IkeServiceSettingsTest {

  @Test
  void cookieThresholdDefaultsTo64AndOnlyMovesTheThreshold() {
    assertEquals(IkeEngine.Limits.DEFAULT, IkeServiceSettings.limits(new JsonObject()));
    // flags arrive as strings
    IkeEngine.Limits raised = IkeServiceSettings.limits(new JsonObject().put("ike-cookie-threshold", "2000"));
    assertEquals(new IkeEngine.Limits(2000, 4096, 30_000), raised);
  }

  @Test
  void cookieThresholdCannotSwitchTheProtectionOff() {
    assertThrows(IllegalArgumentException.class,
        () -> IkeServiceSettings.limits(new JsonObject().put("ike-cookie-threshold", 0)));
    assertThrows(IllegalArgumentException.class,
        () -> IkeServiceSettings.limits(new JsonObject().put("ike-cookie-threshold", 4097)));
  }

  @Test
  void perPeerHalfOpenQuotaAndChildSaCapDefaultTo10And64AndAreBounded() {
    IkeEngine.Limits d = IkeServiceSettings.limits(new JsonObject());
    assertEquals(10, d.maxHalfOpenPerPeer());
    assertEquals(64, d.maxChildSas());
    IkeEngine.Limits set = IkeServiceSettings.limits(new JsonObject().put("ike-half-open-per-peer", "1100")
        .put("ike-max-child-sas", 3));
    assertEquals(new IkeEngine.Limits(64, 4096, 30_000, 1100, 3), set);
    assertThrows(IllegalArgumentException.class,
        () -> IkeServiceSettings.limits(new JsonObject().put("ike-half-open-per-peer", 0)));
    assertThrows(IllegalArgumentException.class,
        () -> IkeServiceSettings.limits(new JsonObject().put("ike-half-open-per-peer", 4097)));
    assertThrows(IllegalArgumentException.class,
        () -> IkeServiceSettings.limits(new JsonObject().put("ike-max-child-sas", 0)));
  }

  @Test
  void newSasAreShedFromAMebibyteWaitingByDefaultAndTheFlagMovesOrDisablesIt() {
    assertEquals(1 << 20, IkeServiceSettings.shedBacklogBytes(new JsonObject()));
    assertEquals(0, IkeServiceSettings.shedBacklogBytes(new JsonObject().put("ike-shed-backlog-kb", "0")));
    assertEquals(4096, IkeServiceSettings.shedBacklogBytes(new JsonObject().put("ike-shed-backlog-kb", 4)));
    assertThrows(IllegalArgumentException.class,
        () -> IkeServiceSettings.shedBacklogBytes(new JsonObject().put("ike-shed-backlog-kb", -1)));
  }
}
