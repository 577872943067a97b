package io.ipsecmesh.esp.ha;

import io.ipsecmesh.esp.io.PacketBuffer;
import io.ipsecmesh.esp.tun.InnerPacketHandler;

/**
 * The outbound stage behind a lock, for scale-out: besides the TUN queue's reader, packets handed over by other
 * instances enter it from the hand-off thread. An SA's sequence counter, the pipeline's scratch state and the
 * {@code sendmmsg} batch belong to one thread at a time ({@code OutboundSa}); the lock keeps it so. Uncontended
 * (no hand-off) it costs a monitor enter per packet.
 */
public final class SerialOutbound implements InnerPacketHandler {

  private final InnerPacketHandler next;

  public SerialOutbound(InnerPacketHandler next) {
    this.next = next;
  }

  @Override
  public synchronized void onInnerPacket(PacketBuffer buf, int off, int len) {
    next.onInnerPacket(buf, off, len);
  }

  @Override
  public synchronized void onBatchEnd() {
    next.onBatchEnd();
  }

  /** One handed-off packet, sent at once (its batch flushed): the hand-off thread has no batch end of its own. */
  public synchronized void handedOff(PacketBuffer buf, int off, int len) {
    next.onInnerPacket(buf, off, len);
    next.onBatchEnd();
  }
}
