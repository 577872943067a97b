package io.ipsecmesh.esp.io;

import io.ipsecmesh.esp.steer.ReuseportIndexProbe;
import io.ipsecmesh.esp.steer.ReuseportProgram;
import io.ipsecmesh.esp.steer.ReuseportSteering;
import io.ipsecmesh.esp.steer.SteeringProbe;
import io.ipsecmesh.proto.esp.UdpEncapClassifier;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;

/**
 * The outer UDP socket of NAT traversal (RFC 3948), normally port 4500, as a Netty epoll datagram
 * channel: {@code recvmmsg} batches (via {@link EpollChannelOption#MAX_DATAGRAM_PAYLOAD_SIZE}) and
 * optionally UDP GRO, whose coalesced datagrams Netty splits back into single ones. Received data is
 * copied once into a heap buffer (the JCE works fastest on heap arrays) and classified there.
 *
 * <p>ESP goes out through {@link #nativeSender()} from the sealing thread; IKE messages and
 * NAT-keepalives, a few per second, go through the channel.
 */
public final class UdpEncapSocket implements AutoCloseable {

  /** Datagrams per {@code recvmmsg} when GRO is off. */
  private static final int BATCH = 32;
  private static final int MAX_DATAGRAM = 2048;
  private static final int GRO_DATAGRAM = 65535;
  private static final byte[] KEEPALIVE = {(byte) UdpEncapClassifier.NAT_KEEPALIVE_BYTE};

  private final EventLoopGroup group;
  private final InetSocketAddress bindAddress;
  private final boolean gro;
  private final boolean zeroChecksum;
  private volatile OuterReceiver receiver;
  /** Scale-out: where probes of this socket's reuseport group go (null: probes are dropped unread). */
  private volatile ReuseportIndexProbe probes;
  /** Where this socket's probes are sent and come from: its bound address (loopback for a wildcard) and port. */
  private volatile InetSocketAddress probeAddress;
  private boolean reusePort;
  private Channel channel;
  private int family;
  private boolean v6Only;

  /**
   * @param receiver may be replaced with {@link #receiver(OuterReceiver)} once the socket is bound
   * @param gro receive with UDP GRO; only usable where Netty reports the segment size (a
   *     {@code SegmentedDatagramPacket}), which its epoll recvmmsg path does not: see the verticle
   * @param zeroChecksum send UDP/IPv4 with checksum zero ({@code SO_NO_CHECK}; RFC 3948 §2.1, and the
   *     seed: "In the new UDP header, the checksum value is always assigned to zero"); the kernel then
   *     refuses UDP GSO, so ESP leaves through {@link #mmsgSender()}; false: computed checksums, and
   *     {@link #gsoSender()} may be used
   */
  public UdpEncapSocket(EventLoopGroup group, InetSocketAddress bindAddress, OuterReceiver receiver, boolean gro,
      boolean zeroChecksum) {
    this.group = group;
    this.bindAddress = bindAddress;
    this.receiver = receiver;
    this.gro = gro;
    this.zeroChecksum = zeroChecksum;
  }

  /**
   * Scale-out: bind with {@code SO_REUSEPORT}, so every forwarder process of the host shares the port (the kernel
   * picks a socket by the group's steering program, {@link #steeringGroup()}, else by 4-tuple hash; a packet of an
   * SA another instance owns is handed to it). Before {@link #bind()}.
   */
  public void reusePort(boolean on) {
    this.reusePort = on;
  }

