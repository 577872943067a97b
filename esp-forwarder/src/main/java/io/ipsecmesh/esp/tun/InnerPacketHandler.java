package io.ipsecmesh.esp.tun;

import io.ipsecmesh.esp.io.PacketBuffer;

/**
 * Receives each packet read from the inner side, at {@code buf[off, off+len)} with at least
 * {@link PacketBuffer#HEADROOM} bytes free in front and {@link PacketBuffer#TAILROOM} behind, so ESP
 * can be built in place. The buffer is reused once the call returns.
 */
@FunctionalInterface
public interface InnerPacketHandler {
  void onInnerPacket(PacketBuffer buf, int off, int len);

  /**
   * The inner side has nothing more queued right now: whatever the handler batched (e.g. for one
   * GSO send) must go out before the port waits for the next packet.
   */
  default void onBatchEnd() {}
}
