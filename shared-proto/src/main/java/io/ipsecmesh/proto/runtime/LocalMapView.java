package io.ipsecmesh.proto.runtime;

import io.vertx.core.shareddata.LocalMap;
import java.util.AbstractMap;
import java.util.Set;
import java.util.concurrent.ConcurrentMap;

/** A Vert.x {@link LocalMap} seen as a {@link ConcurrentMap}, the interface Hazelcast's IMap also has. */
final class LocalMapView extends AbstractMap<String, String> implements ConcurrentMap<String, String> {

  private final LocalMap<String, String> map;

  LocalMapView(LocalMap<String, String> map) {
    this.map = map;
  }

  @Override
  public Set<Entry<String, String>> entrySet() {
    return map.entrySet();
  }

  @Override
  public String get(Object key) {
    return map.get(key);
  }

  @Override
  public String put(String key, String value) {
    return map.put(key, value);
  }

  @Override
  public String remove(Object key) {
    return map.remove(key);
  }

  @Override
  public String putIfAbsent(String key, String value) {
    return map.putIfAbsent(key, value);
  }

  @Override
  public boolean remove(Object key, Object value) {
    return key instanceof String k && value instanceof String v && map.removeIfPresent(k, v);
  }

  @Override
  public boolean replace(String key, String oldValue, String newValue) {
    return map.replaceIfPresent(key, oldValue, newValue);
  }

  @Override
  public String replace(String key, String value) {
    return map.replace(key, value);
  }
}
