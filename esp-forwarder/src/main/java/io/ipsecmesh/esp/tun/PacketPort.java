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

  /** Hands a decapsulated packet to the inner side. May be called from any one thread at a time per buffer. */
  boolean write(PacketBuffer buf, int off, int len);

  @Override
  void close();
}
