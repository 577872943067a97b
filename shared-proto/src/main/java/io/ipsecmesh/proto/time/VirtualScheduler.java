package io.ipsecmesh.proto.time;

import java.util.PriorityQueue;

/**
 * Deterministic virtual time: nothing happens until the test advances the clock, then every task
 * due up to the new instant runs in due order (ties in scheduling order), including tasks that the
 * running tasks schedule inside the advanced interval. Single-threaded by design.
 */
public final class VirtualScheduler implements Scheduler {

  private final PriorityQueue<Entry> queue = new PriorityQueue<>();
  private long now;
  private long sequence;

  public VirtualScheduler() {
    this(0);
  }

  public VirtualScheduler(long startMillis) {
    this.now = startMillis;
  }

  @Override
  public long nowMillis() {
    return now;
  }

  @Override
  public Timer schedule(long delayMillis, Runnable task) {
    if (delayMillis < 0) {
      delayMillis = 0;
    }
    Entry e = new Entry(now + delayMillis, sequence++, task);
    queue.add(e);
    return e;
  }

  /** Advances time by {@code millis}, running every task that falls due. */
  public void advance(long millis) {
    advanceTo(now + millis);
  }

  public void advanceTo(long instant) {
    while (true) {
      Entry next = queue.peek();
      if (next == null || next.due > instant) {
        break;
      }
      queue.poll();
      if (next.cancelled) {
        continue;
      }
      now = next.due;
      next.done = true;
      next.task.run();
    }
    now = Math.max(now, instant);
  }

  /** Tasks still waiting (cancelled ones excluded). */
  public int pending() {
    int n = 0;
    for (Entry e : queue) {
      if (!e.cancelled) {
        n++;
      }
    }
    return n;
  }

  private static final class Entry implements Comparable<Entry>, Timer {
    final long due;
    final long seq;
    final Runnable task;
    boolean cancelled;
    boolean done;

    Entry(long due, long seq, Runnable task) {
      this.due = due;
      this.seq = seq;
      this.task = task;
    }

    @Override
    public boolean cancel() {
      if (done || cancelled) {
        return false;
      }
      cancelled = true;
      return true;
    }

    @Override
    public int compareTo(Entry o) {
      int c = Long.compare(due, o.due);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }
}
