package io.ipsecmesh.esp.tun;

import io.ipsecmesh.esp.io.PacketBuffer;

/**
 * The inner side of a forwarder that has none (a process without {@code CAP_NET_ADMIN}, e.g. the
 * single-JVM gateway in an unprivileged test): nothing arrives, and every decapsulated packet is
 * refused, so it shows up as a receive error instead of vanishing.
 */
public final class DiscardPacketPort implements PacketPort {

  @Override
  public String name() {
    return "none";
  }

  @Override
  public void start(InnerPacketHandler handler) {
    // no inner interface: no packet will ever be read
  }

  @Override
  public boolean write(PacketBuffer buf, int off, int len) {
    return false;
  }

  @Override
  public void close() {
    // nothing was opened
  }
}
