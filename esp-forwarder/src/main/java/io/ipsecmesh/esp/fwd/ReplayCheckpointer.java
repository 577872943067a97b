package io.ipsecmesh.esp.fwd;

import io.ipsecmesh.proto.time.Scheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * How often the owner of an inbound SA checkpoints the right edge of its anti-replay window (scale-out): the
 * packet thread only moves {@code ReplayWindow#top} (a release store, nothing else); this class, on the control
 * context, samples every owned pair's edge each {@link #SAMPLE_MILLIS} and has the pair's {@code ipsec.sa-counters}
 * row written at once when the edge moved {@link #ADVANCE} or more since the last row, or moved at all and no row
 * carried an edge yet. Besides, {@link SaSupervisor} writes every row once a second ({@link SaSupervisor#TICK_MILLIS})
 * with the edge of that moment. An adopter starts its window there ({@link ReplayCheckpoints}).
 *
 * <p>The exposure this leaves: the numbers the old owner accepted after its last stored row, which an attacker who
 * recorded them can replay once to the adopter. At any instant the stored edge C and the owner's edge E satisfy
 * E − C &lt; {@link #ADVANCE} + the numbers accepted in the last {@link #SAMPLE_MILLIS} + W, and E − C ≤ the
 * numbers accepted in the last {@link SaSupervisor#TICK_MILLIS} + W, W being the time a row takes to be stored
 * (one Hazelcast put, about a millisecond on a LAN). Costs: one map put per owned SA per second, plus at most one per
 * busy SA per sample (≤ 10/s, only for an SA faster than {@link #ADVANCE} per 100 ms, about 10 000 packets/s).
 */
public final class ReplayCheckpointer {

  /** How often the control context samples the windows' edges. */
  public static final long SAMPLE_MILLIS = 100;
  /** An edge this far past the last row is written at the next sample, not at the next once-a-second row. */
  public static final long ADVANCE = 1L << 10;

  private final SaDatabase sad;
  private final Scheduler clock;
  private final Consumer<List<SaPair>> write;
  private Scheduler.Timer timer;
  private boolean stopped;

  /**
   * @param write writes the rows of these pairs (with their edges now) and records each edge as written
   *     ({@link SaSupervisor#publishCounters})
   */
  public ReplayCheckpointer(SaDatabase sad, Scheduler clock, Consumer<List<SaPair>> write) {
    this.sad = sad;
    this.clock = clock;
    this.write = write;
  }

  public void start() {
    timer = clock.schedule(SAMPLE_MILLIS, this::sampleAndReschedule);
  }

  public void stop() {
    stopped = true;
    if (timer != null) {
      timer.cancel();
    }
  }

  private void sampleAndReschedule() {
    if (stopped) {
      return;
    }
    try {
      sample();
    } finally {
      timer = clock.schedule(SAMPLE_MILLIS, this::sampleAndReschedule);
    }
  }

  /** One sample: the rows of the owned pairs whose edge is due. */
  public void sample() {
    List<SaPair> due = null;
    for (SaPair p : sad.pairs()) {
      if (p.remoteOwner != null || p.hardExpired) {
        continue; // another instance's window, or one that opens nothing more
      }
      long edge = p.in.replayTop();
      long written = p.checkpointedEdge;
      if (edge > written && (written == 0 || edge - written >= ADVANCE)) {
        if (due == null) {
          due = new ArrayList<>();
        }
        due.add(p);
      }
    }
    if (due != null) {
      write.accept(due);
    }
  }
}
