package io.ipsecmesh.dpd;

import java.util.ArrayDeque;

/**
 * At most a budget of probes per wheel tick; the rest wait their turn in order and go out at the next ticks. The
 * budget is twice the highest average rate the watched peers can ask for (every DPD interval is at least
 * {@link #SHORTEST_INTERVAL_MILLIS}), and never below {@link #MIN_PER_TICK}, so a gateway whose peers are spread over
 * their interval never waits here: only a clump does.
 *
 * <p>Why: the answers of a clump of probes arrive together, and a peer's next probe is due an interval after its
 * answer is read — so peers whose answers were read together (behind a GC pause, after a burst of set-ups) stay
 * together, and the clumps grow from cycle to cycle (the synchronisation of periodic messages that Floyd and Jacobson
 * described for routing updates). At 100 000 peers the gateway's load swung between 10 % and 99 % of the machine with
 * the DPD period and its IKE socket dropped answers at the peaks (docs/performance.md, "DPD under local overload").
 * Paced, a clump leaves spread, its answers come back spread, and so do the next probes. One loop's: not thread-safe.
 */
final class ProbePacer {

  /** IOS's lower bound of {@code crypto isakmp keepalive} and {@code dpd} (10–3600 s). */
  static final long SHORTEST_INTERVAL_MILLIS = 10_000;
  /** A budget below which pacing would only slow small gateways down: 100 per 10 ms tick is 10 000 a second. */
  static final int MIN_PER_TICK = 100;

  private final ArrayDeque<PeerLiveness> waiting = new ArrayDeque<>();
  private final long tickMillis;
  private int budget = MIN_PER_TICK;
  private int sent;

  ProbePacer(long tickMillis) {
    this.tickMillis = tickMillis;
  }

  /** True: send now. False: {@code peer} waits; {@link PeerLiveness#sendQueuedProbe} is called at its turn. */
  boolean admit(PeerLiveness peer) {
    if (waiting.isEmpty() && sent < budget) {
      sent++;
      return true;
    }
    waiting.add(peer);
    return false;
  }

  /**
   * After each tick of the wheel: the waiting probes in what the tick's expiries left of its budget, then a new
   * budget for {@code peers} watched peers.
   */
  void afterTick(int peers, long now) {
    while (sent < budget && !waiting.isEmpty()) {
      if (waiting.poll().sendQueuedProbe(now)) {
        sent++;
      }
    }
    budget = (int) Math.max(MIN_PER_TICK, Math.ceilDiv(2L * peers * tickMillis, SHORTEST_INTERVAL_MILLIS));
    sent = 0;
  }

  /** Probes waiting for their turn. */
  int waiting() {
    return waiting.size();
  }

  int budget() {
    return budget;
  }
}
