package io.ipsecmesh.proto.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LaunchOptionsTest {

  @Test
  void defaultsStayOnLoopbackWithMetricsOff() {
    LaunchOptions o = LaunchOptions.defaults();
    assertEquals("ipsec-mesh", o.clusterName());
    assertEquals("127.0.0.1", o.clusterHost());
    assertEquals(5701, o.clusterPort());
    assertEquals(List.of("127.0.0.1"), o.members());
    assertEquals(0, o.metricsPort());
    assertTrue(o.serviceConfig().isEmpty());
  }

  @Test
  void flagsWinOverEnvironmentAndTheRestBecomesServiceConfig() {
    LaunchOptions o = LaunchOptions.parse(
        new String[] {"--members", "10.0.0.1:5701, 10.0.0.2", "--config", "/etc/gw.cfg", "--api-port=8443", "--watch"},
        Map.of("IPSECMESH_MEMBERS", "192.0.2.9", "IPSECMESH_METRICS_PORT", "9400", "IPSECMESH_CLUSTER_HOST", "auto"));
    assertEquals(List.of("10.0.0.1:5701", "10.0.0.2"), o.members());
    assertEquals(9400, o.metricsPort());
    assertTrue(o.autoHost());
    assertEquals("/etc/gw.cfg", o.serviceConfig().getString("config"));
    assertEquals("8443", o.serviceConfig().getString("api-port"));
    assertEquals(Boolean.TRUE, o.serviceConfig().getBoolean("watch"));
    assertEquals(3, o.serviceConfig().size());
  }

  @Test
  void flagValuesAreTypedLikeJson() {
    LaunchOptions o = LaunchOptions.parse(
        new String[] {"--port", "4500", "--routes", "false", "--tunName", "ipsec0", "--big", "8589934592",
            "--bind", "127.0.0.1"}, Map.of());
    assertEquals(4500, o.serviceConfig().getInteger("port"));
    assertEquals("4500", o.serviceConfig().getString("port"));
    assertEquals(Boolean.FALSE, o.serviceConfig().getBoolean("routes"));
    assertEquals("ipsec0", o.serviceConfig().getString("tunName"));
    assertEquals(8589934592L, o.serviceConfig().getLong("big"));
    assertEquals("127.0.0.1", o.serviceConfig().getString("bind"));
  }

  @Test
  void badValuesNameTheFlag() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LaunchOptions.parse(new String[] {"--cluster-port", "x"}, Map.of()));
    assertEquals("--cluster-port must be a number, got 'x'", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> LaunchOptions.parse(new String[] {"--metrics-port", "70000"}, Map.of()));
    assertTrue(e.getMessage().startsWith("--metrics-port must be"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> LaunchOptions.parse(new String[] {"--members"}, Map.of()));
    assertEquals("--members needs a value", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> LaunchOptions.parse(new String[] {"stray"}, Map.of()));
    assertTrue(e.getMessage().contains("'stray'"), e.getMessage());
  }

  @Test
  void serviceNamesComeFromVerticleClasses() {
    record EspForwarderVerticle() {}
    record IkeVerticle() {}
    assertEquals("esp-forwarder", ServiceNames.of(EspForwarderVerticle.class));
    assertEquals("ike", ServiceNames.of(IkeVerticle.class));
  }
}
