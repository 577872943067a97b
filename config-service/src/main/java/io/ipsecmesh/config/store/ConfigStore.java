package io.ipsecmesh.config.store;

import io.ipsecmesh.proto.bus.ConfigMessages;
import io.ipsecmesh.proto.bus.RecordJson;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.sa.SharedMaps;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import java.util.concurrent.ConcurrentMap;

/**
 * The active configuration in the cluster map {@code ipsec.config}: running-config text, model and
 * version. Blocking (Hazelcast calls): use it from a worker, never from the event loop.
 *
 * <p>The version is bumped with a compare-and-set on the map, so two config-service instances in one
 * cluster never hand out the same version; the model is written before the version, so a reader that
 * sees version N finds at least model N.
 */
public final class ConfigStore {

  private final ConcurrentMap<String, String> map;

  public ConfigStore(ConcurrentMap<String, String> map) {
    this.map = map;
  }

  public Optional<ActiveConfig> current() {
    String version = map.get(ConfigMessages.VERSION_KEY);
    String model = map.get(ConfigMessages.MODEL_KEY);
    if (version == null || model == null) {
      return Optional.empty();
    }
    GatewayConfig config = RecordJson.fromJson(new JsonObject(model), GatewayConfig.class);
    return Optional.of(new ActiveConfig(Long.parseLong(version), config));
  }

  /** Stores {@code config} as the active configuration under the next version. */
  public ActiveConfig replace(GatewayConfig config) {
    map.put(ConfigMessages.MODEL_KEY, RecordJson.toJson(config).encode());
    map.put(SharedMaps.ACTIVE, config.renderSealed());
    while (true) {
      String old = map.get(ConfigMessages.VERSION_KEY);
      long next = old == null ? 1 : Long.parseLong(old) + 1;
      boolean won = old == null
          ? map.putIfAbsent(ConfigMessages.VERSION_KEY, Long.toString(next)) == null
          : map.replace(ConfigMessages.VERSION_KEY, old, Long.toString(next));
      if (won) {
        return new ActiveConfig(next, config);
      }
    }
  }
}
