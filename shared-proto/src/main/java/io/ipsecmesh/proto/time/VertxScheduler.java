package io.ipsecmesh.proto.time;

import io.vertx.core.Vertx;

/** Real time on a Vert.x context: tasks run on the event loop of the verticle that created it. */
public final class VertxScheduler implements Scheduler {

  private final Vertx vertx;

  public VertxScheduler(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public long nowMillis() {
    return System.nanoTime() / 1_000_000L;
  }

  @Override
  public Timer schedule(long delayMillis, Runnable task) {
    long id = vertx.setTimer(Math.max(1, delayMillis), ignored -> task.run());
    return () -> vertx.cancelTimer(id);
  }
}
