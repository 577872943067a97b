package io.ipsecmesh.esp.fwd;

import io.ipsecmesh.proto.bus.RecordText;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.KeyWrap;
import io.ipsecmesh.proto.sa.SharedMaps;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The forwarder's side of the Child SA install protocol: every delivery of a Child SA reaches the
 * {@link SaInstaller} here, on the control context, and every pair that leaves is cleaned up here.
 *
 * <ul>
 *   <li>ike-service's {@code sa.child.installed} / {@code sa.child.deleted} on the bus ({@link #installed},
 *       {@link #deleted}), announced before the SA is written to Hazelcast (make-before-break);
 *   <li>the Hazelcast map {@code ipsec.child-sa}: its entries at start and its listener's events
 *       ({@link #mapEntry}, {@link #mapEntryRemoved}), which arrive on Hazelcast's threads; an entry that does not
 *       decode (or whose MAC does not verify) and a key that is no SPI are counted and logged, never thrown;
 *   <li>the manual SAs of the configuration ({@code crypto map … ipsec-manual}, {@link #configure}): an entry
 *       whose keys or SPIs changed is deleted and installed anew, one that is gone is deleted.
 * </ul>
 *
 * <p>A pair that leaves the SAD ({@link #retire}) or never became live ({@link #discard}) has its keys wiped
 * once no packet thread can still be inside it; a negotiated SA's sequence reservation becomes a tombstone
 * ({@link SequenceReservations#retire}) unless a live copy of the same SA still holds it. Reservations and
 * tombstones are Hazelcast round trips (and, for manual SAs, an fsync): they run off the control context
 * through the {@link Host}. No Vert.x in here.
 */
public final class ChildSaFeed {

  /** A retired SA's keys are wiped once no packet thread can still be inside it. */
  public static final long RETIRE_DELAY_MILLIS = 2000;

  /** What the feed needs of the forwarder: its control context, a worker, a timer, the counters map. */
  public interface Host {
    /** Runs {@code task} on the control context; called from Hazelcast's listener threads. */
    void onControl(Runnable task);

    /** Runs blocking {@code work} off the control context; {@code done} gets its result or failure on it. */
    <T> void offControl(Callable<T> work, BiConsumer<T, Throwable> done);

    /** Runs {@code task} after {@code delayMillis}. */
    void after(long delayMillis, Runnable task);

    /** The SA on {@code inboundSpi} is gone: its row in {@code ipsec.sa-counters} goes too. */
    void countersGone(long inboundSpi);
  }

  private final Host host;
  private final SequenceReservations reservations;
  private final KeyWrap keyWrap;
  private final IpsecDebug debug;
  private final SaInstaller.Events events;
  private final LongSupplier epochMillis;
  private final SaInstaller installer;
  /** The manual SAs of the active configuration, by inbound SPI. */
  private final Map<Long, ChildSa> manualSas = new HashMap<>();
  private final AtomicLong unreadable = new AtomicLong();
  /**
   * The last {@value #FROM_BUS} records {@code sa.child.installed} delivered, by identity. In {@code ipsec-mesh run}
   * the bus hands the forwarder ike-service's own record object, and the map entry ike-service writes right after
   * comes back to the listener as that same object ({@link RecordText}): its delivery to the control context would
   * be a second hop per Child SA for an install that is already there or queued before it. A record from anywhere
   * else — another process, the initial read, an entry rewritten with a new endpoint — is another object and goes
   * the normal way. Guarded by itself.
   */
  private final ChildSa[] fromBus = new ChildSa[FROM_BUS];
  private int fromBusNext;
  private static final int FROM_BUS = 64;

  /**
   * @param nowMillis   the control plane's monotonic clock
   * @param epochMillis the wall clock of {@link ChildSa#createdEpochMillis()} (hard lifetimes, tombstone TTLs)
   */
  public ChildSaFeed(SaDatabase sad, SaFactory factory, SequenceReservations reservations, KeyWrap keyWrap,
      IpsecDebug debug, SaInstaller.Events events, Host host, LongSupplier nowMillis, LongSupplier epochMillis) {
    this.host = host;
    this.reservations = reservations;
    this.keyWrap = keyWrap;
    this.debug = debug;
    this.events = events;
    this.epochMillis = epochMillis;
    this.installer = new SaInstaller(sad, factory, this::reserve, events, nowMillis, epochMillis);
  }

  /** {@code sa.child.installed}: a negotiated SA from ike-service (control context). */
  public void installed(ChildSa sa) {
    synchronized (fromBus) {
      fromBus[fromBusNext] = sa;
      fromBusNext = (fromBusNext + 1) % FROM_BUS;
    }
    installer.install(sa, false);
  }

  /** Whether {@code sa} is, as an object, one of the last records the bus delivered (see {@link #fromBus}). */
  private boolean deliveredByBus(ChildSa sa) {
    synchronized (fromBus) {
      for (ChildSa b : fromBus) {
        if (b == sa) {
          return true;
        }
      }
    }
    return false;
  }

  /** {@code sa.child.deleted}, a map removal or a manual SA gone from the configuration (control context). */
  public void deleted(long inboundSpi) {
    SaPair p = installer.remove(inboundSpi);
    if (p != null) {
      debug.deleted(p.sa(), null);
      host.countersGone(inboundSpi);
    }
  }

  /** An entry of {@code ipsec.child-sa}, read at start or added/updated (any thread). */
  public void mapEntry(String json) {
    ChildSa sa;
    try {
      sa = RecordText.read(json, ChildSa.class); // this process's own writes come back without a decode
    } catch (RuntimeException e) {
      unreadable.incrementAndGet();
      events.log("esp-forwarder: unreadable entry in " + SharedMaps.CHILD_SAS + ": " + e.getMessage());
      return;
    }
    if (deliveredByBus(sa)) {
      return; // this very record came on the bus: installed, or queued on the control context before this event
    }
    host.onControl(() -> installer.install(sa, false));
  }

  /** An entry removed from {@code ipsec.child-sa}; its key is the inbound SPI in hex (any thread). */
  public void mapEntryRemoved(String key) {
    long spi;
    try {
      spi = Long.parseUnsignedLong(key, 16);
    } catch (RuntimeException e) {
      unreadable.incrementAndGet();
      events.log("esp-forwarder: removed entry of " + SharedMaps.CHILD_SAS + " with a key that is no SPI ignored");
      return;
    }
    host.onControl(() -> deleted(spi));
  }

  /**
   * The manual SAs of a new configuration (control context): unchanged ones stay with their counters and
   * sequence numbers, changed and removed ones are deleted, new ones installed.
   *
   * @param problems entries that yield no SA, in words for the log
   * @return the number of manual SAs now configured
   */
  public int configure(GatewayConfig config, Consumer<String> problems) {
    List<ChildSa> wanted = ManualKeying.childSas(config, keyWrap, problems);
    Map<Long, ChildSa> next = new HashMap<>();
    wanted.forEach(sa -> next.put(sa.inboundSpi(), sa));
    for (Map.Entry<Long, ChildSa> old : new ArrayList<>(manualSas.entrySet())) {
      ChildSa now = next.get(old.getKey());
      if (now == null || !ManualKeying.sameSpec(old.getValue(), now, keyWrap)) {
        manualSas.remove(old.getKey());
        deleted(old.getKey());
      }
    }
    for (ChildSa sa : wanted) {
      if (!manualSas.containsKey(sa.inboundSpi())) {
        manualSas.put(sa.inboundSpi(), sa);
        installer.install(sa, true);
      }
    }
    return manualSas.size();
  }

  /** The supervisor's request for the next block of an installed pair's numbers. */
  public void topUp(SaPair pair) {
    installer.topUp(pair);
  }

  /**
   * A pair left the SAD (the SAD's retire callback): its keys are wiped after {@link #RETIRE_DELAY_MILLIS}, and
   * a negotiated SA's reservation becomes a tombstone unless the pair was a copy of an SA that is still live
   * (the same SA id).
   */
  public void retire(SaPair pair) {
    host.after(RETIRE_DELAY_MILLIS, pair::destroyKeys);
    ChildSa sa = pair.sa();
    if (!pair.manual() && !installer.holds(sa)) {
      long now = epochMillis.getAsLong(); // the wall clock of sa.createdEpochMillis(), not the monotonic one
      host.offControl(() -> {
        reservations.retire(sa, now);
        return null;
      }, (ok, failure) -> {
        if (failure != null) {
          events.log("esp-forwarder: the reservation of SA " + SharedMaps.spiKey(sa.inboundSpi())
              + " stays as it was, not a tombstone: " + failure.getMessage());
        }
      });
    }
  }

  /** A pair that never became live (the installer's {@link SaInstaller.Events#discard}): keys wiped later. */
  public void discard(SaPair pair) {
    host.after(RETIRE_DELAY_MILLIS, pair::destroyKeys);
  }

  /** Reserves the next block of a pair's sequence numbers off the control context. */
  private void reserve(SaPair pair, Consumer<SaInstaller.Reservation> done) {
    ChildSa sa = pair.sa();
    boolean manual = pair.manual();
    host.offControl(() -> reservations.reserve(sa, manual), (block, failure) -> done.accept(failure == null
        ? SaInstaller.Reservation.of(block)
        : SaInstaller.Reservation.failed(String.valueOf(failure.getMessage()))));
  }

  /** Reserves blocks the way installs do (scale-out: the block an adopter starts with). */
  public SaInstaller.Reserver reserver() {
    return this::reserve;
  }

  /** Map entries and keys that did not decode. */
  public long unreadable() {
    return unreadable.get();
  }

  /** Whether a live copy of {@code sa} is installed or on its way (tests). */
  boolean holds(ChildSa sa) {
    return installer.holds(sa);
  }

  /** The installer behind this feed (tests). */
  SaInstaller installer() {
    return installer;
  }
}
