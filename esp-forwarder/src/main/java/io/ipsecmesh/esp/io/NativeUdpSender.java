package io.ipsecmesh.esp.io;

/**
 * Sends ESP through {@code sendto(2)} on a socket's file descriptor — the 4500 UDP socket, or the
 * raw ESP socket ({@link RawEspSocket}) — from the
 * thread that sealed the packet: no hand-off to the socket's event loop and no per-packet
 * allocation (Netty's write path would allocate a ByteBuf, a DatagramPacket and a task each time).
 * Concurrent {@code sendto} on one UDP socket is safe in the kernel.
 */
public final class NativeUdpSender implements EspSender {

  private final int fd;
  private final int family;

  public NativeUdpSender(int fd, int family) {
    this.fd = fd;
    this.family = family;
  }

  @Override
  public boolean send(PacketBuffer buf, int off, int len, PeerEndpoint peer) {
    return Libc.sendto(fd, buf.at(off), len, peer.sockaddr(), peer.sockaddrLength()) == len;
  }

  @Override
  public int family() {
    return family;
  }
}
