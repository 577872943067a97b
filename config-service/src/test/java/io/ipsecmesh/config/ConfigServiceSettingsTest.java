package io.ipsecmesh.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigServiceSettingsTest {

  @Test
  void defaultsBindTheApiToLoopbackWithAGeneratedToken() {
    ConfigServiceSettings s = ConfigServiceSettings.from(new JsonObject(), Map.of());
    assertEquals("127.0.0.1", s.apiHost());
    assertEquals(8300, s.apiPort());
    assertNull(s.apiToken());
    assertTrue(s.api());
    assertTrue(s.apiFile().toString().endsWith(".ipsec-mesh/api.json"), s.apiFile().toString());
  }

  @Test
  void aBlankTokenFromTheEnvironmentMeansGenerateNeverEmpty() {
    assertNull(ConfigServiceSettings.from(new JsonObject(), Map.of("IPSECMESH_API_TOKEN", "  ")).apiToken());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ConfigServiceSettings.from(new JsonObject().put("api-token", "short"), Map.of()));
    assertEquals("--api-token must have at least 16 characters", e.getMessage());
  }

  @Test
  void badNumbersNameTheFlag() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ConfigServiceSettings.from(new JsonObject().put("api-port", "http"), Map.of()));
    assertEquals("--api-port must be a number, got 'http'", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> ConfigServiceSettings.from(new JsonObject().put("watch-ms", "1"), Map.of()));
    assertEquals("--watch-ms must be 50-3600000, got 1", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> ConfigServiceSettings.from(new JsonObject().put("config", true), Map.of()));
    assertEquals("--config needs a value", e.getMessage());
  }
}
