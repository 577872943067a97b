package io.ipsecmesh.esp.fwd;

import io.ipsecmesh.esp.spd.NegotiatedPolicies;
import io.ipsecmesh.esp.spd.SecurityPolicyDatabase;
import io.ipsecmesh.esp.spd.SpdEntry;
import io.ipsecmesh.esp.spd.SpiTable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The SAD as the control plane edits it: SA pairs by inbound SPI plus the current SPD. A new SPD
 * publishes new {@link ForwardingTables}; an SA install or delete edits the current ones in place in
 * O(1) amortised (plus the few SAs of its SPD entry), so n tunnels cost O(n), not O(n²). Replaced or
 * removed pairs go to {@code retire}, which destroys their keys once no packet thread can still hold them.
 *
 * <p>Rekeys are make before break on both halves (RFC 7296 §2.8). A pair that replaces a live one of the same
 * tunnel (same crypto map entry, peer and selectors) is installed with its outbound half {@link OutboundSa#held held}
 * back until the peer proves it can receive on it, and a pair deleted while another of its tunnel remains keeps its
 * inbound half for {@link #REPLACED_INBOUND_ROUNDS} supervisor rounds: the peer learns of the deletion by an IKE
 * message that can overtake its own last packets on the old SA, and it may still send on it until that message
 * arrives. A tunnel's last SA (clear, idle, lifetime, peer gone) leaves at once.
 *
 * <p>An SA of a dynamic crypto map's entry also brings that entry's SPD policy for its negotiated selectors
 * ({@link NegotiatedPolicies}): added after its outbound SA is in place, removed before it leaves, refused (the SA
 * then only receives) when another peer's policy already claims those selectors; {@link PolicyEvents} reports both.
 */
public final class SaDatabase {

  /** What the SAD reports about the negotiated policies of dynamic crypto map entries (called under its lock). */
  public interface PolicyEvents {
    PolicyEvents NONE = new PolicyEvents() {
      @Override
      public void changed() {}

      @Override
      public void refused(SaPair pair, NegotiatedPolicies.Policy holder) {}
    };

    /** A negotiated policy came or went, or a new SPD took them over: what follows them (routes) may change. */
    void changed();

    /** {@code pair}'s selectors overlap those another peer negotiated first ({@code holder}): no outbound policy. */
    void refused(SaPair pair, NegotiatedPolicies.Policy holder);
  }

  /**
   * Supervisor rounds (about a second each) a replaced SA's inbound half still decrypts after its deletion; as
   * strongSwan's {@code delete_rekeyed_delay} (5 s), long enough for a peer's queues and its DELETE to drain.
   */
  public static final int REPLACED_INBOUND_ROUNDS = 5;

  /** What makes two SAs the same tunnel: one replaces the other on a rekey. */
  private record Tunnel(String cryptoMap, int mapSequence, String peer, Object local, Object remote) {
    static Tunnel of(SaPair p) {
      return new Tunnel(p.sa.cryptoMap(), p.sa.mapSequence(), p.sa.peerAddress(), p.sa.localSelectors(),
          p.sa.remoteSelectors());
    }
  }

  private final Map<Long, SaPair> pairs = new LinkedHashMap<>();
  /**
   * Negotiated pairs per tunnel ({@link SaPair#inTunnel}): installed, or accepting inbound packets while their
   * install completes.
   */
  private final Map<Tunnel, Integer> tunnels = new java.util.HashMap<>();
  /** Installed negotiated pairs per tunnel (of {@link #tunnels}, those no longer reserving). */
  private final Map<Tunnel, Integer> installedTunnels = new java.util.HashMap<>();
  /** Deleted pairs whose inbound half still decrypts, with the rounds it has left. */
  private final Map<SaPair, Integer> replaced = new LinkedHashMap<>();
  /**
   * Deleted pairs whose outbound half still carries their tunnel's traffic: their successor is still reserving its
   * sequence numbers (a responder gets the initiator's DELETE of the old SA about a round trip after its answer, which
   * can be before that reservation completes). Until the successor is installed, or the pair is retired.
   */
  private final Map<Tunnel, List<SaPair>> lingering = new java.util.HashMap<>();
  /**
   * The installed pairs in an array ({@link SaPair#rosterIndex}), so the supervisor's round can copy a slice of them
   * at a time ({@link #pairsAt}) instead of all of them at once; a removal moves the last pair into the hole.
   */
  private SaPair[] roster = new SaPair[16];
  private int rosterSize;
  private final Consumer<SaPair> retire;
  /**
   * What the retired pairs had counted when they left, per {@link SaCounter}: a forwarder's totals must not fall when
   * an SA is deleted (a rekey's lost packets were counted on the SA that went).
   */
  private final long[] retiredCounts = new long[SaCounter.values().length];
  private SecurityPolicyDatabase spd = SecurityPolicyDatabase.empty();
  /** Shared by every generation of {@link #tables}: the inbound SAs do not depend on the SPD. */
  private final SpiTable<InboundSa> inbound = SpiTable.empty();
  private volatile ForwardingTables tables = new ForwardingTables(spd, inbound, new OutboundSa[0][]);
  private PolicyEvents policyEvents = PolicyEvents.NONE;

  public SaDatabase(Consumer<SaPair> retire) {
    this.retire = retire;
  }

  /** The snapshot the packet threads use (one volatile read). */
  public ForwardingTables tables() {
    return tables;
  }

  /** Where the negotiated policies' events go (the forwarder's routes); set once at start. */
  public synchronized void policyEvents(PolicyEvents events) {
    this.policyEvents = events == null ? PolicyEvents.NONE : events;
  }

  public synchronized void install(SaPair pair) {
    SaPair old = pairs.put(pair.sa.inboundSpi(), pair);
    if (old == pair) {
      return;
    }
    if (old != null) {
      leave(old);
      if (!old.manual) {
        count(installedTunnels, Tunnel.of(old), -1);
      }
    }
    List<SaPair> predecessors = null;
    if (!pair.manual) {
      enter(pair);
      Tunnel tunnel = Tunnel.of(pair);
      pair.out.held = tunnels.get(tunnel) > 1;
      count(installedTunnels, tunnel, 1);
      predecessors = lingering.remove(tunnel);
    }
    if (old != null) {
      pair.rosterIndex = old.rosterIndex; // the successor takes its place in the round
      roster[pair.rosterIndex] = pair;
      old.rosterIndex = -1;
    } else {
      if (rosterSize == roster.length) {
        roster = java.util.Arrays.copyOf(roster, roster.length * 2);
      }
      pair.rosterIndex = rosterSize;
      roster[rosterSize++] = pair;
    }
    ForwardingTables t = tables;
    // where the old pair sits, before its negotiated policy (if any) changes below
    int oldIndex = old == null ? -1 : entryIndex(old);
    // the new outbound SA first, then the old one out: a packet thread always finds one of them
    SpdEntry entry = spd.entry(pair.sa.cryptoMap(), pair.sa.mapSequence());
    NegotiatedPolicies.Policy policy = entry != null && entry.dynamic() ? policyOf(pair) : null;
    NegotiatedPolicies.Policy holder = policy == null ? null : entry.negotiated().conflict(policy);
    int index = entry == null || holder != null ? -1 : entry.index();
    if (index >= 0) {
      t.setOutboundAt(index, withOut(t.outboundAt(index), pair.out, old == null ? null : old.out));
    }
    inbound.put(pair.in.spi, pair.in);
    if (holder != null) {
      // a policy an earlier delivery of this SA held (another peer address then) goes: it would select no SA
      if (entry.negotiated().remove(pair.sa.inboundSpi())) {
        policyEvents.changed();
      }
      policyEvents.refused(pair, holder);
    } else if (policy != null) {
      // the policy only once its SA can carry what it selects
      entry.negotiated().add(policy);
      policyEvents.changed();
    }
    if (old != null) {
      if (oldIndex >= 0 && oldIndex != index) {
        t.setOutboundAt(oldIndex, withOut(t.outboundAt(oldIndex), null, old.out));
      }
      if (old.in.spi != pair.in.spi) {
        inbound.remove(old.in.spi);
      }
      retire(old);
    }
    if (predecessors != null) {
      for (SaPair p : predecessors) {
        stopSending(p); // its successor carries the tunnel now; its inbound half still drains
      }
    }
  }

  /**
   * Accepts the inbound half of a pair that is not installed yet, so ESP on its SPI decrypts while the
   * outbound half still waits for its sequence-number block: the peer may use a new SA as soon as it has
   * our CREATE_CHILD_SA response, before that reservation in Hazelcast completes.
   */
  public synchronized void acceptInbound(SaPair pair) {
    if (!pairs.containsKey(pair.sa.inboundSpi())) {
      inbound.put(pair.in.spi, pair.in);
      enter(pair); // a successor already: the SA it replaces may be deleted before this install completes
    }
  }

  /** Whether ESP on {@code inboundSpi} decrypts now: accepted ({@link #acceptInbound}) or installed. */
  public boolean acceptsInbound(long inboundSpi) {
    return inbound.get((int) inboundSpi) != null;
  }

  /** Takes back {@link #acceptInbound} for a pair that was never installed. */
  public synchronized void withdrawInbound(SaPair pair) {
    if (!pairs.containsKey(pair.sa.inboundSpi())) {
      inbound.remove(pair.in.spi);
    }
    if (pairs.get(pair.sa.inboundSpi()) != pair) {
      leave(pair);
    }
  }

  public synchronized SaPair remove(long inboundSpi) {
    SaPair old = pairs.remove(inboundSpi);
    if (old != null) {
      SaPair last = roster[--rosterSize];
      roster[old.rosterIndex] = last;
      last.rosterIndex = old.rosterIndex;
      roster[rosterSize] = null;
      old.rosterIndex = -1;
      ForwardingTables t = tables;
      int index = entryIndex(old);
      SpdEntry entry = spd.entry(old.sa.cryptoMap(), old.sa.mapSequence());
      // the negotiated policy before its SA: no packet is then selected for an SA that is leaving
      if (entry != null && entry.dynamic() && entry.negotiated().remove(old.sa.inboundSpi())) {
        policyEvents.changed();
      }
      Tunnel tunnel = old.manual ? null : Tunnel.of(old);
      if (tunnel != null) {
        count(installedTunnels, tunnel, -1);
      }
      int others = leave(old);
      boolean keepSending = others > 0 && !old.hardExpired && index >= 0 && !entry.dynamic()
          && !installedTunnels.containsKey(tunnel);
      if (keepSending) {
        lingering.computeIfAbsent(tunnel, k -> new ArrayList<>()).add(old);
      } else if (index >= 0) {
        t.setOutboundAt(index, withOut(t.outboundAt(index), null, old.out));
      }
      if (others > 0 && !old.hardExpired) {
        replaced.put(old, REPLACED_INBOUND_ROUNDS); // its successor carries the traffic; late packets still decrypt
      } else {
        inbound.remove(old.in.spi);
        retire(old);
      }
    }
    return old;
  }

  /** One supervisor round passed: replaced SAs whose rounds are up stop decrypting and are retired. */
  public synchronized void ageReplaced() {
    for (var it = replaced.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (e.getValue() > 1 && !e.getKey().hardExpired) {
        e.setValue(e.getValue() - 1);
        continue;
      }
      it.remove();
      SaPair p = e.getKey();
      lingering.computeIfPresent(Tunnel.of(p), (tunnel, still) -> {
        if (still.remove(p)) {
          stopSending(p);
        }
        return still.isEmpty() ? null : still;
      });
      if (inbound.get(p.in.spi) == p.in) {
        inbound.remove(p.in.spi); // unless the SPI was taken by a new SA meanwhile
      }
      retire(p);
    }
  }

  /** Hands a pair that left every table to {@code retire}, its counters kept in {@link #retiredCounts}. */
  private void retire(SaPair p) {
    // Taken now, not when its keys are wiped: a packet thread finishing a packet it took before the pair left the
    // tables may still count one, which the totals then miss, but they never go down.
    for (SaCounter c : SaCounter.values()) {
      retiredCounts[c.ordinal()] += c.of(p);
    }
    retire.accept(p);
  }

  /**
   * {@code counter} summed over every pair this SAD installed: the installed ones, the deleted ones whose inbound half
   * still decrypts, and the retired ones as they left. Only grows (a pair accepted inbound whose install never
   * completed is not counted).
   */
  public synchronized long total(SaCounter counter) {
    long sum = retiredCounts[counter.ordinal()];
    for (SaPair p : pairs.values()) {
      sum += counter.of(p);
    }
    for (SaPair p : replaced.keySet()) {
      sum += counter.of(p);
    }
    return sum;
  }

  /** Deleted pairs whose inbound half still decrypts (tests). */
  public synchronized int replacedCount() {
    return replaced.size();
  }

  /** Takes a deleted pair's outbound half out of its (static) crypto map entry. */
  private void stopSending(SaPair p) {
    SpdEntry e = spd.entry(p.sa.cryptoMap(), p.sa.mapSequence());
    if (e != null && !e.dynamic()) {
      ForwardingTables t = tables;
      t.setOutboundAt(e.index(), withOut(t.outboundAt(e.index()), null, p.out));
    }
  }

  private static void count(Map<Tunnel, Integer> counts, Tunnel tunnel, int delta) {
    int n = counts.getOrDefault(tunnel, 0) + delta;
    if (n > 0) {
      counts.put(tunnel, n);
    } else {
      counts.remove(tunnel);
    }
  }

  /** Counts a negotiated pair in its tunnel (once). */
  private void enter(SaPair p) {
    if (!p.manual && !p.inTunnel) {
      p.inTunnel = true;
      tunnels.merge(Tunnel.of(p), 1, Integer::sum);
    }
  }

  /** Takes a pair out of its tunnel's count; returns how many other pairs the tunnel has (0 for a manual pair). */
  private int leave(SaPair p) {
    if (!p.inTunnel) {
      return 0;
    }
    p.inTunnel = false;
    Tunnel tunnel = Tunnel.of(p);
    int left = tunnels.get(tunnel) - 1;
    if (left > 0) {
      tunnels.put(tunnel, left);
    } else {
      tunnels.remove(tunnel);
    }
    return left;
  }

  public synchronized SaPair get(long inboundSpi) {
    return pairs.get(inboundSpi);
  }

  /**
   * At most {@code max} installed pairs from position {@code from} of the roster on (an empty list past its end):
   * what one slice of the supervisor's round visits. Positions are stable except that a removal moves the last
   * pair into the removed one's place, and a new pair goes to the end.
   */
  public synchronized List<SaPair> pairsAt(int from, int max) {
    int end = Math.min(rosterSize, from + max);
    return from >= end ? List.of() : List.of(java.util.Arrays.copyOfRange(roster, from, end));
  }

  /** How many pairs are installed (without copying them, as {@link #pairs()} does). */
  public synchronized int size() {
    return pairs.size();
  }

  public synchronized List<SaPair> pairs() {
    return new ArrayList<>(pairs.values());
  }

  public synchronized void setSpd(SecurityPolicyDatabase spd) {
    this.spd = spd;
    rebuild();
  }

  public synchronized SecurityPolicyDatabase spd() {
    return spd;
  }

  /**
   * The SPD entry index of the pair's crypto map entry, or -1 when the SPD has none or, for a dynamic map's entry,
   * the pair holds no negotiated policy there.
   */
  private int entryIndex(SaPair p) {
    SpdEntry e = spd.entry(p.sa.cryptoMap(), p.sa.mapSequence());
    if (e == null || e.dynamic() && !e.negotiated().holds(p.sa.inboundSpi())) {
      return -1;
    }
    return e.index();
  }

  /** The negotiated policy an SA of a dynamic crypto map's entry brings: its selectors, towards its peer. */
  private static NegotiatedPolicies.Policy policyOf(SaPair p) {
    return new NegotiatedPolicies.Policy(p.sa.inboundSpi(), p.sa.peerAddress(), p.sa.localSelectors(),
        p.sa.remoteSelectors());
  }

  /** The negotiated policies of every dynamic crypto map entry of the current SPD, by entry. */
  public synchronized Map<SpdEntry, List<NegotiatedPolicies.Policy>> negotiatedPolicies() {
    Map<SpdEntry, List<NegotiatedPolicies.Policy>> out = new LinkedHashMap<>();
    for (int i = 0; i < spd.size(); i++) {
      SpdEntry e = spd.entryAt(i);
      if (e.dynamic()) {
        out.put(e, e.negotiated().policies());
      }
    }
    return out;
  }

  /**
   * A new array of {@code current} without {@code drop} and with {@code add} placed newest first
   * (after SAs created at the same millisecond, which came first); either may be null.
   */
  private static OutboundSa[] withOut(OutboundSa[] current, OutboundSa add, OutboundSa drop) {
    // Array copies, not a list rebuilt element by element: an entry may hold 100 000 SAs (one load generator, one
    // crypto map entry), and this runs at every install and delete (docs/performance.md, "100 000 IKE SAs").
    int dropAt = -1;
    if (drop != null) {
      for (int i = 0; i < current.length; i++) {
        if (current[i] == drop) {
          dropAt = i;
          break;
        }
      }
    }
    OutboundSa[] kept = current;
    if (dropAt >= 0) {
      kept = new OutboundSa[current.length - 1];
      System.arraycopy(current, 0, kept, 0, dropAt);
      System.arraycopy(current, dropAt + 1, kept, dropAt, current.length - dropAt - 1);
    }
    if (add == null) {
      return kept == current ? current.clone() : kept;
    }
    long created = add.pair.sa.createdEpochMillis();
    int at = 0;
    while (at < kept.length && kept[at].pair.sa.createdEpochMillis() >= created) {
      at++;
    }
    OutboundSa[] out = new OutboundSa[kept.length + 1];
    System.arraycopy(kept, 0, out, 0, at);
    out[at] = add;
    System.arraycopy(kept, at, out, at + 1, kept.length - at);
    return out;
  }

  /** New tables for a new SPD: the outbound SAs regrouped by its entries, the inbound index kept. */
  private void rebuild() {
    List<List<OutboundSa>> out = new ArrayList<>();
    for (int i = 0; i < spd.size(); i++) {
      out.add(new ArrayList<>());
    }
    // a dynamic entry's negotiated policies are admitted oldest first, as they first came
    List<SaPair> oldestFirst = new ArrayList<>(pairs.values());
    oldestFirst.sort(Comparator.comparingLong((SaPair p) -> p.sa.createdEpochMillis()));
    for (SaPair p : oldestFirst) {
      SpdEntry e = spd.entry(p.sa.cryptoMap(), p.sa.mapSequence());
      if (e != null && e.dynamic()) {
        NegotiatedPolicies.Policy holder = e.negotiated().add(policyOf(p));
        if (holder != null) {
          policyEvents.refused(p, holder);
        }
      }
    }
    List<SaPair> newestFirst = oldestFirst.reversed();
    for (SaPair p : newestFirst) {
      int index = entryIndex(p);
      if (index >= 0) {
        out.get(index).add(p.out);
      }
    }
    OutboundSa[][] byEntry = new OutboundSa[out.size()][];
    for (int i = 0; i < byEntry.length; i++) {
      byEntry[i] = out.get(i).toArray(OutboundSa[]::new);
    }
    tables = new ForwardingTables(spd, inbound, byEntry);
    policyEvents.changed();
  }
}
