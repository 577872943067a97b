package io.ipsecmesh.esp.ha;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.esp.fwd.SaDatabase;
import io.ipsecmesh.esp.fwd.SaOwnership;
import io.ipsecmesh.proto.bus.BusCodecs;
import io.ipsecmesh.proto.time.VirtualScheduler;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two forwarder instances' bus side on one (local) event bus, their timers on one virtual clock, all on one
 * Vert.x context as in the verticle: they hear each other on {@code fwd.members} and agree on the member set, a
 * frame sent to {@code fwd.handoff.<id>} reaches that instance's pipelines, and an instance whose cluster drops
 * below the quorum is fenced within one check and unfenced when it is back. No real time is asserted: the test
 * waits only for the bus to deliver.
 */
class EspScaleOutTest {

  private final Vertx vertx = Vertx.vertx();
  private final Context context = vertx.getOrCreateContext();
  private final VirtualScheduler clock = new VirtualScheduler();
  private final AtomicInteger clusterSize = new AtomicInteger(3);
  private final List<String> delivered = new CopyOnWriteArrayList<>();

  private final class Instance {
    final SaOwnership ownership;
    final EspScaleOut scaleOut;

    Instance(String id) {
      ownership = new SaOwnership(id, new SaDatabase(p -> { }), (pair, done) -> { }, new SaOwnership.Events() {
        @Override
        public void tookOver(io.ipsecmesh.esp.fwd.SaPair pair, long firstSequence) {}

        @Override
        public void released(io.ipsecmesh.esp.fwd.SaPair pair, String owner) {}

        @Override
        public void noSequenceNumbers(io.ipsecmesh.esp.fwd.SaPair pair, String why) {}
      });
      scaleOut = new EspScaleOut(vertx, clock, new EspScaleOutSettings(true, id, 2), ownership,
          new EspHandoff.Target() {
            @Override
            public void inbound(byte[] a, int off, int len, InetSocketAddress sender) {
              delivered.add(id + " inbound " + len + " from " + sender);
            }

            @Override
            public void outbound(byte[] a, int off, int len) {
              delivered.add(id + " outbound " + len);
            }
          }, clusterSize::get);
    }
  }

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Runs {@code action} on the instances' context and waits for it (and for the bus messages it queued). */
  private <T> T onContext(Supplier<T> action) throws Exception {
    CompletableFuture<T> f = new CompletableFuture<>();
    context.runOnContext(v -> {
      try {
        f.complete(action.get());
      } catch (RuntimeException e) {
        f.completeExceptionally(e);
      }
    });
    T result = f.get(10, TimeUnit.SECONDS);
    // the bus delivers on the same context after the action: a second hop lets those handlers run
    CompletableFuture<Void> settled = new CompletableFuture<>();
    context.runOnContext(v -> context.runOnContext(w -> settled.complete(null)));
    settled.get(10, TimeUnit.SECONDS);
    return result;
  }

  private void advance(long millis) throws Exception {
    for (long t = 0; t < millis; t += 100) {
      onContext(() -> {
        clock.advance(100);
        return null;
      });
    }
  }

  @Test
  void instancesAgreeOnMembersHandOffReachesTheOwnerAndTheQuorumFences() throws Exception {
    BusCodecs.register(vertx);
    Instance a = onContext(() -> new Instance("esp-a"));
    Instance b = onContext(() -> new Instance("esp-b"));
    CompletableFuture<Void> started = new CompletableFuture<>();
    context.runOnContext(v -> a.scaleOut.start().compose(x -> b.scaleOut.start())
        .onComplete(r -> started.complete(null)));
    started.get(10, TimeUnit.SECONDS);
    advance(2_000); // listen 1.5 s, join at the next heartbeat
    assertEquals(Set.of("esp-a", "esp-b"), onContext(a.ownership::members));
    assertEquals(Set.of("esp-a", "esp-b"), onContext(b.ownership::members));

    byte[] esp = {0x12, 0x34, 0x56, 0x78, 0, 0, 0, 1};
    EspHandoff sender = new EspHandoff(EspScaleOut.bus(vertx), System::nanoTime);
    sender.inbound("esp-b", esp, 0, esp.length, new InetSocketAddress("198.51.100.7", 4500), true);
    sender.outbound("esp-a", esp, 0, 5);
    for (int i = 0; i < 100 && delivered.size() < 2; i++) {
      Thread.sleep(20); // the bus delivers asynchronously
    }
    assertEquals(Set.of("esp-b inbound 8 from /198.51.100.7:4500", "esp-a outbound 5"), Set.copyOf(delivered));

    assertFalse(onContext(a.ownership::fenced));
    clusterSize.set(1); // the other members are gone from Hazelcast's view: a minority of a quorum of 2
    advance(EspScaleOut.QUORUM_CHECK_MILLIS);
    assertTrue(onContext(a.ownership::fenced));
    assertTrue(onContext(b.ownership::fenced));
    clusterSize.set(2);
    advance(EspScaleOut.QUORUM_CHECK_MILLIS);
    assertFalse(onContext(a.ownership::fenced));

    onContext(() -> {
      b.scaleOut.leave(); // orderly: a drops it at once, no timeout
      return null;
    });
    assertEquals(Set.of("esp-a"), onContext(a.ownership::members));
    assertTrue(onContext(b.ownership::fenced), "a leaving instance sends on nothing");
    onContext(() -> {
      a.scaleOut.leave();
      return null;
    });
  }
}
