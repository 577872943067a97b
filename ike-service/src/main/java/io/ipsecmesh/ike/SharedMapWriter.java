package io.ipsecmesh.ike;

import io.ipsecmesh.proto.bus.RecordJson;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentMap;

/**
 * The writes ike-service makes to one shared map ({@code ipsec.child-sa}, {@code ipsec.ike-sa}), off the event
 * loop, in order, and grouped: while one batch is being written on a worker, the writes that arrive wait in the
 * next, where a later write of a key replaces an earlier one; when the batch in flight is done the next one goes as
 * one {@code putAll} plus its removals. One write alone goes at once, as before; under load (hundreds of IKE SAs per
 * second, each with its IKE SA row written twice and its Child SA once) a worker hand-off and a Hazelcast operation
 * per write become one per batch. Values are the same sealed, MAC'd {@code RecordJson} text as before, made on the
 * worker (the records are immutable), so the event loop does not spend that time and a replaced write none.
 *
 * <p>Order: batches are written one after the other, so a key's writes land in the order they were made. Within a
 * batch the puts go before the removals: a rekey's new Child SA is in the map before its predecessor leaves it
 * (make before break, RFC 7296 §2.8), as when each write went on its own. The future of a write completes when its
 * batch is written, for the callers that announce on the bus only after the map holds the change.
 *
 * <p>Event loop only (the context of the verticle that owns it).
 */
final class SharedMapWriter {

  private final Vertx vertx;
  private final ConcurrentMap<String, String> map;
  /** The next batch: key → value, null to remove; insertion order. */
  private Map<String, Record> pending = new LinkedHashMap<>();
  private List<Promise<Void>> pendingDone = new ArrayList<>();
  private boolean writing;

  SharedMapWriter(Vertx vertx, ConcurrentMap<String, String> map) {
    this.vertx = vertx;
    this.map = map;
  }

  Future<Void> put(String key, Record value) {
    return write(key, value);
  }

  Future<Void> remove(String key) {
    return write(key, null);
  }

  private Future<Void> write(String key, Record value) {
    pending.put(key, value);
    Promise<Void> done = Promise.promise();
    pendingDone.add(done);
    if (!writing) {
      flush();
    }
    return done.future();
  }

  private void flush() {
    Map<String, Record> batch = pending;
    List<Promise<Void>> done = pendingDone;
    pending = new LinkedHashMap<>();
    pendingDone = new ArrayList<>();
    writing = true;
    vertx.<Void>executeBlocking(() -> {
      apply(map, batch);
      return null;
    }, true).onComplete(r -> {
      writing = false;
      for (Promise<Void> p : done) {
        if (r.succeeded()) {
          p.complete();
        } else {
          p.fail(r.cause());
        }
      }
      if (!pending.isEmpty()) {
        flush();
      }
    });
  }

  /** Puts first (one {@code putAll} when several), then removals. */
  static void apply(ConcurrentMap<String, String> map, Map<String, Record> batch) {
    Map<String, String> puts = new HashMap<>();
    List<String> removals = new ArrayList<>();
    batch.forEach((k, v) -> {
      if (v == null) {
        removals.add(k);
      } else {
        puts.put(k, RecordJson.toJson(v).encode());
      }
    });
    if (puts.size() == 1) {
      Map.Entry<String, String> e = puts.entrySet().iterator().next();
      map.put(e.getKey(), e.getValue());
    } else if (!puts.isEmpty()) {
      map.putAll(puts);
    }
    removals.forEach(map::remove);
  }
}
