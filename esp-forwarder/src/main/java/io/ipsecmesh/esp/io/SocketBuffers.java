package io.ipsecmesh.esp.io;

/**
 * The buffers of the ESP sockets. A receiving forwarder reads UDP-GRO datagrams of ~45 ESP packets each; a socket
 * buffer that holds only a few milliseconds of them drops whole datagrams whenever its thread is held up that long
 * (a GC pause, a burst of the LAN host's TCP in the softirq of the TUN write): measured with four AES-GCM streams at
 * 3–4 Gbit/s and {@code net.core.rmem_max} at 4 MiB (8 MiB of buffer), 10–31 datagrams per 10 s run, 41–45 TCP
 * retransmissions each (docs/performance.md, "The receiving socket's buffer"). The forwarder therefore asks for its
 * size with {@code SO_RCVBUFFORCE}/{@code SO_SNDBUFFORCE}, which CAP_NET_ADMIN (held for the TUN already) lets past
 * the host's {@code net.core.rmem_max}/{@code wmem_max}, as WireGuard's userspace implementation does; without the
 * capability the plain {@code SO_RCVBUF} request stands, capped by the host.
 */
public final class SocketBuffers {

  /** What the ESP sockets ask for; the kernel doubles it for its bookkeeping, so a socket holds 16 MiB. */
  public static final int BYTES = 8 << 20;

  private SocketBuffers() {}

  /**
   * Sets both buffers of {@code fd} to {@link #BYTES} past the host's limits. Where the kernel refuses (no
   * CAP_NET_ADMIN) the sizes the socket asked for with {@code SO_RCVBUF}/{@code SO_SNDBUF} stay; the forwarder reads
   * the size it got and warns.
   */
  public static void force(int fd) {
    Libc.setsockoptInt(fd, Libc.SOL_SOCKET, Libc.SO_RCVBUFFORCE, BYTES);
    Libc.setsockoptInt(fd, Libc.SOL_SOCKET, Libc.SO_SNDBUFFORCE, BYTES);
  }
}
