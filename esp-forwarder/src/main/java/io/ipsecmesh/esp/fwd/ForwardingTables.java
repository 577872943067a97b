package io.ipsecmesh.esp.fwd;

import io.ipsecmesh.esp.spd.FlowKey;
import io.ipsecmesh.esp.spd.SecurityPolicyDatabase;
import io.ipsecmesh.esp.spd.SpdEntry;
import io.ipsecmesh.esp.spd.SpiTable;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Everything the packet threads look up behind one volatile read: the SPD, the inbound SAD by SPI,
 * and the outbound SAs of each SPD entry (newest first, so after a rekey the new SA carries traffic
 * at once). A configuration change builds a new instance; an SA install or delete changes this one
 * in place (O(1) amortised instead of a rebuild per change): the control thread updates the
 * {@link SpiTable} and replaces one SPD entry's outbound array with a release write, which the packet
 * threads read with acquire, so they never see a half-built array.
 */
public final class ForwardingTables {

  private static final OutboundSa[] NONE = new OutboundSa[0];
  private static final VarHandle ENTRY = MethodHandles.arrayElementVarHandle(OutboundSa[][].class);

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

  public SecurityPolicyDatabase spd() {
    return spd;
  }

  public InboundSa inbound(int spi) {
    return inbound.get(spi);
  }

  /**
   * The newest live outbound SA of {@code entry} whose selectors cover the flow and that is not {@link OutboundSa#held
   * held} back, else the newest held one, or null.
   */
  public OutboundSa outbound(SpdEntry entry, FlowKey f) {
    OutboundSa[] candidates = entry.index() < outboundByEntry.length
        ? (OutboundSa[]) ENTRY.getAcquire(outboundByEntry, entry.index()) : NONE;
    OutboundSa held = null;
    for (OutboundSa o : candidates) {
      if (!o.pair.hardExpired && o.selectors.coversOutbound(f)) {
        if (!o.held) {
          return o;
        }
        if (held == null) {
          held = o;
        }
      }
    }
    return held;
  }

  /** The outbound SAs of SPD entry {@code index} (control thread). */
  OutboundSa[] outboundAt(int index) {
    return (OutboundSa[]) ENTRY.getAcquire(outboundByEntry, index);
  }

  /**
   * Publishes a new outbound array for SPD entry {@code index} (control thread). Its acquire rate
   * limit starts over, as it did when every change built new tables: a delete may need an acquire now.
   */
  void setOutboundAt(int index, OutboundSa[] candidates) {
    ENTRY.setRelease(outboundByEntry, index, candidates);
    // a racy plain write is enough: the timestamp only rate-limits fwd.acquire
    lastAcquireNanos[index] = 0;
  }
}
