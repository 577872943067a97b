package io.ipsecmesh.proto.time;

import java.util.ArrayList;
import java.util.List;

/**
 * A hashed timing wheel (Varghese &amp; Lauck) driven by one periodic tick of a {@link Scheduler}: 100 000
 * peers cost one scheduler timer, not 100 000. Timeouts are intrusive ({@link Timeout} is the list node),
 * so scheduling, rescheduling and cancelling are O(1) and allocate nothing.
 *
 * <p>Tick {@code k} runs at {@code origin + k·tick}; a timeout with deadline {@code d} expires at the first
 * tick at or after {@code d}, so it is never early and at most one tick late. Deadlines that are
 * multiples of the tick (every rule of the seed documents in virtual time) expire exactly on time.
 * Single-threaded: every method must run on the scheduler's thread (the verticle's event loop).
 *
 * <p>A tick that runs {@value #STALL_MILLIS} ms or more late means this process did not run (a stop-the-world
 * pause, a starved event loop): the wheel then resumes where it stopped instead of catching up, so every pending
 * timeout expires that much later. The time a process did not observe is not time its timers may count: DPD must
 * not declare a peer dead for answers that sat unread in our socket while we were stopped (a 10 s pause at 65 000
 * peers declared 63 000 of them dead at once, docs/performance.md, "100 000 IKE SAs"). Shorter lateness is caught
 * up tick by tick as before, and virtual time is never late.
 *
 * <p>Here, in shared-proto, because every timer-driven service uses it (dpd-service's peer liveness,
 * nat-keepalive's mappings) and services share nothing else.
 */
public final class TimingWheel {

  /** Bucket marker: not scheduled. */
  private static final int IDLE = -1;
  /** Bucket marker: taken out of its bucket by the running tick, about to expire. */
  private static final int EXPIRING = -2;

  private static final System.Logger LOG = System.getLogger(TimingWheel.class.getName());

  /** Lateness of a tick taken as a stall of this process: above scheduling jitter and young-GC pauses. */
  public static final long STALL_MILLIS = 1_000;

  /** The list node of one timer; the owner extends it and reacts in {@link #expire(long)}. */
  public abstract static class Timeout {
    private Timeout prev;
    private Timeout next;
    private long deadlineTick;
    private int bucket = IDLE;

    /** Runs on the wheel's thread when the deadline has passed; may reschedule itself. */
    protected abstract void expire(long nowMillis);

    public final boolean isScheduled() {
      return bucket >= 0;
    }
  }

  private final Scheduler scheduler;
  private final long tickMillis;
  private final Timeout[] buckets;
  private final int mask;
  private final Runnable afterTick;
  /** When tick 0 was; moves forward by the length of each stall. */
  private long originMillis;
  private final List<Timeout> expiring = new ArrayList<>();
  /** Index of the next tick to run; while tick k runs this is already k + 1. */
  private long nextTick = 1;
  private int size;
  private long stalledMillis;
  private Scheduler.Timer pending;
  private boolean running;

  /**
   * @param wheelSize number of buckets, rounded up to a power of two; pick {@code wheelSize·tick} above the
   *                  usual timeout so that buckets hold no timers of later rounds
   * @param afterTick runs after every batch of ticks (lets owners flush what the expiries collected)
   */
  public TimingWheel(Scheduler scheduler, long tickMillis, int wheelSize, Runnable afterTick) {
    if (tickMillis <= 0 || wheelSize <= 0) {
      throw new IllegalArgumentException("tick and wheel size must be positive");
    }
    this.scheduler = scheduler;
    this.tickMillis = tickMillis;
    int n = Integer.highestOneBit(Math.max(1, wheelSize - 1)) << 1;
    this.buckets = new Timeout[n];
    this.mask = n - 1;
    this.afterTick = afterTick;
    this.originMillis = scheduler.nowMillis();
  }

  public long tickMillis() {
    return tickMillis;
  }

