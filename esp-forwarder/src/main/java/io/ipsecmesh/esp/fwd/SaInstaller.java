package io.ipsecmesh.esp.fwd;

import io.ipsecmesh.esp.io.PeerEndpoint;
import io.ipsecmesh.proto.runtime.Metrics;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.SharedMaps;
import io.prometheus.metrics.core.metrics.Counter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Installs each Child SA exactly once, whatever order and however often it is delivered. ike-service
 * announces a Child SA on the bus before it writes it to Hazelcast (make-before-break), and the map listener
 * delivers it again — before or after the bus copy, and twice when the initial read of the map meets the
 * listener's event. The SA is named by {@link ChildSa#saId()}: a second delivery of an SA that is installed,
 * or still waiting for its first block of sequence numbers, only follows the peer's address; it never builds a
 * second pair, so it can never replace (and retire) the live one and release its reservation. An SA delivered
 * again after it was deleted is refused (a late map event must not resurrect it with a reset counter), and so
 * is a negotiated SA whose hard lifetime has run out since its creation (an old record put back into the map):
 * one that is neither resumes above the high-water mark its deletion left ({@link SequenceReservations#retire}),
 * so no sequence number, no AES-GCM nonce, is used twice under its key.
 *
 * <p>No outbound packet leaves on an SA before a block of its sequence numbers is durably reserved
 * ({@link SequenceReservations}); the inbound half is accepted at once (the peer may use a new SA as soon
 * as it has our CREATE_CHILD_SA response). When no block can be reserved the SA is still installed, but
 * sends nothing (each packet dropped and counted as a send error), keeps trying on each supervisor tick,
 * and a negotiated one asks ike-service for a rekey. Runs on the forwarder's control context only; no
 * Vert.x in here.
 */
public final class SaInstaller {

  /**
   * The outcome of a reservation: a block, or why there is none; for a scale-out takeover also the checkpoint of
   * the inbound SA's anti-replay window the adopter starts from ({@link ReplayCheckpoints}), else
   * {@link ReplayCheckpoints#UNKNOWN} (an adopter then refuses the SA's inbound packets: never an empty window).
   */
  public record Reservation(SequenceReservations.Block block, String failure, long replayCheckpoint) {
    public static Reservation of(SequenceReservations.Block b) {
      return new Reservation(b, null, ReplayCheckpoints.UNKNOWN);
    }

    public static Reservation failed(String why) {
      return new Reservation(null, why, ReplayCheckpoints.UNKNOWN);
    }

    /** This reservation with the replay checkpoint read for a takeover. */
    public Reservation withReplayCheckpoint(long checkpoint) {
      return new Reservation(block, failure, checkpoint);
    }

    boolean usable() {
      return block != null && !block.exhausted();
    }
  }

  /** Reserves the next block of a pair's numbers, away from the control context; {@code done} runs on it. */
  public interface Reserver {
    void reserve(SaPair pair, Consumer<Reservation> done);
  }

  /** What the installer tells the forwarder. */
  public interface Events {
    /** A pair was built from its SA and is about to accept inbound packets: per-SA policy goes on it now. */
    default void built(SaPair pair) {}

    /** The pair is in the SAD and sends (or, without numbers, drops): lifetimes start now. */
    void installed(SaPair pair);

    /** No numbers for this SA (reservation failed or the space is exhausted); called once per SA. */
    void noSequenceNumbers(SaPair pair, String why);

    /** Ask ike-service for a new SA in place of this negotiated one (at most once per SA). */
    void rekey(SaPair pair);

    /** A pair that never became live: wipe its keys once no packet thread can be inside its inbound half. */
    void discard(SaPair pair);

    void log(String line);
  }

  /**
   * A failed reservation asks for a rekey at most this often per crypto map entry: while the reservation store
   * is unreachable the new SA cannot reserve either, and each new SA asking at once would rekey in a loop.
   * The end of the sequence space always asks (a new SA is the only way on).
   */
  public static final long REKEY_BACKOFF_MILLIS = 30_000;
  /** Deleted SAs remembered to refuse a late re-delivery; old ones are forgotten. */
  static final int DELETED_REMEMBERED = 4096;
  private static final Counter REFUSED = Counter.builder()
      .name("ipsecmesh_esp_sa_refused_total")
      .help("negotiated Child SAs the forwarder refused to install: expired = hard lifetime over since creation")
      .labelNames("reason")
      .register(Metrics.registry());

  private final SaDatabase sad;
  private final SaFactory factory;
  private final Reserver reserver;
  private final Events events;
  private final java.util.function.LongSupplier nowMillis;
  /** Wall-clock epoch milliseconds, to compare with {@link ChildSa#createdEpochMillis()}. */
  private final java.util.function.LongSupplier epochMillis;
  /** Crypto map entry ("VPN 10") → when a failed reservation last asked for a rekey. */
  private final Map<String, Long> lastRekey = new HashMap<>();
  /** SA id → pair whose inbound half is accepted and whose first block is being reserved. */
  private final Map<String, SaPair> pending = new HashMap<>();
  /** Pairs with a top-up reservation in flight. */
  private final Set<SaPair> toppingUp = new HashSet<>();
  private final Map<String, Boolean> deleted = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > DELETED_REMEMBERED;
    }
  };

  /**
   * @param nowMillis the control plane's monotonic clock (a virtual one in tests)
   * @param epochMillis the wall clock the SAs' creation times are on (a virtual one in tests)
   */
  public SaInstaller(SaDatabase sad, SaFactory factory, Reserver reserver, Events events,
      java.util.function.LongSupplier nowMillis, java.util.function.LongSupplier epochMillis) {
    this.sad = sad;
    this.factory = factory;
    this.reserver = reserver;
    this.events = events;
    this.nowMillis = nowMillis;
    this.epochMillis = epochMillis;
  }

  /** A delivery of {@code sa} (bus, map listener, initial map read, configuration). */
  public void install(ChildSa sa, boolean manual) {
    String id = sa.saId();
    if (!manual && deleted.containsKey(id)) {
      events.log("esp-forwarder: SA " + SharedMaps.spiKey(sa.inboundSpi()) + " delivered again after its deletion;"
          + " ignored");
      return;
    }
    SaPair live = sad.get(sa.inboundSpi());
    if (live != null && live.sa.saId().equals(id)) {
      follow(live, sa);
      return;
    }
    SaPair waiting = pending.get(id);
    if (waiting != null) {
      follow(waiting, sa);
      return;
    }
    // only a new pair: a live one re-announced keeps following its peer until its own lifetime deletes it
    if (!manual && expired(sa, epochMillis.getAsLong())) {
      REFUSED.labelValues("expired").inc();
      events.log("esp-forwarder: SA " + SharedMaps.spiKey(sa.inboundSpi()) + " created at " + sa.createdEpochMillis()
          + " is past its hard lifetime of " + sa.lifetime().hardSeconds() + " s; refused");
      return;
    }
    SaPair pair;
    try {
      pair = factory.build(sa, manual, sad.spd());
    } catch (RuntimeException e) {
      events.log("esp-forwarder: cannot install SA: " + e.getMessage());
      return;
    }
    events.built(pair);
    pending.put(id, pair);
    sad.acceptInbound(pair);
    reserver.reserve(pair, r -> firstBlock(pair, r));
  }

  private void firstBlock(SaPair pair, Reservation r) {
    String id = pair.sa.saId();
    if (pending.get(id) != pair) {
      return; // deleted (or its configuration changed) meanwhile: already discarded
    }
    pending.remove(id);
    if (r.usable()) {
      pair.out.startAt(r.block().first(), r.block().last());
    } else {
      pair.out.startAt(1, 0); // nothing proven: every packet is dropped until a block is reserved
    }
    events.installed(pair);
    sad.install(pair);
    if (!r.usable()) {
      starved(pair, r);
    }
  }

  /**
   * Whether the hard lifetime of {@code sa} (RFC 4301 §4.4.2.1: "the SA MUST be deleted" when it expires) ran
   * out before {@code now}, counted from its creation. An SA without a time lifetime (0) never expires here.
   */
  static boolean expired(ChildSa sa, long now) {
    long hard = sa.lifetime() == null ? 0 : sa.lifetime().hardSeconds();
    return hard > 0 && sa.createdEpochMillis() + hard * 1000 < now;
  }

  /** How many SAs installers of this JVM refused for {@code reason} (tests, docs' figures). */
  static double refused(String reason) {
    return REFUSED.labelValues(reason).get();
  }

  /** The same SA announced again (bus and map, or after the peer's NAT mapping moved): follow its peer only. */
  private void follow(SaPair existing, ChildSa sa) {
    // keys, sequence numbers and the replay window stay; compared with where the SA sends now, not with the
    // record it was installed from: a mapping may move back to a port it had before
    try {
      PeerEndpoint peer = factory.peer(sa);
      if (!peer.address().equals(existing.out.peer().address())) {
        existing.out.repoint(peer);
        events.log("esp-forwarder: SA " + SharedMaps.spiKey(sa.inboundSpi()) + " now sends to " + sa.peerAddress()
            + ":" + sa.peerPort());
      }
    } catch (RuntimeException e) {
      events.log("esp-forwarder: cannot follow the peer of SA " + SharedMaps.spiKey(sa.inboundSpi()) + ": "
          + e.getMessage());
    }
  }

  /** Deletes the SA on {@code inboundSpi}: the installed pair and any copy still waiting for numbers. */
  public SaPair remove(long inboundSpi) {
    SaPair removed = sad.remove(inboundSpi);
    if (removed != null && !removed.manual) {
      deleted.put(removed.sa.saId(), Boolean.TRUE);
    }
    List<SaPair> cancelled = new ArrayList<>();
    for (SaPair p : pending.values()) {
      if (p.sa.inboundSpi() == inboundSpi) {
        cancelled.add(p);
      }
    }
    for (SaPair p : cancelled) {
      pending.remove(p.sa.saId());
      if (!p.manual) {
        deleted.put(p.sa.saId(), Boolean.TRUE);
      }
      sad.withdrawInbound(p);
      events.discard(p);
    }
    return removed;
  }

  /**
   * Whether a live copy of the SA {@code saId} is installed or on its way: then a retired pair of the same id
   * must not release the reservation (it is the live SA's).
   */
  public boolean holds(ChildSa sa) {
    SaPair live = sad.get(sa.inboundSpi());
    return pending.containsKey(sa.saId()) || live != null && live.sa.saId().equals(sa.saId());
  }

  /** The supervisor's request: reserve the next block of an installed pair and raise its limit. */
  public void topUp(SaPair pair) {
    if (!toppingUp.add(pair)) {
      return;
    }
    reserver.reserve(pair, r -> {
      toppingUp.remove(pair);
      if (r.usable()) {
        pair.out.grant(r.block().first(), r.block().last());
      } else if (Math.max(pair.out.nextSequence, pair.out.sequenceFloor) > pair.out.sequenceLimit) {
        starved(pair, r);
      }
    });
  }

  /** Called on every failed reservation of an SA without numbers: logs once, asks for a rekey once (rate-limited). */
  private void starved(SaPair pair, Reservation r) {
    boolean exhausted = r.block() != null;
    if (!pair.starvedSent) {
      pair.starvedSent = true;
      events.noSequenceNumbers(pair, exhausted ? "sequence space exhausted" : r.failure());
    }
    if (pair.manual || pair.rekeyAsked) {
      return;
    }
    String entry = pair.sa.cryptoMap() + " " + pair.sa.mapSequence();
    long now = nowMillis.getAsLong();
    Long last = lastRekey.get(entry);
    if (exhausted || last == null || now - last >= REKEY_BACKOFF_MILLIS) {
      lastRekey.put(entry, now);
      pair.rekeyAsked = true;
      events.rekey(pair);
    }
  }

  /** SAs waiting for their first block (tests). */
  int pendingCount() {
    return pending.size();
  }
}
