package io.ipsecmesh.config.show;

import io.ipsecmesh.proto.bus.RecordJson;
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
    return RecordJson.fromJson(new JsonObject(json), type);
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
