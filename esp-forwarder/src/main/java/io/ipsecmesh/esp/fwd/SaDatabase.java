package io.ipsecmesh.esp.fwd;

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
 */
public final class SaDatabase {

  private final Map<Long, SaPair> pairs = new LinkedHashMap<>();
  private final Consumer<SaPair> retire;
  private SecurityPolicyDatabase spd = SecurityPolicyDatabase.empty();
  /** Shared by every generation of {@link #tables}: the inbound SAs do not depend on the SPD. */
  private final SpiTable<InboundSa> inbound = SpiTable.empty();
  private volatile ForwardingTables tables = new ForwardingTables(spd, inbound, new OutboundSa[0][]);

  public SaDatabase(Consumer<SaPair> retire) {
    this.retire = retire;
  }

  /** The snapshot the packet threads use (one volatile read). */
  public ForwardingTables tables() {
    return tables;
  }

  public synchronized void install(SaPair pair) {
    SaPair old = pairs.put(pair.sa.inboundSpi(), pair);
    if (old == pair) {
      return;
    }
    ForwardingTables t = tables;
    // the new outbound SA first, then the old one out: a packet thread always finds one of them
    int index = entryIndex(pair);
    if (index >= 0) {
      t.setOutboundAt(index, withOut(t.outboundAt(index), pair.out, old == null ? null : old.out));
    }
    inbound.put(pair.in.spi, pair.in);
    if (old != null) {
      int oldIndex = entryIndex(old);
      if (oldIndex >= 0 && oldIndex != index) {
        t.setOutboundAt(oldIndex, withOut(t.outboundAt(oldIndex), null, old.out));
      }
      if (old.in.spi != pair.in.spi) {
        inbound.remove(old.in.spi);
      }
      retire.accept(old);
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
    }
  }

  /** Takes back {@link #acceptInbound} for a pair that was never installed. */
  public synchronized void withdrawInbound(SaPair pair) {
    if (!pairs.containsKey(pair.sa.inboundSpi())) {
      inbound.remove(pair.in.spi);
    }
  }

  public synchronized SaPair remove(long inboundSpi) {
    SaPair old = pairs.remove(inboundSpi);
    if (old != null) {
      ForwardingTables t = tables;
      inbound.remove(old.in.spi);
      int index = entryIndex(old);
      if (index >= 0) {
        t.setOutboundAt(index, withOut(t.outboundAt(index), null, old.out));
      }
      retire.accept(old);
    }
    return old;
  }

  public synchronized SaPair get(long inboundSpi) {
    return pairs.get(inboundSpi);
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

  /** The SPD entry index of the pair's crypto map entry, or -1 when the SPD has none. */
  private int entryIndex(SaPair p) {
    SpdEntry e = spd.entry(p.sa.cryptoMap(), p.sa.mapSequence());
    return e == null ? -1 : e.index();
  }

  /**
   * A new array of {@code current} without {@code drop} and with {@code add} placed newest first
   * (after SAs created at the same millisecond, which came first); either may be null.
   */
  private static OutboundSa[] withOut(OutboundSa[] current, OutboundSa add, OutboundSa drop) {
    List<OutboundSa> out = new ArrayList<>(current.length + 1);
    for (OutboundSa o : current) {
      if (o != drop) {
        out.add(o);
      }
    }
    if (add != null) {
      long created = add.pair.sa.createdEpochMillis();
      int at = 0;
      while (at < out.size() && out.get(at).pair.sa.createdEpochMillis() >= created) {
        at++;
      }
      out.add(at, add);
    }
    return out.toArray(OutboundSa[]::new);
  }

  /** New tables for a new SPD: the outbound SAs regrouped by its entries, the inbound index kept. */
  private void rebuild() {
    List<List<OutboundSa>> out = new ArrayList<>();
    for (int i = 0; i < spd.size(); i++) {
      out.add(new ArrayList<>());
    }
    List<SaPair> newestFirst = new ArrayList<>(pairs.values());
    newestFirst.sort(Comparator.comparingLong((SaPair p) -> p.sa.createdEpochMillis()).reversed());
    for (SaPair p : newestFirst) {
      SpdEntry e = spd.entry(p.sa.cryptoMap(), p.sa.mapSequence());
      if (e != null) {
        out.get(e.index()).add(p.out);
      }
    }
    OutboundSa[][] byEntry = new OutboundSa[out.size()][];
    for (int i = 0; i < byEntry.length; i++) {
      byEntry[i] = out.get(i).toArray(OutboundSa[]::new);
    }
    tables = new ForwardingTables(spd, inbound, byEntry);
  }
}
