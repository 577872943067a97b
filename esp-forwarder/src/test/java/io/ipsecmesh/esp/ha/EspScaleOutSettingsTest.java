package io.ipsecmesh.esp.ha;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class EspScaleOutSettingsTest {

  @Test
  void offByDefaultAndNamedAfterTheForwarder() {
    EspScaleOutSettings s = EspScaleOutSettings.from(new JsonObject(), "gw1/4711");
    assertFalse(s.enabled());
    assertEquals("gw1/4711", s.instanceId());
    assertEquals(0, s.quorum());
  }

  @Test
  void flagsAsTheLauncherTypesThemOrAsText() {
    EspScaleOutSettings s = EspScaleOutSettings.from(new JsonObject().put("esp-scale-out", true)
        .put("esp-instance-id", "esp-2").put("cluster-quorum", 4), "gw1/4711");
    assertTrue(s.enabled());
    assertEquals("esp-2", s.instanceId());
    assertEquals(4, s.quorum());
    assertEquals(3, EspScaleOutSettings.from(new JsonObject().put("cluster-quorum", "3"), "x").quorum());
  }

  @Test
  void badValuesNameTheOption() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> EspScaleOutSettings.from(
        new JsonObject().put("esp-instance-id", "(fenced: no quorum)"), "x")).getMessage().startsWith("esp-instance-id"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> EspScaleOutSettings.from(
        new JsonObject().put("cluster-quorum", "many"), "x")).getMessage().startsWith("cluster-quorum"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> EspScaleOutSettings.from(
        new JsonObject().put("cluster-quorum", -1), "x")).getMessage().startsWith("cluster-quorum"));
  }
}
