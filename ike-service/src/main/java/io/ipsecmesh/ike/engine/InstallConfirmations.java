package io.ipsecmesh.ike.engine;

import io.ipsecmesh.proto.time.Scheduler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The responder's answer waits for the data plane: RFC 7296 §2.8, "The responder to a CREATE_CHILD_SA MUST be prepared
 * to accept messages on an SA before sending its response". Installing means publishing {@code sa.child.installed};
 * the forwarder accepts the inbound half when its control context takes the message, which on saturated cores came
 * milliseconds after the initiator already sent on the new SA (packets lost to {@code invalid SPI} during a rekey
 * under load). So the Child SAs an exchange installs as responder are {@link #expect expected}, the answer is
 * {@link #release released} only once the owning forwarder confirmed every inbound SPI ({@link #accepted}), and at
 * the latest {@link #TIMEOUT_MILLIS} after it was ready: a forwarder that is down must not hold IKE up. Answers that
 * left unconfirmed are counted ({@link #unconfirmed}), and a confirmation that still comes says how late it was.
 *
 * <p>The same holds for IKE_AUTH's first Child SA: the initiator may send on it as soon as it has the response. And
 * for the initiator of a Child SA rekey, whose DELETE of the old SA ({@link ChildRekeyTask}) lets the peer move its
 * traffic to the new SA at once: that DELETE waits the same way (an "answer" below is whatever a gate holds).
 * Single-threaded like the engine.
 */
final class InstallConfirmations {

  /**
   * How long an answer waits for the forwarder. Warm, in one JVM, answers waited 0.45–0.80 ms on average; the
   * first Child SA of a freshly started split deployment took 728 ms (containers on two vCPUs: the forwarder's first
   * install and first message to this address). Below strongSwan's first retransmission (4 s); a peer that
   * retransmits sooner gets the answer at once, from the reply cache, so a long bound never costs a retransmission.
   */
  static final long TIMEOUT_MILLIS = 1000;

  /** The inbound SPIs one answer waits for, and what sends it. */
  static final class Gate {
    private final List<Long> waiting = new ArrayList<>(1);
    private Runnable answer;
    private long readyAt;
  }

  /** At most one log line per this many milliseconds: a forwarder that is down would otherwise log every SA. */
  static final long LOG_INTERVAL_MILLIS = 10_000;
  private static final System.Logger LOG = System.getLogger("io.ipsecmesh.ike");

  private final Scheduler scheduler;
  private final java.util.function.Supplier<EngineStats> stats;
  private final Map<Long, Gate> bySpi = new HashMap<>();
  /**
   * The released gates in the order they became ready, so in deadline order, answered ones included until they reach
   * the head: one timer for the oldest deadline instead of a timer set and cancelled per answer (which cost about 2 % of
   * the event loops' samples at 400 IKE SAs a second). Holds at most the answers of one bound.
   */
  private final java.util.ArrayDeque<Gate> byDeadline = new java.util.ArrayDeque<>();
  private boolean timerArmed;
  /**
   * The SPIs answered without confirmation, with when their answer left (the newest {@value #LATE_REMEMBERED}): a
   * confirmation that still comes says by how much the bound was short, rather than the forwarder being down.
   */
  private final Map<Long, Long> late = new java.util.LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
      return size() > LATE_REMEMBERED;
    }
  };
  static final int LATE_REMEMBERED = 256;
  private long unconfirmed;
  private final Throttled unconfirmedWarning = new Throttled();
  private final Throttled lateWarning = new Throttled();

  /** @param stats where the waits and the unconfirmed SAs are counted (the engine's current metrics) */
  InstallConfirmations(Scheduler scheduler, java.util.function.Supplier<EngineStats> stats) {
    this.scheduler = scheduler;
    this.stats = stats;
  }

  /** A Child SA on {@code inboundSpi} was installed: {@code gate} (null: a new one) waits for it. */
  Gate expect(Gate gate, long inboundSpi) {
    Gate g = gate != null ? gate : new Gate();
    g.waiting.add(inboundSpi);
    bySpi.put(inboundSpi, g);
    return g;
  }

  /** Runs {@code answer} once every SPI of {@code gate} is confirmed, or after the bound; at once for no gate. */
  void release(Gate gate, Runnable answer) {
    if (gate == null || gate.waiting.isEmpty()) {
      if (gate != null) {
        stats.get().childSaAnswerWaited(0); // every SA it installed was confirmed before it was ready
      }
      answer.run();
      return;
    }
    gate.answer = answer;
    gate.readyAt = scheduler.nowMillis();
    byDeadline.add(gate);
    armForOldest();
  }

  private void armForOldest() {
    while (!byDeadline.isEmpty() && byDeadline.peek().answer == null) {
      byDeadline.poll(); // answered on its confirmation
    }
    if (timerArmed || byDeadline.isEmpty()) {
      return;
    }
    timerArmed = true;
    long delay = Math.max(0, byDeadline.peek().readyAt + TIMEOUT_MILLIS - scheduler.nowMillis());
    scheduler.schedule(delay, () -> {
      timerArmed = false;
      long now = scheduler.nowMillis();
      for (Gate g; (g = byDeadline.peek()) != null && (g.answer == null || g.readyAt + TIMEOUT_MILLIS <= now); ) {
        byDeadline.poll();
        if (g.answer != null) {
          expire(g);
        }
      }
      armForOldest();
    });
  }

  /** The bound passed: the answer leaves without the confirmations still missing. */
  private void expire(Gate gate) {
    for (long spi : gate.waiting) {
      bySpi.remove(spi);
      late.put(spi, scheduler.nowMillis());
      unconfirmed++;
      stats.get().childSaUnconfirmed();
      unconfirmedWarning.warn(() -> String.format("IKEv2: no esp-forwarder confirmed Child SA %08x within %d ms;"
          + " went on without it (%d so far; is esp-forwarder running?)", spi, TIMEOUT_MILLIS, unconfirmed));
    }
    gate.waiting.clear();
    open(gate);
  }

  /** The answer {@code gate} waited for will not be sent (its IKE SA went): nothing of it is kept. */
  void drop(Gate gate) {
    if (gate != null) {
      gate.waiting.forEach(bySpi::remove);
      gate.waiting.clear();
    }
  }

  /** The forwarder that owns the SA accepts ESP on {@code inboundSpi}; a confirmation nobody waits for is ignored. */
  void accepted(long inboundSpi) {
    Gate g = bySpi.remove(inboundSpi);
    if (g == null) {
      Long answeredAt = late.remove(inboundSpi);
      if (answeredAt != null) {
        long millis = scheduler.nowMillis() - answeredAt;
        lateWarning.warn(() -> String.format("IKEv2: esp-forwarder confirmed Child SA %08x late, %d ms after the bound"
            + " (%d ms after the install)", inboundSpi, millis, millis + TIMEOUT_MILLIS));
      }
      return;
    }
    g.waiting.remove(Long.valueOf(inboundSpi));
    if (g.waiting.isEmpty() && g.answer != null) {
      stats.get().childSaAnswerWaited(scheduler.nowMillis() - g.readyAt);
      open(g);
    }
  }

  private static void open(Gate g) {
    Runnable answer = g.answer;
    g.answer = null;
    answer.run();
  }

  /** A warning at most every {@link #LOG_INTERVAL_MILLIS}: a forwarder that is down would otherwise log every SA. */
  private final class Throttled {
    private long loggedAt = Long.MIN_VALUE;

    void warn(java.util.function.Supplier<String> text) {
      long now = scheduler.nowMillis();
      if (loggedAt == Long.MIN_VALUE || now - loggedAt >= LOG_INTERVAL_MILLIS) {
        loggedAt = now;
        LOG.log(System.Logger.Level.WARNING, text.get());
      }
    }
  }

  /** Child SAs whose answer left after {@link #TIMEOUT_MILLIS} without the forwarder's confirmation. */
  long unconfirmed() {
    return unconfirmed;
  }

  /** SPIs still expected (tests: nothing is kept once answers left). */
  int expected() {
    return bySpi.size();
  }

  /** Released answers the deadline queue still holds, answered ones included until they reach its head (tests). */
  int queued() {
    return byDeadline.size();
  }
}
