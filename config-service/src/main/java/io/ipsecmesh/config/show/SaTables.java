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

  /**
   * How often the followed rows are compared with the maps ({@link #reconcile}): a SHA-256 per row, about a second of
   * a worker at 100 000 SAs — a fraction of a percent of a core at this period.
   */
  public static final long RECONCILE_MILLIS = 300_000;

  private final ConcurrentMap<String, String> childSas;
  private final ConcurrentMap<String, String> counters;
  private final ConcurrentMap<String, String> ikeSas;
  private final ConcurrentMap<String, String> ezvpn;
  /** Decoded between commands: only rows whose text changed are decoded again ({@link DecodedRows}). */
  private final DecodedRows<ChildSa> childRows = new DecodedRows<>(json -> decode(json, ChildSa.class),
      ShowCryptoSession.CHILD_SAS);
  private final DecodedRows<IkeSaSummary> ikeRows = new DecodedRows<>(json -> decode(json, IkeSaSummary.class),
      ShowCryptoSession.IKE_SAS);
  /** How to remove each listener {@link #follow} added; guarded by itself. */
  private final List<Runnable> followed = new ArrayList<>();
  private boolean unfollowed;
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
   * Keeps the IKE SA and Child SA rows current from the maps' entry events (Hazelcast entry listeners, clustered
   * only): the maps are read once here, and from then on a command copies the decoded rows instead of reading both
   * maps and hashing every row — at 100 000 SAs that pass alone took about half a second of the one
   * {@code show crypto session} has. The counters map is not followed: its rows change every second on every busy SA,
   * and only {@code show crypto ipsec sa} and {@code show interfaces} read it. Blocking (reads the maps): call from a
   * worker; {@link #unfollow} when done, {@link #reconcile} now and then.
   */
  public void follow() {
    keep(follow(ikeSas, ikeRows, IkeSaSummary.class.getSimpleName()));
    keep(follow(childSas, childRows, ChildSa.class.getSimpleName()));
  }

  /** Removes the listeners {@link #follow} added (and any it adds later: it may still be reading the maps). */
  public void unfollow() {
    List<Runnable> remove;
    synchronized (followed) {
      unfollowed = true;
      remove = new ArrayList<>(followed);
      followed.clear();
    }
    remove.forEach(Runnable::run);
  }

  private void keep(Runnable removeListener) {
    if (removeListener == null) {
      return;
    }
    synchronized (followed) {
      if (!unfollowed) {
        followed.add(removeListener);
        return;
      }
    }
    removeListener.run();
  }

  /**
   * Compares the followed rows with the maps once (a SHA-256 per row, a decode per row that differs): a row whose
   * event Hazelcast dropped (its event queue full) is right again after this. Blocking: call from a worker.
   */
  public void reconcile() {
    ikeRows.reconcile(ikeSas, (key, bad) -> undecodable(IkeSaSummary.class.getSimpleName(), key, bad));
    childRows.reconcile(childSas, (key, bad) -> undecodable(ChildSa.class.getSimpleName(), key, bad));
  }

  private static Runnable follow(ConcurrentMap<String, String> map, DecodedRows<?> rows, String what) {
    if (!(map instanceof com.hazelcast.map.IMap<String, String> imap)) {
      return null; // a local map (unit tests, a lone process): the commands decode what changed
    }
    java.util.function.BiConsumer<String, RuntimeException> bad = (key, failed) -> undecodable(what, key, failed);
    rows.startFollowing();
    java.util.UUID id = imap.addEntryListener(new RowListener(rows, bad), true);
    rows.seed(imap, bad);
    return () -> imap.removeEntryListener(id);
  }

  private record RowListener(DecodedRows<?> rows, java.util.function.BiConsumer<String, RuntimeException> bad)
      implements com.hazelcast.map.listener.EntryAddedListener<String, String>,
      com.hazelcast.map.listener.EntryUpdatedListener<String, String>,
      com.hazelcast.map.listener.EntryRemovedListener<String, String>,
      com.hazelcast.map.listener.EntryEvictedListener<String, String>,
      com.hazelcast.map.listener.EntryExpiredListener<String, String>,
      com.hazelcast.map.listener.MapClearedListener {
    @Override
    public void entryAdded(com.hazelcast.core.EntryEvent<String, String> e) {
      rows.written(e.getKey(), e.getValue(), bad);
    }

    @Override
    public void entryUpdated(com.hazelcast.core.EntryEvent<String, String> e) {
      rows.written(e.getKey(), e.getValue(), bad);
    }

    @Override
    public void entryRemoved(com.hazelcast.core.EntryEvent<String, String> e) {
      rows.removed(e.getKey());
    }

    @Override
    public void entryEvicted(com.hazelcast.core.EntryEvent<String, String> e) {
      rows.removed(e.getKey());
    }

    @Override
    public void entryExpired(com.hazelcast.core.EntryEvent<String, String> e) {
      rows.removed(e.getKey());
    }

    @Override
    public void mapCleared(com.hazelcast.map.MapEvent e) {
      rows.cleared();
    }
  }

  /** The Easy VPN remotes' state ({@code show crypto ipsec client ezvpn}). */
  public List<io.ipsecmesh.proto.sa.EzvpnStatus> ezvpn() {
    return decodeAll(ezvpn, io.ipsecmesh.proto.sa.EzvpnStatus.class);
  }

  /** Whether the IKE SA and Child SA rows come from the maps' events ({@link #follow}), not a read of the maps. */
  public boolean followed() {
    return ikeRows.followed() && childRows.followed();
  }

  /** How many IKE SA rows the tables hold, without copying them. */
  public int ikeSaRows() {
    return ikeRows.size();
  }

  public List<ChildSa> childSas() {
    return childRows.all(childSas, (key, bad) -> undecodable(ChildSa.class.getSimpleName(), key, bad));
  }

  public List<IkeSaSummary> ikeSas() {
    return ikeRows.all(ikeSas, (key, bad) -> undecodable(IkeSaSummary.class.getSimpleName(), key, bad));
  }

  /**
   * {@code show crypto session} from the rows as they are kept, each with its lines printed when it was decoded:
   * the command sorts and copies them ({@link ShowCryptoSession#renderPrinted}).
   */
  public List<String> cryptoSession(io.ipsecmesh.proto.config.GatewayConfig config) {
    return ShowCryptoSession.renderPrinted(config,
        ikeRows.printed(ikeSas, (key, bad) -> undecodable(IkeSaSummary.class.getSimpleName(), key, bad)),
        childRows.printed(childSas, (key, bad) -> undecodable(ChildSa.class.getSimpleName(), key, bad)));
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
