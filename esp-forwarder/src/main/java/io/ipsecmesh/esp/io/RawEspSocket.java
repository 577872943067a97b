package io.ipsecmesh.esp.io;

import io.ipsecmesh.proto.esp.EspHeader;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Raw ESP (IP protocol 50, RFC 4303 without RFC 3948) for {@code no crypto ipsec nat-transparency
 * udp-encapsulation}: an IPv4 raw socket opened through FFM and handed to Netty as an epoll datagram
 * channel on the same event loop as the UDP 4500 socket, so every inbound SA is still touched by one
 * thread only. The kernel delivers each ESP packet with its IPv4 header (skipped here) and builds the
 * header when sending ({@link #sender()}, {@code sendto} with port 0). Needs {@code CAP_NET_RAW}.
 */
public final class RawEspSocket implements AutoCloseable {

  private static final int SOCK_RAW = 3;
  private static final int SOCK_NONBLOCK = 0x800;
  private static final int SOCK_CLOEXEC = 0x80000;
  private static final int IPPROTO_ESP = 50;

  private final int fd;
  private final int family;
  private final EpollDatagramChannel channel;
  private final Handler handler;

  private RawEspSocket(int fd, int family, EpollDatagramChannel channel, Handler handler) {
    this.fd = fd;
    this.family = family;
    this.channel = channel;
    this.handler = handler;
  }

  /** Where packets go from now on (the data plane is built after the socket, as it needs its descriptor). */
  public void receiver(OuterReceiver r) {
    handler.receiver = r;
  }

  /** Opens the socket and registers it with {@code group}; blocking, call from a worker. */
  public static RawEspSocket open(EventLoopGroup group, OuterReceiver receiver) throws IOException {
    return open(group, receiver, Libc.AF_INET);
  }

  /**
   * The same for {@code family} {@link Libc#AF_INET6}: ESP over IPv6 (RFC 4303 §3.1.2, next header 50 in the IPv6
   * header, RFC 8200 §4). An IPv6 raw socket delivers the packet without its IPv6 header (RFC 3542 §3), an IPv4 one
   * with its IPv4 header, which the handler skips.
   */
  public static RawEspSocket open(EventLoopGroup group, OuterReceiver receiver, int family) throws IOException {
    Libc.Result s = Libc.socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ESP);
    if (s.failed()) {
      throw new IOException("raw ESP socket" + (family == Libc.AF_INET6 ? " (IPv6)" : "") + ": " + s.describe());
    }
    int fd = (int) s.value();
    EpollDatagramChannel ch = new EpollDatagramChannel(fd);
    ch.config().setOption(ChannelOption.SO_RCVBUF, SocketBuffers.BYTES);
    SocketBuffers.force(fd);
    Handler handler = new Handler(receiver, family == Libc.AF_INET6);
    ch.pipeline().addLast(handler);
    try {
      group.register(ch).sync();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ch.close();
      throw new IOException("interrupted while registering the raw ESP socket", e);
    }
    return new RawEspSocket(fd, family, ch, handler);
  }

  public int fd() {
    return fd;
  }

  /** Sends ESP packets (the kernel adds the IPv4 or IPv6 header) from the caller's thread. */
  public EspSender sender() {
    return new NativeUdpSender(fd, family);
  }

  public int family() {
    return family;
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
  }

  private static final class Handler extends SimpleChannelInboundHandler<DatagramPacket> {
    private volatile OuterReceiver receiver;
    private final PacketBuffer rx = new PacketBuffer();
    /** IPv6: the kernel strips the IP header (RFC 3542 §3); IPv4: it is delivered and skipped here. */
    private final boolean v6;

    Handler(OuterReceiver receiver, boolean v6) {
      this.receiver = receiver;
      this.v6 = v6;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
      OuterReceiver receiver = this.receiver;
      ByteBuf c = packet.content();
      int len = c.readableBytes();
      InetSocketAddress sender = packet.sender();
      int ihl = v6 ? 0 : len > 0 ? (c.getByte(c.readerIndex()) & 0x0F) * 4 : 0;
      int esp = len - ihl;
      if (!v6 && ihl < 20 || esp < EspHeader.BYTES || esp > rx.capacity() - PacketBuffer.HEADROOM - PacketBuffer.TAILROOM) {
        receiver.onMalformed(sender);
        return;
      }
      byte[] a = rx.array();
      c.getBytes(c.readerIndex() + ihl, a, PacketBuffer.HEADROOM, esp);
      if (Integer.compareUnsigned(EspHeader.readSpi(a, PacketBuffer.HEADROOM), EspHeader.MIN_WIRE_SPI) < 0) {
        receiver.onMalformed(sender);
        return;
      }
      receiver.onRawEsp(rx, PacketBuffer.HEADROOM, esp, sender);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      receiver.onBatchEnd();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // a socket error is no reason to stop receiving
    }
  }
}
