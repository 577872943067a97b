package io.ipsecmesh.config.show;

import io.ipsecmesh.proto.bus.RecordJson;
import io.ipsecmesh.proto.bus.RecordText;
import io.ipsecmesh.proto.sa.IkeSaSummary;
import io.ipsecmesh.proto.runtime.Cluster;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.SaCounters;
import io.ipsecmesh.proto.sa.SharedMaps;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentMap;
import java.util.logging.Logger;

/**
 * Reads the SA state the other services keep in Hazelcast ({@link SharedMaps}) for the {@code show}
 * commands. Blocking (map iteration): call from a worker. An entry that does not decode is left out
 * of the table and logged, so one bad writer cannot break every {@code show}.
 */
public final class SaTables {

  private static final Logger LOG = Logger.getLogger(SaTables.class.getName());

  private final ConcurrentMap<String, String> childSas;
  private final ConcurrentMap<String, String> counters;
  private final ConcurrentMap<String, String> ikeSas;
  private final ConcurrentMap<String, String> ezvpn;
  /** Decoded between commands: only rows whose text changed are decoded again ({@link DecodedRows}). */
  private final DecodedRows<ChildSa> childRows = new DecodedRows<>(json -> decode(json, ChildSa.class));
  private final DecodedRows<IkeSaSummary> ikeRows = new DecodedRows<>(json -> decode(json, IkeSaSummary.class));
  private final List<Runnable> followed = new ArrayList<>();
  private final DecodedRows<SaCounters> counterRows = new DecodedRows<>(json -> decode(json, SaCounters.class));

  public SaTables(ConcurrentMap<String, String> childSas, ConcurrentMap<String, String> counters,
      ConcurrentMap<String, String> ikeSas) {
    this(childSas, counters, ikeSas, new java.util.concurrent.ConcurrentHashMap<>());
  }

  public SaTables(ConcurrentMap<String, String> childSas, ConcurrentMap<String, String> counters,
      ConcurrentMap<String, String> ikeSas, ConcurrentMap<String, String> ezvpn) {
    this.childSas = childSas;
    this.counters = counters;
    this.ikeSas = ikeSas;
    this.ezvpn = ezvpn;
  }

  public static SaTables of(Vertx vertx) {
    return new SaTables(Cluster.map(vertx, SharedMaps.CHILD_SAS), Cluster.map(vertx, SharedMaps.SA_COUNTERS),
        Cluster.map(vertx, SharedMaps.IKE_SAS), Cluster.map(vertx, SharedMaps.EZVPN));
  }

  /**
   * Decodes IKE SA and Child SA rows as they are written (Hazelcast entry listeners, clustered only), so the first
   * {@code show} after a burst of set-ups does not decode them all at once: at 100 000 SAs that was 200 000 decodes in
   * one command. The counters map is not followed: its rows change every second on every busy SA. Call
   * {@link #unfollow} when done.
   */
  public void follow() {
    followed.add(follow(ikeSas, ikeRows));
    followed.add(follow(childSas, childRows));
    followed.removeIf(java.util.Objects::isNull);
  }

  /** Removes the listeners {@link #follow} added. */
  public void unfollow() {
    for (Runnable r : followed) {
      r.run();
    }
    followed.clear();
  }

  private static Runnable follow(ConcurrentMap<String, String> map, DecodedRows<?> rows) {
    if (!(map instanceof com.hazelcast.map.IMap<String, String> imap)) {
      return null; // a local map (unit tests, a lone process): the commands decode what changed
    }
    java.util.UUID id = imap.addEntryListener(new RowListener(rows), true);
    return () -> imap.removeEntryListener(id);
  }

  private record RowListener(DecodedRows<?> rows) implements
      com.hazelcast.map.listener.EntryAddedListener<String, String>,
      com.hazelcast.map.listener.EntryUpdatedListener<String, String>,
      com.hazelcast.map.listener.EntryRemovedListener<String, String> {
    @Override
    public void entryAdded(com.hazelcast.core.EntryEvent<String, String> e) {
      rows.written(e.getKey(), e.getValue());
    }

    @Override
    public void entryUpdated(com.hazelcast.core.EntryEvent<String, String> e) {
      rows.written(e.getKey(), e.getValue());
    }

    @Override
    public void entryRemoved(com.hazelcast.core.EntryEvent<String, String> e) {
      rows.removed(e.getKey());
    }
  }

  /** The Easy VPN remotes' state ({@code show crypto ipsec client ezvpn}). */
  public List<io.ipsecmesh.proto.sa.EzvpnStatus> ezvpn() {
    return decodeAll(ezvpn, io.ipsecmesh.proto.sa.EzvpnStatus.class);
  }

  public List<ChildSa> childSas() {
    return childRows.all(childSas, (key, bad) -> undecodable(ChildSa.class.getSimpleName(), key, bad));
  }

  public List<IkeSaSummary> ikeSas() {
    return ikeRows.all(ikeSas, (key, bad) -> undecodable(IkeSaSummary.class.getSimpleName(), key, bad));
  }

  /** Counters by the map key, the inbound SPI in 8 hex digits ({@link SharedMaps#spiKey}). */
  public Map<String, SaCounters> counters() {
    return counterRows.byKey(counters, (key, bad) -> undecodable(SharedMaps.SA_COUNTERS, key, bad));
  }

  /** Rows decoded so far (not taken from the previous command's): what a command cost, for tests. */
  long decodes() {
    return childRows.decodes() + ikeRows.decodes() + counterRows.decodes();
  }

  private static <T extends Record> T decode(String json, Class<T> type) {
    return RecordText.read(json, type); // the rows this process wrote come back without a decode
  }

  private static void undecodable(String what, String key, RuntimeException bad) {
    LOG.warning(() -> what + " entry " + key + " does not decode: " + bad.getMessage());
  }

  private static <T extends Record> List<T> decodeAll(ConcurrentMap<String, String> map, Class<T> type) {
    List<T> out = new ArrayList<>();
    for (Map.Entry<String, String> e : map.entrySet()) {
      try {
        out.add(RecordJson.fromJson(new JsonObject(e.getValue()), type));
      } catch (RuntimeException bad) {
        LOG.warning(() -> type.getSimpleName() + " entry " + e.getKey() + " does not decode: " + bad.getMessage());
      }
    }
    return out;
  }
}
