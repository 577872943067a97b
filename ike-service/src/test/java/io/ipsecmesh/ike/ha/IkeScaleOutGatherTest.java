package io.ipsecmesh.ike.ha;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.ike.engine.IkeEngine;
import io.ipsecmesh.ike.engine.RetransmitPolicy;
import io.ipsecmesh.ike.policy.PolicyStore;
import io.ipsecmesh.ike.seam.IkeEventSink;
import io.ipsecmesh.ike.v1.Ikev1Service;
import io.ipsecmesh.proto.bus.BusCodecs;
import io.ipsecmesh.proto.sa.KeyWrap;
import io.ipsecmesh.proto.time.VertxScheduler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: {@code clear crypto session} (and {@code clear crypto ipsec client ezvpn}) reach every ike-service
 * instance. The management API sends the request to one of them; {@link IkeScaleOut#gathered} acts on it there,
 * relays it to every other live member, and answers once with the results combined — each instance clears what
 * it holds. Three scale-out instances on one bus (as in one cluster), each entered separately; the "clear" each
 * one runs is recorded.
 */
class IkeScaleOutGatherTest {

  private static final String ADDRESS = "test.clear";
  private Vertx vertx;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    BusCodecs.register(vertx);
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aRequestEnteringAtAnyInstanceIsHandledByEveryInstanceAndAnsweredOnceWithTheSum() throws Exception {
    List<String> ran = new CopyOnWriteArrayList<>();
    List<IkeScaleOut> instances = List.of(instance("ike-1"), instance("ike-2"), instance("ike-3"));
    for (IkeScaleOut s : instances) {
      // each instance's own consumer of the command, under a per-instance entry address so the test picks the entry
      vertx.eventBus().<String>consumer("entry." + s.instanceId(), s.<String, Integer>gathered(ADDRESS, body -> {
        ran.add(s.instanceId() + ":" + body);
        return 1; // "one SA cleared here"
      }, Integer::sum)).completion().await(5, TimeUnit.SECONDS);
    }
    for (IkeScaleOut s : instances) {
      s.start().await(10, TimeUnit.SECONDS);
    }
    // they hear each other and join (a deadline for a hung test, not a timing assertion)
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!instances.stream().allMatch(s -> s.members().size() == 3)) {
      assertTrue(System.nanoTime() < deadline, "the three instances never saw each other");
      Thread.sleep(50);
    }
    for (IkeScaleOut entry : instances) {
      ran.clear();
      Integer sum = vertx.eventBus().<Integer>request("entry." + entry.instanceId(), "clear crypto session")
          .await(10, TimeUnit.SECONDS).body();
      assertEquals(3, sum, "one answer, the three results combined (entered at " + entry.instanceId() + ")");
      assertEquals(Set.of("ike-1:clear crypto session", "ike-2:clear crypto session", "ike-3:clear crypto session"),
          new TreeSet<>(ran), "every instance ran it, once");
      assertEquals(3, ran.size());
    }
    instances.forEach(IkeScaleOut::leave);
  }

  @Test
  void withoutScaleOutTheRequestIsHandledHereAlone() throws Exception {
    IkeScaleOut alone = IkeScaleOut.create(vertx, new JsonObject(), engine(), new Ikev1Service(
        new VertxScheduler(vertx), new IkeEventSink() {}, d -> { }), d -> { });
    vertx.eventBus().<String>consumer("entry", alone.<String, Integer>gathered(ADDRESS, b -> 7, Integer::sum))
        .completion().await(5, TimeUnit.SECONDS);
    assertEquals(7, vertx.eventBus().<Integer>request("entry", "x").await(10, TimeUnit.SECONDS).body());
  }

  private IkeScaleOut instance(String id) {
    JsonObject cfg = new JsonObject().put("ike-scale-out", "true").put("ike-instance-id", id);
    return IkeScaleOut.create(vertx, cfg, engine(), new Ikev1Service(new VertxScheduler(vertx),
        new IkeEventSink() {}, d -> { }), d -> { });
  }

  private IkeEngine engine() {
    return new IkeEngine(new VertxScheduler(vertx), (la, lp, pa, pp, m) -> { }, new IkeEventSink() {},
        new PolicyStore(), new KeyWrap(new byte[32]), RetransmitPolicy.DEFAULT, IkeEngine.Limits.DEFAULT,
        System::currentTimeMillis);
  }
}
