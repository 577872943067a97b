package io.ipsecmesh.ike;

import io.ipsecmesh.proto.bus.RecordText;
import io.vertx.core.Context;
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
 * next, where a later write of a key replaces an earlier one; when the batch in flight is done the same worker
 * takes the next one at once, as one {@code putAll} plus its removals. One write alone goes at once, as before;
 * under load (hundreds of IKE SAs per second, each with its IKE SA row written twice and its Child SA once) a
 * worker hand-off and a Hazelcast operation per write become one per batch. Values are the same sealed, MAC'd
 * {@code RecordJson} text as before, made by the caller ({@link io.ipsecmesh.proto.bus.RecordText}, which remembers
 * it for this process's own entry listeners).
 *
 * <p>Order: batches are written one after the other by one worker at a time, so a key's writes land in the order
 * they were made. Within a batch the puts go before the removals: a rekey's new Child SA is in the map before its
 * predecessor leaves it (make before break, RFC 7296 §2.8), as when each write went on its own. The future of a
 * write completes, on the caller's context, when its batch is written, for the callers that announce on the bus
 * only after the map holds the change.
 */
final class SharedMapWriter {

  private final Vertx vertx;
  private final ConcurrentMap<String, String> map;
  private final Object lock = new Object();
  /** The next batch: key → value, null to remove; insertion order. Guarded by {@link #lock}. */
  private Map<String, String> pending = new LinkedHashMap<>();
  private List<Done> pendingDone = new ArrayList<>();
  /** A worker is draining the batches. Guarded by {@link #lock}. */
  private boolean writing;

  private record Done(Context context, Promise<Void> promise) {}

  SharedMapWriter(Vertx vertx, ConcurrentMap<String, String> map) {
    this.vertx = vertx;
    this.map = map;
  }

  /** Writes {@code value} under {@code key}; the future completes on the caller's context once the map holds it. */
  Future<Void> put(String key, Record value) {
    return write(key, RecordText.write(value), true);
  }

  /** Removes {@code key}; the future completes on the caller's context once the map no longer holds it. */
  Future<Void> remove(String key) {
    return write(key, null, true);
  }

  /**
   * {@link #put} for a caller that does not wait for the write (the Child SA's entry, announced on the bus before it;
   * the IKE SA rows): the same batch and order, but no completion handed back to the caller's event loop — under
   * load that hand-off, once per write, was a wake-up of ike-service's event loop three times per IKE SA.
   */
  void putQuietly(String key, Record value) {
    write(key, RecordText.write(value), false);
  }

  /** {@link #remove} for a caller that does not wait for it (see {@link #putQuietly}). */
  void removeQuietly(String key) {
    write(key, null, false);
  }

  private Future<Void> write(String key, String value, boolean awaited) {
    Promise<Void> promise = awaited ? Promise.promise() : null;
    boolean start;
    synchronized (lock) {
      pending.put(key, value);
      if (awaited) {
        pendingDone.add(new Done(vertx.getOrCreateContext(), promise));
      }
      start = !writing;
      writing = true;
    }
    if (start) {
      vertx.executeBlocking(this::drain, false);
    }
    return awaited ? promise.future() : null;
  }

  /** On a worker: the batches one after the other until none waits. */
  private Void drain() {
    while (true) {
      Map<String, String> batch;
      List<Done> done;
      synchronized (lock) {
        if (pending.isEmpty()) {
          writing = false;
          return null;
        }
        batch = pending;
        done = pendingDone;
        pending = new LinkedHashMap<>();
        pendingDone = new ArrayList<>();
      }
      RuntimeException failure = null;
      try {
        apply(map, batch);
      } catch (RuntimeException e) {
        failure = e;
      }
      complete(done, failure);
    }
  }

  /**
   * The futures of one batch, in the order their writes were made: one hand-off per caller context and batch rather
   * than one per write.
   */
  private static void complete(List<Done> done, RuntimeException failure) {
    Map<Context, List<Promise<Void>>> byContext = new LinkedHashMap<>();
    for (Done d : done) {
      byContext.computeIfAbsent(d.context(), c -> new ArrayList<>()).add(d.promise());
    }
    byContext.forEach((context, promises) -> context.runOnContext(v -> {
      for (Promise<Void> p : promises) {
        if (failure == null) {
          p.complete();
        } else {
          p.fail(failure);
        }
      }
    }));
  }

  /** Puts first (one {@code putAll} when several), then removals. */
  static void apply(ConcurrentMap<String, String> map, Map<String, String> batch) {
    Map<String, String> puts = new HashMap<>();
    List<String> removals = new ArrayList<>();
    batch.forEach((k, v) -> {
      if (v == null) {
        removals.add(k);
      } else {
        puts.put(k, v);
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
