package io.ipsecmesh.config.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.config.lang.ConfigParser;
import io.ipsecmesh.proto.bus.ConfigMessages;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.sa.SharedMaps;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ConfigStoreTest {

  private static final GatewayConfig CONFIG = ConfigParser.parse("t.cfg", """
      crypto ipsec transform-set strong esp-gcm 256
      crypto isakmp keepalive 10 2 on-demand
      """).config();

  @Test
  void anEmptyMapHasNoActiveConfiguration() {
    assertTrue(new ConfigStore(new ConcurrentHashMap<>()).current().isEmpty());
  }

  @Test
  void storesTextModelAndVersionThatReadBackEqual() {
    ConcurrentMap<String, String> map = new ConcurrentHashMap<>();
    ActiveConfig stored = new ConfigStore(map).replace(CONFIG);
    assertEquals(1, stored.version());
    assertEquals(CONFIG.render(), map.get(SharedMaps.ACTIVE));
    assertEquals("1", map.get(ConfigMessages.VERSION_KEY));
    assertEquals(stored, new ConfigStore(map).current().orElseThrow());
  }

  @Test
  void twoInstancesOnOneMapNeverHandOutTheSameVersion() throws Exception {
    ConcurrentMap<String, String> map = new ConcurrentHashMap<>();
    ConfigStore a = new ConfigStore(map);
    ConfigStore b = new ConfigStore(map);
    Set<Long> versions = new CopyOnWriteArraySet<>();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        ConfigStore s = i % 2 == 0 ? a : b;
        done.add(pool.submit(() -> versions.add(s.replace(CONFIG).version())));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(200, versions.size());
    assertEquals("200", map.get(ConfigMessages.VERSION_KEY));
  }
}
