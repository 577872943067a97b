package io.ipsecmesh.esp.tun;

import io.ipsecmesh.esp.io.PacketBuffer;

/**
 * The inner (protected LAN) side of the forwarder: IP packets in both directions, IPv4 or IPv6, no
 * link-layer header. A TUN device in production, an in-process port in tests.
 */
public interface PacketPort extends AutoCloseable {

  /** The interface name, for logs and routes. */
  String name();

  /** Starts delivering inner packets to {@code handler}, on the port's own thread. */
  void start(InnerPacketHandler handler);

  /**
   * Hands a decapsulated packet to the inner side. The 16 bytes before {@code off} belong to the
   * port (a TUN with offloads puts its virtio-net header there). Called from one thread at a time.
   */
  boolean write(PacketBuffer buf, int off, int len);

  /** Writes whatever {@link #write} held back to coalesce; called when a receive batch ends. */
  default void flush() {}

  /**
   * Packets that {@link #write} accepted for coalescing but the inner side then refused (a failed
   * super-packet write loses all its segments); a plain refused write is the caller's receive error.
   */
  default long deferredWriteFailures() {
    return 0;
  }

  /**
   * Reads the inner side dropped before the pipeline saw them: an offload super-packet it could not cut into
   * segments or whose checksum it could not finish, or a packet whose processing failed.
   */
  default long readDrops() {
    return 0;
  }

  @Override
  void close();
}
