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
 * The SAD as the control plane edits it: SA pairs by inbound SPI plus the current SPD. Every change
 * publishes a new {@link ForwardingTables} snapshot for the packet threads. Replaced or removed
 * pairs go to {@code retire}, which destroys their keys once no packet thread can still hold them.
 */
public final class SaDatabase {

  private final Map<Long, SaPair> pairs = new LinkedHashMap<>();
  private final Consumer<SaPair> retire;
  private SecurityPolicyDatabase spd = SecurityPolicyDatabase.empty();
  private volatile ForwardingTables tables = ForwardingTables.empty();

  public SaDatabase(Consumer<SaPair> retire) {
    this.retire = retire;
  }

  /** The snapshot the packet threads use (one volatile read). */
  public ForwardingTables tables() {
    return tables;
  }

  public synchronized void install(SaPair pair) {
    SaPair old = pairs.put(pair.sa.inboundSpi(), pair);
    rebuild();
    if (old != null && old != pair) {
      retire.accept(old);
    }
  }

  public synchronized SaPair remove(long inboundSpi) {
    SaPair old = pairs.remove(inboundSpi);
    if (old != null) {
      rebuild();
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

  private void rebuild() {
    SpiTable<InboundSa> in = SpiTable.empty();
    List<List<OutboundSa>> out = new ArrayList<>();
    for (int i = 0; i < spd.size(); i++) {
      out.add(new ArrayList<>());
    }
    List<SaPair> newestFirst = new ArrayList<>(pairs.values());
    newestFirst.sort(Comparator.comparingLong((SaPair p) -> p.sa.createdEpochMillis()).reversed());
    for (SaPair p : newestFirst) {
      in = in.with(p.in.spi, p.in);
      SpdEntry e = spd.entry(p.sa.cryptoMap(), p.sa.mapSequence());
      if (e != null) {
        out.get(e.index()).add(p.out);
      }
    }
    OutboundSa[][] byEntry = new OutboundSa[out.size()][];
    for (int i = 0; i < byEntry.length; i++) {
      byEntry[i] = out.get(i).toArray(OutboundSa[]::new);
    }
    tables = new ForwardingTables(spd, in, byEntry);
  }
}
