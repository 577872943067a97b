package io.ipsecmesh.proto.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.bus.ConfigMessages.ConfigChanged;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.time.VirtualScheduler;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link ConfigMessages} as every service follows it: a first configuration by
 * {@code config.get} (asked again while none is held), newer ones by {@code config.changed}, nothing at
 * or below the held version, and a bad record or a failing applier counted, never thrown. On a real local
 * event bus; the retry timer in virtual time.
 */
class ConfigFollowerTest {

  private Vertx vertx;
  private Context context;
  private final VirtualScheduler clock = new VirtualScheduler();
  private final BlockingQueue<Long> applied = new LinkedBlockingQueue<>();
  private ConfigFollower follower;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    BusCodecs.register(vertx);
    context = vertx.getOrCreateContext();
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aServiceStartedAfterThePublicationGetsTheActiveConfigurationByConfigGet() throws Exception {
    answerConfigGet(3);
    start((version, config) -> applied.add(version));

    assertEquals(3L, next());
    assertEquals(1, call(follower::requests));
    assertEquals(3, call(follower::version));
  }

  @Test
  void theFirstAnswerCompletesAfterTheApplierRanOnTheConfigurationItBrought() throws Exception {
    answerConfigGet(3);
    java.util.List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();
    start((version, config) -> order.add("applied " + version));
    CompletableFuture<Void> answered = new CompletableFuture<>();
    run(() -> follower.firstAnswer().onComplete(r -> {
      order.add("answered");
      answered.complete(null);
    }));
    answered.get(10, TimeUnit.SECONDS);
    assertEquals(java.util.List.of("applied 3", "answered"), order);
  }

  @Test
  void theFirstAnswerAlsoCompletesWhenNoConfigServiceAnswers() throws Exception {
    start((version, config) -> applied.add(version));
    call(follower::firstAnswer).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertFalse(call(follower::holds), "no configuration, and the retries go on");
    awaitRequests(1);
  }

  @Test
  void aStaleVersionIsIgnoredAndTheSamePublicationAppliesOnce() throws Exception {
    start((version, config) -> applied.add(version));
    publish(5);
    assertEquals(5L, next());

    publish(4); // a late config.get reply or an older config-service's publication
    publish(5); // the same publication delivered again
    publish(6);
    assertEquals(6L, next());
    assertNull(applied.poll(200, TimeUnit.MILLISECONDS));
    assertEquals(2, call(follower::staleIgnored));
  }

  @Test
  void aFailedConfigGetIsAskedAgainUntilAConfigServiceAnswers() throws Exception {
    start((version, config) -> applied.add(version));
    awaitRequests(1); // no config-service yet: no handler, the request fails

    run(() -> clock.advance(ConfigFollower.RETRY_MILLIS));
    awaitRequests(2);

    answerConfigGet(7); // config-service (re)joins the cluster
    run(() -> clock.advance(ConfigFollower.RETRY_MILLIS));
    assertEquals(7L, next());

    run(() -> clock.advance(10 * ConfigFollower.RETRY_MILLIS));
    assertEquals(3, call(follower::requests), "no more requests once a configuration is held");
  }

  @Test
  void anUnansweredConfigGetIsAskedAgainWithoutWaitingForTheBusTimeout() throws Exception {
    AtomicInteger asked = new AtomicInteger();
    MessageConsumer<ConfigMessages.GetConfig> c = vertx.eventBus().consumer(ConfigMessages.CONFIG_GET, m -> {
      if (asked.incrementAndGet() > 1) { // the first request's reply is lost
        m.reply(new ConfigChanged(4, GatewayConfig.empty()));
      }
    });
    c.completion().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    start((version, config) -> applied.add(version));
    awaitRequests(1);
    assertNull(applied.poll(200, TimeUnit.MILLISECONDS));

    run(() -> clock.advance(ConfigFollower.RETRY_MILLIS));
    assertEquals(4L, next());
    assertEquals(2, call(follower::requests));
    assertFalse(call(follower::retrying), "held: nothing more is asked");
  }

  @Test
  void aPublicationWhileConfigGetFailsEndsTheRetries() throws Exception {
    start((version, config) -> applied.add(version));
    awaitRequests(1);
    publish(2);
    assertEquals(2L, next());

    answerConfigGet(1);
    run(() -> clock.advance(10 * ConfigFollower.RETRY_MILLIS));
    assertEquals(1, call(follower::requests));
    assertEquals(2, call(follower::version));
  }

  @Test
  void aBadRecordAndAFailingApplierAreCountedNotThrown() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    start((version, config) -> {
      calls.incrementAndGet();
      if (version == 10) {
        throw new IllegalStateException("cannot apply " + version);
      }
      applied.add(version);
    });
    vertx.eventBus().publish(ConfigMessages.CONFIG_CHANGED, new ConfigChanged(9, null));
    publish(10);
    publish(11);

    assertEquals(11L, next(), "the follower keeps following after a bad record and a failed apply");
    assertEquals(2, call(follower::rejected));
    assertEquals(2, calls.get(), "the record without a configuration never reached the applier");
    assertFalse(call(() -> follower.offer(new ConfigChanged(10, GatewayConfig.empty()))));
  }

  @Test
  void aStoppedFollowerAppliesNothing() throws Exception {
    start((version, config) -> applied.add(version));
    run(() -> follower.stop());
    assertFalse(call(() -> follower.offer(new ConfigChanged(1, GatewayConfig.empty()))));
    assertTrue(applied.isEmpty());
  }

  private void start(ConfigFollower.Applier applier) throws Exception {
    CompletableFuture<Void> started = new CompletableFuture<>();
    context.runOnContext(v -> {
      follower = new ConfigFollower(vertx, "test", clock, applier);
      follower.start().onComplete(r -> started.complete(null));
    });
    started.get(10, TimeUnit.SECONDS);
  }

  private void answerConfigGet(long version) throws Exception {
    MessageConsumer<ConfigMessages.GetConfig> c = vertx.eventBus().consumer(ConfigMessages.CONFIG_GET,
        m -> m.reply(new ConfigChanged(version, GatewayConfig.empty())));
    c.completion().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private void publish(long version) {
    vertx.eventBus().publish(ConfigMessages.CONFIG_CHANGED, new ConfigChanged(version, GatewayConfig.empty()));
  }

  private Long next() throws InterruptedException {
    return applied.poll(10, TimeUnit.SECONDS);
  }

  /** The n-th config.get has been asked, and the next one is armed. */
  private void awaitRequests(long n) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (call(follower::requests) < n && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(n, call(follower::requests));
    while (!call(follower::retrying) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertTrue(call(follower::retrying), "the request armed the next one");
  }

  private <T> T call(Callable<T> action) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(v -> {
      try {
        result.complete(action.call());
      } catch (Exception e) {
        result.completeExceptionally(e);
      }
    });
    return result.get(10, TimeUnit.SECONDS);
  }

  private void run(Runnable action) throws Exception {
    call(() -> {
      action.run();
      return null;
    });
  }
}