  /** Binds the socket; blocks until bound (called from a worker, never from an event loop). */
  public void bind() throws InterruptedException {
    boolean v6 = bindAddress.getAddress() instanceof Inet6Address;
    family = v6 ? Libc.AF_INET6 : Libc.AF_INET;
    int maxPayload = gro ? GRO_DATAGRAM : MAX_DATAGRAM;
    // GRO: a buffer of exactly one coalesced datagram, so that Netty reads with recvmsg, which reports the segment
    // size (UDP_GRO control message); its recvmmsg path (several datagrams per buffer) drops it, and ESP has no
    // length field to split a coalesced datagram by. One recvmsg then returns up to 64 KiB, ~45 ESP packets.
    int batch = gro ? 1 : BATCH;
    Bootstrap b = new Bootstrap()
        .group(group)
        .channelFactory(() -> channel(v6))
        .option(ChannelOption.SO_RCVBUF, SocketBuffers.BYTES)
        .option(ChannelOption.SO_SNDBUF, SocketBuffers.BYTES)
        .option(ChannelOption.SO_REUSEADDR, true)
        .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, maxPayload)
        .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(maxPayload * batch))
        .handler(new Handler());
    if (gro) {
      b.option(EpollChannelOption.UDP_GRO, true);
    }
    if (reusePort) {
      b.option(EpollChannelOption.SO_REUSEPORT, true);
    }
    channel = b.bind(bindAddress).sync().channel();
    SocketBuffers.force(fd());
    InetSocketAddress local = (InetSocketAddress) channel.localAddress();
    InetAddress at = local.getAddress().isAnyLocalAddress() ? loopback(v6) : local.getAddress();
    probeAddress = new InetSocketAddress(at, local.getPort());
    if (!v6 && zeroChecksum) {
      // RFC 3948 §2.1: the checksum of UDP-encapsulated ESP SHOULD be zero; ESP has its own ICV.
      Libc.setsockoptInt(fd(), Libc.SOL_SOCKET, Libc.SO_NO_CHECK, 1);
    }
  }

  private static InetAddress loopback(boolean v6) {
    try {
      return InetAddress.getByAddress(v6 ? new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}
          : new byte[] {127, 0, 0, 1});
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e); // not reached: the length is right
    }
  }

  /**
   * This socket as a member of its SO_REUSEPORT group, for {@link ReuseportSteering}: named by its bound address
   * and port, probing itself over loopback (a wildcard socket) or its own address, attaching programs on its
   * descriptor. After {@link #bind()}.
   */
  public ReuseportSteering.Group steeringGroup() {
    InetSocketAddress local = localAddress();
    String name = (local.getAddress() instanceof Inet6Address ? "[" + local.getAddress().getHostAddress() + "]"
        : local.getAddress().getHostAddress()) + ":" + local.getPort();
    return new ReuseportSteering.Group() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public void sendProbe(byte[] probe) {
        channel.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(probe), probeAddress));
      }

      @Override
      public String attach(List<ReuseportProgram.Insn> program) {
        Libc.Result r = Libc.attachReuseportCbpf(fd(), ReuseportProgram.quads(program));
        return r.failed() ? "SO_ATTACH_REUSEPORT_CBPF: " + r.describe() : null;
      }
    };
  }

  /** Scale-out: probes arriving on this socket go to {@code p} (never to the ESP path). */
  public void probes(ReuseportIndexProbe p) {
    this.probes = p;
  }

  /**
   * An IPv6 socket beside an IPv4 one on the same port is IPv6-only ({@code IPV6_V6ONLY}, before bind): IPv4 peers
   * stay on the IPv4 socket, whose DF switch and zero checksums apply to them.
   */
  private EpollDatagramChannel channel(boolean v6) {
    EpollDatagramChannel ch = new EpollDatagramChannel(v6 ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET);
    if (v6 && v6Only) {
      Libc.Result r = Libc.setsockoptInt(ch.fd().intValue(), Libc.IPPROTO_IPV6, Libc.IPV6_V6ONLY, 1);
      if (r.failed()) {
        throw new IllegalStateException("IPV6_V6ONLY: " + r.describe());
      }
    }
    return ch;
  }

  /** This socket serves IPv6 only (call before {@link #bind()}): an IPv4 socket on the same port serves IPv4. */
  public UdpEncapSocket v6Only() {
    this.v6Only = true;
    return this;
  }

  /** Where datagrams go from now on (the data plane is built after the socket, as it needs its descriptor). */
  public void receiver(OuterReceiver r) {
    this.receiver = r;
  }

  public int fd() {
    return ((EpollDatagramChannel) channel).fd().intValue();
  }

  /** The receive buffer the kernel gave the socket, in bytes ({@code SO_RCVBUF}: twice what was asked for). */
  public int receiveBufferBytes() {
    return ((EpollDatagramChannel) channel).config().getReceiveBufferSize();
  }

  public int family() {
    return family;
  }

  public InetSocketAddress localAddress() {
    return (InetSocketAddress) channel.localAddress();
  }

  /** One {@code sendto} per ESP packet, from the caller's thread. */
  public EspSender nativeSender() {
    return new NativeUdpSender(fd(), family);
  }

  /** Batches of ESP packets per {@code sendmmsg}, each its own datagram (works with zero checksums). */
  public EspSender mmsgSender() {
    return new MmsgUdpSender(fd(), family);
  }

  /** Batches of ESP packets per {@code sendmsg} with UDP GSO, from the caller's thread (one thread per sender). */
  public EspSender gsoSender() {
    return new GsoUdpSender(fd(), family);
  }

  /** Sends an IKE message with the non-ESP marker in front (RFC 3948 §2.2). */
  public void sendIke(byte[] message, InetSocketAddress peer) {
    ByteBuf out = Unpooled.buffer(UdpEncapClassifier.NON_ESP_MARKER_BYTES + message.length);
    out.writeInt(0).writeBytes(message);
    channel.writeAndFlush(new DatagramPacket(out, peer));
  }

  /** Sends the one-byte NAT-keepalive (RFC 3948 §2.3). */
  public void sendKeepalive(InetSocketAddress peer) {
    channel.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(KEEPALIVE), peer));
  }

  @Override
  public void close() {
    if (channel != null) {
      channel.close().syncUninterruptibly();
    }
  }

  /** Runs on the channel's single event-loop thread, so one receive buffer serves every datagram. */
  private final class Handler extends SimpleChannelInboundHandler<DatagramPacket> {
    private final PacketBuffer rx = new PacketBuffer();

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
      OuterReceiver receiver = UdpEncapSocket.this.receiver;
      ByteBuf content = packet.content();
      int from = content.readerIndex();
      int end = content.writerIndex();
      // a GRO-coalesced datagram (equal segments, the last may be shorter) is one datagram per segment
      int segment = packet instanceof io.netty.channel.unix.SegmentedDatagramPacket s && s.segmentSize() > 0
          ? s.segmentSize() : end - from;
      do {
        int len = Math.min(segment, end - from);
        datagram(receiver, content, from, len, packet);
        from += len;
      } while (from < end);
    }

    private void datagram(OuterReceiver receiver, ByteBuf content, int at, int len, DatagramPacket packet) {
      InetSocketAddress sender = packet.sender();
      if (len > rx.capacity() - PacketBuffer.HEADROOM) {
        receiver.onMalformed(sender);
        return;
      }
      byte[] a = rx.array();
      int off = PacketBuffer.HEADROOM;
      content.getBytes(at, a, off, len);
      if (len == SteeringProbe.BYTES && SteeringProbe.isProbe(a, off, len) && sender.equals(probeAddress)) {
        // a reuseport steering probe of this host's forwarders (ours or another instance's): never ESP
        ReuseportIndexProbe p = probes;
        if (p != null) {
          p.received(a, off, len);
        }
        return;
      }
      switch (UdpEncapClassifier.classify(a, off, len)) {
        case ESP -> receiver.onEsp(rx, off, len, sender);
        case IKE -> receiver.onIke(
            Arrays.copyOfRange(a, off + UdpEncapClassifier.NON_ESP_MARKER_BYTES, off + len), sender,
            packet.recipient());
        case NAT_KEEPALIVE -> receiver.onKeepalive(sender);
        case INVALID -> receiver.onMalformed(sender);
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      UdpEncapSocket.this.receiver.onBatchEnd();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // A socket error (e.g. ICMP port unreachable reported on the socket) is no reason to stop.
    }
  }
}
