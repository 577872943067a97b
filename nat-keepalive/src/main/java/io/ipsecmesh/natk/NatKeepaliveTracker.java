package io.ipsecmesh.natk;

import io.ipsecmesh.proto.bus.NatKeepaliveMessages.Target;
import io.ipsecmesh.proto.time.Scheduler;
import io.ipsecmesh.proto.time.TimingWheel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * Decides when each NAT-T path needs a keepalive (RFC 3948 §2.3, {@code crypto isakmp nat keepalive}):
 * when nothing was sent or received on it for the interval, ±5 % jitter. Keepalives that fall due in one
 * wheel tick leave as one batch. A changed interval applies to every path "when the keepalive for that SA
 * is sent based on the existing timer": a pending keepalive keeps its instant, the next one uses the new
 * interval.
 *
 * <p>With several nat-keepalive instances each path has one owner ({@code ownedHere}, rendezvous hashing over
 * the live instances): every instance knows every path and the traffic on it, and only the owner keeps a
 * timer and sends. When a path moves here ({@link #ownershipChanged()}: its owner died or left, or this
 * instance joined), its keepalive is due one interval after the last traffic this instance heard on it; the
 * previous owner's keepalives are not heard here, so a path without traffic gets one at the next tick. The
 * binding thus never goes without a keepalive for longer than the interval plus the time to notice a dead
 * instance, at the cost of at most one early keepalive per moved path. Not thread-safe: runs on one event loop.
 */
public final class NatKeepaliveTracker {

  /** 100 ms resolution; 1024 buckets span 102 s, above the usual 10–60 s intervals. */
  public static final long DEFAULT_TICK_MILLIS = 100;
  public static final int DEFAULT_WHEEL_SIZE = 1024;

  private final Scheduler scheduler;
  private final TimingWheel wheel;
  private final RandomGenerator random;
  private final Consumer<List<Target>> sender;
  private final Predicate<Target> ownedHere;
  private final NatKeepaliveMetrics metrics;
  private final Map<Long, NatMapping> bySpi = new HashMap<>();
  private final Map<Target, NatMapping> byTarget = new HashMap<>();
  private final List<Target> due = new ArrayList<>();
  /** null: {@code crypto isakmp nat keepalive} is not configured, no keepalives (the IOS default). */
  private NatKeepaliveSettings settings;

  /**
   * @param random source of the jitter; inject a seeded one in tests
   * @param sender receives each tick's batch of paths to send a keepalive on
   */
  public NatKeepaliveTracker(Scheduler scheduler, Optional<NatKeepaliveSettings> settings, RandomGenerator random,
      Consumer<List<Target>> sender, NatKeepaliveMetrics metrics) {
    this(scheduler, settings, random, sender, metrics, t -> true);
  }

  /** @param ownedHere whether this instance sends the path's keepalives; re-asked on {@link #ownershipChanged()} */
  public NatKeepaliveTracker(Scheduler scheduler, Optional<NatKeepaliveSettings> settings, RandomGenerator random,
      Consumer<List<Target>> sender, NatKeepaliveMetrics metrics, Predicate<Target> ownedHere) {
    this(scheduler, settings, random, sender, metrics, ownedHere, DEFAULT_TICK_MILLIS, DEFAULT_WHEEL_SIZE);
  }

  public NatKeepaliveTracker(Scheduler scheduler, Optional<NatKeepaliveSettings> settings, RandomGenerator random,
      Consumer<List<Target>> sender, NatKeepaliveMetrics metrics, Predicate<Target> ownedHere, long tickMillis,
      int wheelSize) {
    this.scheduler = scheduler;
    this.ownedHere = ownedHere;
    this.settings = settings.orElse(null);
    this.random = random;
    this.sender = sender;
    this.metrics = metrics;
    this.wheel = new TimingWheel(scheduler, tickMillis, wheelSize, this::flush);
  }

  public void start() {
    wheel.start();
  }

  public void stop() {
    wheel.stop();
  }

  /**
   * A UDP-encapsulated Child SA was installed. Its negotiation just crossed the NAT, so the path counts as
   * active now.
   */
  public void childSaInstalled(long inboundSpi, Target target) {
    add(inboundSpi, target, scheduler.nowMillis());
  }

  /**
   * A UDP-encapsulated Child SA installed before this instance started (read from the shared map): when the
   * path last carried anything, keepalives included, is unknown here, so a keepalive is due at once unless
   * traffic is heard before this instance claims the path.
   */
  public void childSaLoaded(long inboundSpi, Target target) {
    add(inboundSpi, target, NatMapping.NEVER);
  }

  private void add(long inboundSpi, Target target, long lastActivityMillis) {
    childSaDeleted(inboundSpi);
    NatMapping m = byTarget.get(target);
    if (m == null) {
      m = new NatMapping(target, this);
      byTarget.put(target, m);
      metrics.mappingAdded();
      m.lastActivityMillis = lastActivityMillis;
      if (ownedHere.test(target)) {
        claim(m);
      }
    }
    m.childSas++;
    bySpi.put(inboundSpi, m);
  }

  /**
   * The instances changed (one joined, died or left): claims the paths that are now this instance's, arming
   * each from the last traffic heard on it, and drops the timers of the paths that moved away.
   */
  public void ownershipChanged() {
    for (NatMapping m : byTarget.values()) {
      boolean owned = ownedHere.test(m.target());
      if (owned && !m.owned) {
        claim(m);
      } else if (!owned && m.owned) {
        m.owned = false;
        wheel.cancel(m);
        metrics.ownedRemoved();
      }
    }
  }

  private void claim(NatMapping m) {
    m.owned = true;
    metrics.ownedAdded();
    arm(m);
  }

  /** The Child SA is gone; the path stops being kept open when its last SA goes. */
  public void childSaDeleted(long inboundSpi) {
    NatMapping m = bySpi.remove(inboundSpi);
    if (m != null && --m.childSas == 0) {
      wheel.cancel(m);
      byTarget.remove(m.target());
      metrics.mappingRemoved();
      if (m.owned) {
        m.owned = false;
        metrics.ownedRemoved();
      }
    }
  }

  /** One SA line of a {@code fwd.activity} summary: traffic either way keeps the binding open. */
  public void activity(long inboundSpi, boolean sent, boolean received) {
    if (sent || received) {
      NatMapping m = bySpi.get(inboundSpi);
      if (m != null) {
        m.lastActivityMillis = scheduler.nowMillis();
      }
    }
  }

  /** {@code crypto isakmp nat keepalive} changed, appeared or was removed. */
  public void reconfigure(Optional<NatKeepaliveSettings> newSettings) {
    NatKeepaliveSettings previous = settings;
    settings = newSettings.orElse(null);
    if (settings == null) {
      for (NatMapping m : byTarget.values()) {
        wheel.cancel(m);
      }
    } else if (previous == null) {
      for (NatMapping m : byTarget.values()) {
        arm(m);
      }
    }
    // Interval changed: pending keepalives keep their instant; each draws the new interval once sent.
  }

  public int mappings() {
    return byTarget.size();
  }

  public int armedTimers() {
    return wheel.size();
  }

  /** Whether a Child SA of this inbound SPI is known (installed or loaded). */
  public boolean knows(long inboundSpi) {
    return bySpi.containsKey(inboundSpi);
  }

  /** Paths whose keepalives this instance sends. */
  public int ownedMappings() {
    int n = 0;
    for (NatMapping m : byTarget.values()) {
      n += m.owned ? 1 : 0;
    }
    return n;
  }

  /** Whether this instance sends the keepalives of {@code target} (false for a path it does not know). */
  public boolean sendsFor(Target target) {
    NatMapping m = byTarget.get(target);
    return m != null && m.owned;
  }

  void idleTimerExpired(NatMapping m, long now) {
    if (!m.owned) {
      return; // moved away while this expiry was in flight
    }
    long deadline = m.lastActivityMillis + m.intervalMillis;
    if (now < deadline) {
      wheel.schedule(m, deadline); // traffic since the timer was armed
      return;
    }
    due.add(m.target());
    m.lastActivityMillis = now; // the keepalive itself is traffic on the path
    arm(m);
  }

  private void arm(NatMapping m) {
    if (settings == null || !m.owned) {
      return;
    }
    long jitter = settings.maxJitterMillis();
    m.intervalMillis = settings.intervalMillis() - jitter + random.nextLong(2 * jitter + 1);
    // a deadline already passed (a path claimed after its interval ran out) expires at the next tick
    wheel.schedule(m, Math.max(m.lastActivityMillis + m.intervalMillis, scheduler.nowMillis()));
  }

  private void flush() {
    if (due.isEmpty()) {
      return;
    }
    List<Target> batch = List.copyOf(due);
    due.clear();
    metrics.sent(batch.size());
    sender.accept(batch);
  }
}
