package io.ipsecmesh.esp.fwd;

import io.ipsecmesh.esp.spd.Ip128;
import io.ipsecmesh.esp.spd.SpdEntry;
import io.ipsecmesh.proto.bus.FwdMessages;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.SaCounters;
import io.ipsecmesh.proto.time.Scheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The forwarder's once-a-second control work, apart from the packet path: turns the packet
 * threads' plain counters and signal rings into control-plane events — activity summaries, idle
 * and lifetime expiry, acquires, invalid SPIs, replay-error log lines, counter snapshots — and keeps
 * sequence-number reservations ahead of use. Runs on one control context; time comes from a
 * {@link Scheduler}, so every timer rule is testable in virtual time.
 *
 * <p>Once a second a <em>round</em> visits every SA pair, in slices of at most {@link #SLICE_PAIRS} pairs spread
 * evenly over the second rather than all at once: in {@code ipsec-mesh run} the control context may share its event
 * loop with ike-service, and one pass over 100 000 pairs held that loop long enough for DPD answers to overflow the
 * IKE socket (docs/performance.md, "100 000 IKE SAs on one gateway"). Each pair is still seen once a round, at the
 * same point of every round (unless a deletion moved it: {@link SaDatabase#pairsAt}); a slice publishes the activity
 * and counters rows of its own pairs.
 */
public final class SaSupervisor {

  private static final Logger LOG = Logger.getLogger(SaSupervisor.class.getName());

  /** What the supervisor tells the world; the verticle maps it to the bus, Hazelcast and the log. */
  public interface Sink {
    void acquire(FwdMessages.Acquire acquire);

    void invalidSpi(FwdMessages.InvalidSpi invalidSpi);

    void expired(FwdMessages.SaExpired expired);

    void idle(FwdMessages.SaIdle idle);

    void activity(FwdMessages.ActivitySummary summary);

    void counters(List<SaCounters> counters);

    /** A {@code %CRYPTO-…} line (never key material). */
    void log(String line);

    /** Authenticated ESP moved the SA to another peer port ({@code fwd.nat-mapping}); sinks that ignore it may. */
    default void natMapping(FwdMessages.NatMapping moved) {}

    /** Reserve the next sequence block of this SA (asynchronously) and raise its limit. */
    void reserveSequences(SaPair pair);
  }

  public static final long TICK_MILLIS = 1000;
  /**
   * A volume lifetime's soft expiry comes at its soft limit, or earlier when the traffic of the last round, kept up
   * this many rounds more (up to twice as many, by the pair's jitter), would reach the hard limit: a round to notice,
   * the exchange, the peer's install.
   */
  static final int VOLUME_LEAD_ROUNDS = 3;
  /**
   * The most SA pairs one slice of a round visits: a fraction of a millisecond of the control context (about 0.3 ms
   * measured on a busy 2-core machine), so at 100 000 SAs a round is 100 slices 10 ms apart.
   */
  public static final int SLICE_PAIRS = 1000;
  /**
   * Without ESN the soft expiry fires this many numbers before 2^32 - 1 (RFC 4303 §3.3.3: the counter must not
   * cycle; a new SA must be in place first): 2^28 numbers are minutes at 1 Mpps and over ten seconds at 20 Mpps,
   * time for a CREATE_CHILD_SA exchange.
   */
  public static final long SEQUENCE_SOFT_MARGIN_32 = 1L << 28;
  /** The soft limit of a 32-bit sequence space: once this number is sent, a rekey is requested. */
  public static final long SEQUENCE_SOFT_32 = 0xFFFF_FFFFL - SEQUENCE_SOFT_MARGIN_32;
  /**
   * With ESN (RFC 4303 §2.2.1) the rekey comes at 2^62, far before 2^64 (and before the 2^63 - 1 this forwarder
   * counts to): no SA lives that long, but the rule holds even for a counter seeded high.
   */
  public static final long SEQUENCE_SOFT_64 = 1L << 62;

  private final String forwarderId;
  private final SaDatabase sad;
  private final SignalRing acquires;
  private final SignalRing invalidSpis;
  private final Scheduler clock;
  private final Sink sink;
  /** Our address towards a peer (the INVALID_SPI report's destination address), by the peer's address. */
  private final java.util.function.UnaryOperator<String> localAddress;
  /** Clear-text drops of the access check by crypto map entry ("VPN 10"); none without the check. */
  private volatile java.util.function.ToLongFunction<String> cleartextDrops = entry -> 0;
  private final int slicePairs;
  /** Where each pair's soft-limit jitter comes from (uniform in [0, 1)); none until {@link #jitter} sets it. */
  private java.util.function.DoubleSupplier jitter = () -> 0;
  private long summarySequence;
  private long tickFailures;
  /** The current round: how many pairs were installed at its start, and the roster position to visit next. */
  private int roundSize;
  private int roundNext;
  private long roundStartMillis;
  private long sliceSpacingMillis = TICK_MILLIS;
  /** Slices run so far and the most pairs one of them visited (tests, and what a metric may show). */
  private long slices;
  private int largestSlice;

  public SaSupervisor(String forwarderId, SaDatabase sad, SignalRing acquires, SignalRing invalidSpis,
      Scheduler clock, Sink sink, Supplier<String> localAddress) {
    this(forwarderId, sad, acquires, invalidSpis, clock, sink, peer -> localAddress.get());
  }

  /** @param localAddress our address towards a peer address: the one of its family (IPv4 or IPv6 peers) */
  public SaSupervisor(String forwarderId, SaDatabase sad, SignalRing acquires, SignalRing invalidSpis,
      Scheduler clock, Sink sink, java.util.function.UnaryOperator<String> localAddress) {
    this(forwarderId, sad, acquires, invalidSpis, clock, sink, localAddress, SLICE_PAIRS);
  }

  /** @param slicePairs the most pairs a slice of a round visits ({@link #SLICE_PAIRS}; tests use fewer) */
  SaSupervisor(String forwarderId, SaDatabase sad, SignalRing acquires, SignalRing invalidSpis,
      Scheduler clock, Sink sink, java.util.function.UnaryOperator<String> localAddress, int slicePairs) {
    if (slicePairs < 1) {
      throw new IllegalArgumentException("slicePairs must be at least 1: " + slicePairs);
    }
    this.slicePairs = slicePairs;
    this.forwarderId = forwarderId;
    this.sad = sad;
    this.acquires = acquires;
    this.invalidSpis = invalidSpis;
    this.clock = clock;
    this.sink = sink;
    this.localAddress = localAddress;
  }

  /** Call when a pair is installed: lifetimes and the idle timer start now. */
  public void started(SaPair p) {
    long now = clock.nowMillis();
    p.installedAtMillis = now;
    p.lastActivityMillis = now;
    p.softJitter = jitter.getAsDouble();
  }

  /**
   * Soft lifetimes come earlier by up to half their margin to the hard limit, by a draw per pair from {@code
   * uniform} (RFC 7296 §2.8.1: jittered, so that both ends, whose lifetimes and volume counts are alike, seldom
   * rekey the same SA at once). The gateway draws at random; without a call there is no jitter.
   */
  public void jitter(java.util.function.DoubleSupplier uniform) {
    this.jitter = uniform;
  }

  /** A soft limit less {@code jitter} × half of what lies between it and the hard one. */
  private static long jittered(long soft, long hard, double jitter) {
    return hard > soft ? soft - (long) (jitter * ((hard - soft) / 2)) : soft;
  }

  /** Starts the rounds: the first one a tick from now. */
  public void start() {
    clock.schedule(TICK_MILLIS, this::roundAndReschedule);
  }

  /**
   * Starts a round (acquires and invalid SPIs drained, the installed pairs counted) and runs its first slice; the
   * others follow {@code TICK_MILLIS / slices} apart, and the next round starts a tick after this one started.
   */
  private void roundAndReschedule() {
    try {
      startRound();
    } catch (RuntimeException e) {
      failed(e);
    }
    sliceAndReschedule();
  }

  private void sliceAndReschedule() {
    try {
      slice();
    } catch (RuntimeException e) {
      // one failing SA or sink must not stop acquires, lifetimes, idle timers and reservations for good: the round
      // goes on with the next slice (slice() moved roundNext past its pairs before it looked at them)
      failed(e);
    } finally {
      if (roundNext < roundSize) {
        clock.schedule(sliceSpacingMillis, this::sliceAndReschedule);
      } else {
        // late rounds (a busy machine, or over TICK_MILLIS slices) start the next one at once, never twice at once
        clock.schedule(Math.max(1, roundStartMillis + TICK_MILLIS - clock.nowMillis()), this::roundAndReschedule);
      }
    }
  }

  private void failed(RuntimeException e) {
    tickFailures++;
    LOG.log(Level.WARNING, "SA supervisor tick failed (" + tickFailures + " so far), the round goes on: "
        + e.getClass().getSimpleName(), e);
  }

  /** Ticks (slices of a round) that threw; each was followed by the next one on schedule. */
  public long tickFailures() {
    return tickFailures;
  }

  /** Slices run so far. */
  public long slices() {
    return slices;
  }

  /** The most SA pairs a single slice has visited: never more than {@link #SLICE_PAIRS}. */
  public int largestSlice() {
    return largestSlice;
  }

  /** A whole round at once (tests, and an instance asked for its rows now): every pair visited in this call. */
  public void tick() {
    startRound();
    while (roundNext < roundSize) {
      slice();
    }
  }

  private void startRound() {
    roundStartMillis = clock.nowMillis();
    roundSize = 0;
    roundNext = 0;
    drainAcquires();
    drainInvalidSpis();
    sad.ageReplaced();
    roundSize = sad.size();
    long sliceCount = Math.max(1, (roundSize + slicePairs - 1) / slicePairs);
    sliceSpacingMillis = Math.max(1, TICK_MILLIS / sliceCount);
  }

  /**
   * The next at most {@code slicePairs} pairs of the round, in the SAD's roster order: their activity, timers and
   * changed counters. Only this slice's pairs are copied, at the slice's own time, so a pair deleted since the round
   * started is not visited (its counters row must not come back); one installed since waits for the next round, and
   * one a deletion moved into a place already visited is seen at the next round too (a second late at most).
   */
  private void slice() {
    long now = clock.nowMillis();
    List<SaPair> pairs = sad.pairsAt(roundNext, Math.min(slicePairs, roundSize - roundNext));
    // past the end (deletions shrank the roster): the round is over
    roundNext = pairs.isEmpty() ? roundSize : roundNext + pairs.size();
    List<FwdMessages.SaActivity> activity = new ArrayList<>();
    List<SaCounters> counters = new ArrayList<>();
    for (SaPair p : pairs) {
      observe(p, now, activity);
      SaCounters row = countersIfChanged(p, now);
      if (row != null) {
        counters.add(row);
      }
    }
    slices++;
    largestSlice = Math.max(largestSlice, pairs.size());
    if (!activity.isEmpty() || roundSize <= slicePairs) {
      // one summary a second as before when a round is one slice; sliced, only the slices that saw traffic publish
      sink.activity(new FwdMessages.ActivitySummary(forwarderId, ++summarySequence, List.copyOf(activity)));
    }
    if (!counters.isEmpty() || roundSize <= slicePairs) {
      sink.counters(counters);
    }
  }

  private void observe(SaPair p, long now, List<FwdMessages.SaActivity> activity) {
    ChildSa sa = p.sa;
    long encaps = p.out.encaps;
    long decaps = p.in.decaps;
    boolean sent = encaps != p.lastEncaps;
    boolean received = decaps != p.lastDecaps;
    p.lastEncaps = encaps;
    p.lastDecaps = decaps;
    if (sent || received) {
      p.lastActivityMillis = now;
      p.idleSent = false;
      activity.add(new FwdMessages.SaActivity(sa.inboundSpi(), sa.outboundSpi(), sa.peerAddress(), sa.peerPort(),
          sent, received));
    }
    long moves = p.in.peerMoves;
    if (moves != p.lastPeerMoves) {
      p.lastPeerMoves = moves;
      // where it sends now, not each move: several in one tick collapse into the latest
      sink.natMapping(new FwdMessages.NatMapping(forwarderId, sa.inboundSpi(), sa.outboundSpi(), sa.peerAddress(),
          p.out.previousPort(), p.out.peer.address().getPort()));
    }
    long replay = p.in.replayFailures;
    if (replay != p.lastReplayLogged) {
      p.lastReplayLogged = replay;
      sink.log("%CRYPTO-4-PKT_REPLAY_ERR: decrypt: replay check failed connection id=" + sa.connectionId());
    }
    if (sa.idleTimeSeconds() > 0 && !p.idleSent && now - p.lastActivityMillis >= sa.idleTimeSeconds() * 1000L) {
      p.idleSent = true;
      sink.idle(new FwdMessages.SaIdle(sa.inboundSpi(), sa.outboundSpi(), sa.peerAddress()));
    }
    lifetimes(p, now);
    sequenceSpace(p);
    OutboundSa out = p.out;
    if (!p.hardExpired && out.sequenceLimit - out.nextSequence < SequenceReservations.BLOCK / 2) {
      sink.reserveSequences(p);
    }
  }

  private void lifetimes(SaPair p, long now) {
    ChildSa.Lifetime l = p.sa.lifetime();
    if (p.manual || l == null || p.hardSent) {
      return;
    }
    long seconds = (now - p.installedAtMillis) / 1000;
    long kilobytes = Math.max(p.out.encapBytes, p.in.decapBytes) / 1024;
    long lastRound = kilobytes - p.kilobytesLastRound;
    p.kilobytesLastRound = kilobytes;
    if (l.hardSeconds() > 0 && seconds >= l.hardSeconds()) {
      hard(p, FwdMessages.Measure.SECONDS);
    } else if (l.hardKilobytes() > 0 && kilobytes >= l.hardKilobytes()) {
      hard(p, FwdMessages.Measure.KILOBYTES);
    } else {
      if (!p.softSecondsSent && l.softSeconds() > 0
          && seconds >= jittered(l.softSeconds(), l.hardSeconds(), p.softJitter)) {
        p.softSecondsSent = true;
        sink.expired(expired(p, FwdMessages.Limit.SOFT, FwdMessages.Measure.SECONDS));
      }
      // at a few Gbit/s the default 4608000 KB lasts ~10 s and its last 10 % about one round: rekey early enough
      // that the new SA is up before the hard limit, at the rate the last round saw
      if (!p.softKilobytesSent && l.softKilobytes() > 0
          && (kilobytes >= jittered(l.softKilobytes(), l.hardKilobytes(), p.softJitter)
          || l.hardKilobytes() > 0
          && kilobytes + (long) ((1 + p.softJitter) * VOLUME_LEAD_ROUNDS * lastRound) >= l.hardKilobytes())) {
        p.softKilobytesSent = true;
        sink.expired(expired(p, FwdMessages.Limit.SOFT, FwdMessages.Measure.KILOBYTES));
      }
    }
  }

  /** A soft expiry before the sequence numbers run out: the SA must be replaced, never wrap (RFC 4303 §3.3.3). */
  private void sequenceSpace(SaPair p) {
    long next = p.out.nextSequence;
    // the highest number sent (next - 1) reached the soft limit
    if (p.softSequenceSent || next - 1 < (p.sa.esn() ? SEQUENCE_SOFT_64 : SEQUENCE_SOFT_32)) {
      return;
    }
    p.softSequenceSent = true;
    if (p.manual) {
      sink.log("esp-forwarder: manual SA " + SpiText.of(p.sa.outboundSpi()) + " (crypto map " + p.sa.cryptoMap() + " "
          + p.sa.mapSequence() + ") has sent " + (next - 1) + " packets: it stops at 4294967295, configure new"
          + " session keys and SPIs before then");
    } else {
      sink.expired(expired(p, FwdMessages.Limit.SOFT, FwdMessages.Measure.SEQUENCE_NUMBERS));
    }
  }

  private void hard(SaPair p, FwdMessages.Measure measure) {
    p.hardSent = true;
    p.hardExpired = true; // the packet threads stop using it now; ike-service deletes it
    sink.expired(expired(p, FwdMessages.Limit.HARD, measure));
  }

  private static FwdMessages.SaExpired expired(SaPair p, FwdMessages.Limit limit, FwdMessages.Measure measure) {
    return new FwdMessages.SaExpired(p.sa.inboundSpi(), p.sa.outboundSpi(), p.sa.peerAddress(), limit, measure);
  }

  /**
   * Writes the counters rows of {@code pairs} now, outside the tick: the replay checkpoints that
   * {@link ReplayCheckpointer} finds due (their edges have moved far since the last row).
   */
  public void publishCounters(List<SaPair> pairs) {
    long now = clock.nowMillis();
    List<SaCounters> counters = new ArrayList<>(pairs.size());
    for (SaPair p : pairs) {
      counters.add(counters(p, now, cleartextDrops.applyAsLong(p.sa.cryptoMap() + " " + p.sa.mapSequence())));
    }
    sink.counters(counters);
  }

  /** Where the published counters get the access check's clear-text drops of each crypto map entry. */
  public void cleartextDrops(java.util.function.ToLongFunction<String> byMapEntry) {
    this.cleartextDrops = byMapEntry;
  }

  /**
   * The pair's counters row when it differs from the one last published (or none was, or the pair changed owner),
   * else null. Rows of idle SAs are not rewritten every second: at 100 000 SAs that was 100 000 shared-map writes a
   * second for nothing. The only field that moves without traffic, the remaining time lifetime, is read from the
   * row's {@code remainingSeconds} and {@code updatedEpochMillis} together ({@code show crypto ipsec sa} subtracts
   * the time since the row was written), so an old row still tells it right.
   */
  private SaCounters countersIfChanged(SaPair p, long now) {
    InboundSa in = p.in;
    OutboundSa out = p.out;
    long drops = cleartextDrops.applyAsLong(p.sa.cryptoMap() + " " + p.sa.mapSequence());
    long sum = out.encaps + in.decaps + out.encapBytes + in.decapBytes + out.sendErrors + in.recvErrors
        + in.replayFailures + in.authFailures + in.policyFailures + drops;
    // the replay edge is compared on its own: it is the takeover's checkpoint, not a counter (ReplayCheckpointer)
    if (sum == p.publishedCounterSum && in.replayTop() == p.checkpointedEdge
        && p.publishedGeneration == p.ownershipGeneration) {
      return null;
    }
    p.publishedCounterSum = sum;
    p.publishedGeneration = p.ownershipGeneration;
    return counters(p, now, drops);
  }

  private SaCounters counters(SaPair p, long now, long cleartextDrops) {
    ChildSa sa = p.sa;
    InboundSa in = p.in;
    OutboundSa out = p.out;
    ChildSa.Lifetime l = sa.lifetime();
    long remainingKb = -1;
    long remainingSec = -1;
    if (!p.manual && l != null) {
      if (l.hardKilobytes() > 0) {
        remainingKb = Math.max(0, l.hardKilobytes() - Math.max(out.encapBytes, in.decapBytes) / 1024);
      }
      if (l.hardSeconds() > 0) {
        remainingSec = Math.max(0, l.hardSeconds() - (now - p.installedAtMillis) / 1000);
      }
    }
    long encaps = out.encaps;
    long decaps = in.decaps;
    // the replay window's right edge: where a forwarder taking the SA over starts its window (ReplayCheckpointer)
    long edge = in.replayTop();
    p.checkpointedEdge = edge;
    return new SaCounters(forwarderId, sa.connectionId(), sa.cryptoMap(), sa.mapSequence(), sa.localAddress(),
        sa.peerAddress(), sa.peerPort(), sa.transform().iosName, sa.inboundSpi(), sa.outboundSpi(), encaps, encaps,
        encaps, decaps, decaps, decaps, out.encapBytes, in.decapBytes, out.sendErrors, in.recvErrors,
        in.replayFailures, in.authFailures, in.policyFailures, remainingKb, remainingSec, System.currentTimeMillis(),
        cleartextDrops, edge);
  }

  private void drainAcquires() {
    ForwardingTables t = sad.tables();
    acquires.drain(r -> {
      int index = (int) r[0];
      SpdEntry entry = index < t.spd().size() ? t.spd().entryAt(index) : null;
      if (entry != null) {
        sink.acquire(new FwdMessages.Acquire(entry.mapName(), entry.sequence(), Ip128.format(r[1], r[2]),
            Ip128.format(r[3], r[4]), (int) r[5]));
      }
    });
  }

  private void drainInvalidSpis() {
    invalidSpis.drain(r -> {
      long spi = r[0];
      String src = Ip128.format(r[1], r[2]);
      int port = (int) r[3];
      String dst = localAddress.apply(src);
      sink.invalidSpi(new FwdMessages.InvalidSpi(dst, src, port, spi, 50));
      sink.log("%CRYPTO-4-RECV_PKT_INV_SPI: decaps: rec'd IPSEC packet has invalid spi for destaddr=" + dst
          + ", prot=50, spi=" + SpiText.of(spi) + ", srcaddr=" + src);
    });
  }
}
