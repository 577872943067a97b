package io.ipsecmesh.proto.time;

/**
 * The one source of time for every timer-driven component (DPD, NAT keepalive, lifetimes, idle
 * timers, retransmission). Production uses {@link VertxScheduler}; tests use {@link VirtualScheduler}
 * so that timer rules of the seed documents can be asserted to the millisecond.
 */
public interface Scheduler {

  /** Monotonic milliseconds; only differences are meaningful. */
  long nowMillis();

  /** Runs {@code task} once, {@code delayMillis} from now, on the owner's thread/context. */
  Timer schedule(long delayMillis, Runnable task);

  /** A scheduled task that may still be cancelled. */
  interface Timer {
    /** @return true when the task had not yet run and now never will */
    boolean cancel();
  }
}
