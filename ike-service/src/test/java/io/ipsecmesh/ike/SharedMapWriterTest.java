package io.ipsecmesh.ike;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.ipsecmesh.proto.bus.IkeMessages;
import io.ipsecmesh.proto.bus.RecordJson;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The shared-map writes of one ike-service go in order and grouped: what arrives while a batch is being written
 * goes in the next one, which the same worker writes right after, a later write of a key replaces an earlier one, a
 * batch's puts precede its removals (a rekey's new Child SA is in the map before the old one leaves), and a write's
 * future completes once its batch is in the map.
 */
@ExtendWith(VertxExtension.class)
class SharedMapWriterTest {

  /** A map that records each operation and holds the first put until released (a slow Hazelcast call). */
  private static final class RecordingMap extends ConcurrentHashMap<String, String> {
    final List<String> ops = new CopyOnWriteArrayList<>();
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public String put(String key, String value) {
      ops.add("put " + key);
      try {
        release.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return super.put(key, value);
    }

    @Override
    public void putAll(Map<? extends String, ? extends String> m) {
      ops.add("putAll " + new TreeSet<>(m.keySet()));
      super.putAll(m);
    }

    @Override
    public String remove(Object key) {
      ops.add("remove " + key);
      return super.remove(key);
    }
  }

  private static IkeMessages.LivenessProof row(String id) {
    return new IkeMessages.LivenessProof(id, "172.31.255.1");
  }

  @Test
  void writesMadeWhileABatchIsInFlightGoTogetherInOrder(Vertx vertx, VertxTestContext ctx) {
    RecordingMap map = new RecordingMap();
    vertx.runOnContext(x -> {
      SharedMapWriter w = new SharedMapWriter(vertx, map);
      Future<Void> first = w.put("old", row("old-1"));
      // once the worker is inside the map's put of "old", these arrive: one batch, the last write of each key kept
      vertx.setPeriodic(1, id -> {
        if (map.ops.isEmpty()) {
          return;
        }
        vertx.cancelTimer(id);
        w.put("new", row("new-1"));
        w.put("other", row("other-1"));
        w.put("new", row("new-2"));
        w.remove("old");
        Future<Void> last = w.remove("gone");
        ctx.verify(() -> assertFalse(first.isComplete(), "the first write is still held by the map"));
        map.release.countDown();
        last.onComplete(ctx.succeeding(ok -> ctx.verify(() -> {
          assertEquals(List.of("put old", "putAll [new, other]", "remove old", "remove gone"), map.ops);
          assertEquals("new-2", RecordJson.fromJson(new JsonObject(map.get("new")),
              IkeMessages.LivenessProof.class).ikeSaId());
          assertFalse(map.containsKey("old"));
          assertEquals(true, first.succeeded());
          ctx.completeNow();
        })));
      });
    });
  }

  @Test
  void aLoneWriteGoesAtOnce(Vertx vertx, VertxTestContext ctx) {
    RecordingMap map = new RecordingMap();
    map.release.countDown();
    vertx.runOnContext(x -> new SharedMapWriter(vertx, map).put("k", row("k")).onComplete(ctx.succeeding(ok ->
        ctx.verify(() -> {
          assertEquals(List.of("put k"), map.ops);
          ctx.completeNow();
        }))));
  }

  @Test
  void writesNobodyWaitsForKeepTheirPlaceInTheBatchesAndTheOrder(Vertx vertx, VertxTestContext ctx) {
    RecordingMap map = new RecordingMap();
    vertx.runOnContext(x -> {
      SharedMapWriter w = new SharedMapWriter(vertx, map);
      w.putQuietly("old", row("old-1"));
      vertx.setPeriodic(1, id -> {
        if (map.ops.isEmpty()) {
          return;
        }
        vertx.cancelTimer(id);
        // a rekey as BusEvents makes it: the new Child SA quietly, the old one's removal awaited (it is announced)
        w.putQuietly("new", row("new-1"));
        w.putQuietly("other", row("other-1"));
        Future<Void> removed = w.remove("old");
        w.putQuietly("new", row("new-2"));
        map.release.countDown();
        removed.onComplete(ctx.succeeding(ok -> ctx.verify(() -> {
          assertEquals(List.of("put old", "putAll [new, other]", "remove old"), map.ops);
          assertEquals("new-2", RecordJson.fromJson(new JsonObject(map.get("new")),
              IkeMessages.LivenessProof.class).ikeSaId());
          assertFalse(map.containsKey("old"));
          ctx.completeNow();
        })));
      });
    });
  }
}
