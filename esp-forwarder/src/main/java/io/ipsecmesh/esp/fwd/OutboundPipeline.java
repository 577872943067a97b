package io.ipsecmesh.esp.fwd;

import io.ipsecmesh.esp.crypto.EspSaCrypto;
import io.ipsecmesh.esp.io.EspSender;
import io.ipsecmesh.esp.io.PacketBuffer;
import io.ipsecmesh.esp.io.PeerEndpoint;
import io.ipsecmesh.esp.spd.FlowKey;
import io.ipsecmesh.esp.spd.InnerPacketParser;
import io.ipsecmesh.esp.spd.SpdEntry;
import io.ipsecmesh.esp.tun.InnerPacketHandler;
import io.ipsecmesh.proto.esp.EspNextHeader;

/**
 * Inner side to outer side (RFC 4301 §5.1): selectors of the packet → SPD → outbound SA → next
 * sequence number → ESP seal in place → send. Runs on the inner port's reader thread and allocates
 * nothing per packet. A packet the SPD does not protect is dropped and counted: the inner port only
 * receives what the routes steer into the tunnel.
 */
public final class OutboundPipeline implements InnerPacketHandler {

  /** At most one {@code fwd.acquire} per crypto map entry per second. */
  static final long ACQUIRE_INTERVAL_NANOS = 1_000_000_000L;

  private final SaDatabase sad;
  private final EspSender udpSender;
  private final EspSender rawSender;
  private final ForwarderStats stats;
  private final SignalRing acquires;
  private final FlowKey flow = new FlowKey();
  /** The SA whose packets the sender holds in its batch, with their number and inner bytes. */
  private OutboundSa pendingSa;
  private int pendingPackets;
  private long pendingBytes;

  /** @param rawSender for SAs without UDP encapsulation; null when no raw ESP socket could be opened */
  public OutboundPipeline(SaDatabase sad, EspSender udpSender, EspSender rawSender, ForwarderStats stats,
      SignalRing acquires) {
    this.sad = sad;
    this.udpSender = udpSender;
    this.rawSender = rawSender;
    this.stats = stats;
    this.acquires = acquires;
  }

  @Override
  public void onInnerPacket(PacketBuffer buf, int off, int len) {
    stats.innerPackets++;
    byte[] a = buf.array();
    if (!InnerPacketParser.parse(a, off, len, flow)) {
      stats.innerMalformed++;
      return;
    }
    ForwardingTables t = sad.tables();
    SpdEntry entry = t.spd.lookup(flow);
    if (entry == null) {
      stats.innerClear++;
      return;
    }
    OutboundSa sa = t.outbound(entry, flow);
    if (sa == null) {
      stats.innerNoSa++;
      acquire(t, entry);
      return;
    }
    // limit before floor: a block's floor is written before its limit (see OutboundSa#grant)
    long limit = sa.sequenceLimit;
    long seq = Math.max(sa.nextSequence, sa.sequenceFloor);
    if (seq > limit || sa.encapBytes >= sa.hardBytes) {
      sa.sequenceStarved++;
      sa.sendErrors++;
      return;
    }
    EspSender sender = sa.udp ? udpSender : rawSender;
    if (sender == null) {
      sa.sendErrors++;
      return;
    }
    EspSaCrypto c = sa.crypto;
    int nextHeader = flow.version == 4 ? EspNextHeader.IPV4 : EspNextHeader.IPV6;
    int espLen = c.seal(seq, a, off, len, nextHeader);
    if (espLen < 0) {
      sa.sendErrors++;
      return;
    }
    sa.nextSequence = seq + 1;
    PeerEndpoint peer = sa.peer;
    if (pendingPackets > 0 && (pendingSa != sa || !sender.fits(espLen, peer))) {
      flushPending();
    }
    if (!sender.send(buf, off - c.headroom(), espLen, peer)) {
      sa.sendErrors++;
      return;
    }
    if (sender.batching()) {
      pendingSa = sa;
      pendingPackets++;
      pendingBytes += len;
    } else {
      sa.encaps++;
      sa.encapBytes += len;
    }
  }

  /** The inner side ran dry: the batch goes out now, so batching never adds latency. */
  @Override
  public void onBatchEnd() {
    if (pendingPackets > 0) {
      flushPending();
    }
  }

  private void flushPending() {
    OutboundSa sa = pendingSa;
    int lost = (sa.udp ? udpSender : rawSender).flush();
    sa.encaps += pendingPackets - lost;
    sa.sendErrors += lost;
    if (lost < pendingPackets) {
      sa.encapBytes += pendingBytes;
    }
    pendingSa = null;
    pendingPackets = 0;
    pendingBytes = 0;
  }

  private void acquire(ForwardingTables t, SpdEntry entry) {
    if (entry.manual()) {
      return; // manual keying: nothing to negotiate
    }
    long now = System.nanoTime();
    int i = entry.index();
    if (i < t.lastAcquireNanos.length && t.lastAcquireNanos[i] != 0
        && now - t.lastAcquireNanos[i] < ACQUIRE_INTERVAL_NANOS) {
      return;
    }
    if (i < t.lastAcquireNanos.length) {
      t.lastAcquireNanos[i] = now;
    }
    acquires.offer(i, flow.srcHi, flow.srcLo, flow.dstHi, flow.dstLo, flow.protocol);
  }
}
