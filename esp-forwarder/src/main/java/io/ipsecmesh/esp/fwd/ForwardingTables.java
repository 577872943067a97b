package io.ipsecmesh.esp.fwd;

import io.ipsecmesh.esp.spd.FlowKey;
import io.ipsecmesh.esp.spd.SecurityPolicyDatabase;
import io.ipsecmesh.esp.spd.SpdEntry;
import io.ipsecmesh.esp.spd.SpiTable;

/**
 * Everything the packet threads look up, as one immutable snapshot behind one volatile read: the
 * SPD, the inbound SAD by SPI, and the outbound SAs of each SPD entry (newest first, so after a
 * rekey the new SA carries traffic at once). The control plane builds a new snapshot on every SA or
 * configuration change.
 */
public final class ForwardingTables {

  private static final OutboundSa[] NONE = new OutboundSa[0];

  final SecurityPolicyDatabase spd;
  final SpiTable<InboundSa> inbound;
  final OutboundSa[][] outboundByEntry;
  /** Per SPD entry, when the packet path last raised {@code fwd.acquire}; written by the inner reader thread only. */
  final long[] lastAcquireNanos;

  ForwardingTables(SecurityPolicyDatabase spd, SpiTable<InboundSa> inbound, OutboundSa[][] outboundByEntry) {
    this.spd = spd;
    this.inbound = inbound;
    this.outboundByEntry = outboundByEntry;
    this.lastAcquireNanos = new long[outboundByEntry.length];
  }

  static ForwardingTables empty() {
    return new ForwardingTables(SecurityPolicyDatabase.empty(), SpiTable.empty(), new OutboundSa[0][]);
  }

  public SecurityPolicyDatabase spd() {
    return spd;
  }

  public InboundSa inbound(int spi) {
    return inbound.get(spi);
  }

  /** The newest live outbound SA of {@code entry} whose selectors cover the flow, or null. */
  public OutboundSa outbound(SpdEntry entry, FlowKey f) {
    OutboundSa[] candidates = entry.index() < outboundByEntry.length ? outboundByEntry[entry.index()] : NONE;
    for (OutboundSa o : candidates) {
      if (!o.pair.hardExpired && o.selectors.coversOutbound(f)) {
        return o;
      }
    }
    return null;
  }
}