  /** Starts the periodic tick; idempotent. */
  public void start() {
    if (!running) {
      running = true;
      armNextTick();
    }
  }

  /** Stops the tick; scheduled timeouts stay and resume on {@link #start()}. */
  public void stop() {
    running = false;
    if (pending != null) {
      pending.cancel();
      pending = null;
    }
  }

  /** (Re)schedules {@code timeout} to expire at the first tick at or after {@code deadlineMillis}. */
  public void schedule(Timeout timeout, long deadlineMillis) {
    if (timeout.bucket >= 0) {
      unlink(timeout);
    }
    long tick = Math.ceilDiv(deadlineMillis - originMillis, tickMillis);
    // A deadline already passed (or within the tick that is running) expires at the next tick.
    link(timeout, Math.max(tick, nextTick));
  }

  /** @return true when the timeout was scheduled (or about to expire) and now will not expire */
  public boolean cancel(Timeout timeout) {
    if (timeout.bucket >= 0) {
      unlink(timeout);
      return true;
    }
    if (timeout.bucket == EXPIRING) {
      timeout.bucket = IDLE;
      return true;
    }
    return false;
  }

  /** Milliseconds the wheel has skipped as stalls of this process ({@link #STALL_MILLIS}). */
  public long stalledMillis() {
    return stalledMillis;
  }

  /** Timeouts scheduled and not yet expired. */
  public int size() {
    return size;
  }

  private void armNextTick() {
    long due = originMillis + nextTick * tickMillis;
    pending = scheduler.schedule(due - scheduler.nowMillis(), this::onTick);
  }

  private void onTick() {
    if (!running) {
      return;
    }
    try {
      long now = scheduler.nowMillis();
      long late = now - (originMillis + nextTick * tickMillis);
      if (late >= STALL_MILLIS) {
        long skipped = late / tickMillis * tickMillis;
        originMillis += skipped;
        stalledMillis += skipped;
        LOG.log(System.Logger.Level.WARNING, "this process did not run for {0} ms: every timer of this wheel postponed"
            + " by that much", late);
      }
      // Real timers may fire late: run every tick that fell due, so no timeout is skipped.
      while (originMillis + nextTick * tickMillis <= now) {
        runTick(nextTick++, now);
      }
      if (afterTick != null) {
        afterTick.run();
      }
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "timing wheel tick failed", e);
    } finally {
      if (running) {
        armNextTick();
      }
    }
  }

  private void runTick(long tick, long now) {
    int b = (int) (tick & mask);
    // Collect first, expire second: an expiry may reschedule or cancel any timeout, including ones of
    // this bucket, and must not break the walk.
    for (Timeout t = buckets[b]; t != null; ) {
      Timeout next = t.next;
      if (t.deadlineTick <= tick) {
        unlink(t);
        t.bucket = EXPIRING;
        expiring.add(t);
      }
      t = next;
    }
    for (int i = 0; i < expiring.size(); i++) {
      Timeout t = expiring.get(i);
      if (t.bucket != EXPIRING) {
        continue; // cancelled or rescheduled by an earlier expiry of this tick
      }
      t.bucket = IDLE;
      try {
        t.expire(now);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.ERROR, "timeout expiry failed", e);
      }
    }
    expiring.clear();
  }

  private void link(Timeout t, long tick) {
    int b = (int) (tick & mask);
    t.deadlineTick = tick;
    t.bucket = b;
    t.prev = null;
    t.next = buckets[b];
    if (t.next != null) {
      t.next.prev = t;
    }
    buckets[b] = t;
    size++;
  }

  private void unlink(Timeout t) {
    if (t.prev != null) {
      t.prev.next = t.next;
    } else {
      buckets[t.bucket] = t.next;
    }
    if (t.next != null) {
      t.next.prev = t.prev;
    }
    t.prev = null;
    t.next = null;
    t.bucket = IDLE;
    size--;
  }
}
