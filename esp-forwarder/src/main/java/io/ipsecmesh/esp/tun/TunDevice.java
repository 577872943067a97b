package io.ipsecmesh.esp.tun;

import io.ipsecmesh.esp.io.Libc;
import io.ipsecmesh.esp.io.PacketBuffer;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * A Linux TUN interface opened through FFM ({@code /dev/net/tun}, {@code TUNSETIFF} with
 * {@code IFF_TUN | IFF_NO_PI}): raw IPv4/IPv6 packets, one per read/write. Reads run on a dedicated
 * platform thread; the descriptor is non-blocking and the thread parks in {@code poll(2)} only when
 * the queue is empty, which also lets {@link #close()} stop it within one poll interval.
 */
public final class TunDevice implements PacketPort {

  private static final long TUNSETIFF = 0x400454caL;
  private static final long SIOCGIFFLAGS = 0x8913;
  private static final long SIOCSIFFLAGS = 0x8914;
  private static final long SIOCSIFMTU = 0x8922;
  private static final long SIOCSIFTXQLEN = 0x8943;
  private static final short IFF_TUN = 0x0001;
  private static final short IFF_NO_PI = 0x1000;
  private static final short IFF_VNET_HDR = 0x4000;
  /** One queue of a multi-queue device per opener (scale-out: one per forwarder process). */
  private static final short IFF_MULTI_QUEUE = 0x0100;
  private static final long TUNSETOFFLOAD = 0x400454d0L;
  private static final long TUN_F_CSUM = 0x01;
  private static final long TUN_F_TSO4 = 0x02;
  private static final long TUN_F_TSO6 = 0x04;
  /** A TSO super-packet: up to 64 KiB of IP packet after the virtio-net header. */
  private static final int OFFLOAD_READ = 65536;
  private static final short IFF_UP = 0x1;
  private static final short IFF_RUNNING = 0x40;
  private static final int IFREQ_BYTES = 40;
  private static final int IFNAMSIZ = 16;
  private static final int POLL_MILLIS = 200;

  private final int fd;
  private final String name;
  private final boolean offload;
  /** Receive-side TCP coalescing, used by the one thread that writes (offload mode only). */
  private final TcpCoalescer coalescer;
  private volatile boolean running = true;
  /** Packets read but not deliverable (bad offload metadata, or a handler failure); reader thread only. */
  private long dropped;
  private Thread reader;

  private TunDevice(int fd, String name, boolean offload) {
    this.fd = fd;
    this.name = name;
    this.offload = offload;
    this.coalescer = offload ? new TcpCoalescer(this::writeWithHeader) : null;
  }

  /** Creates (or attaches to) TUN interface {@code requestedName}, sets its MTU and brings it up. */
  public static TunDevice open(String requestedName, int mtu) throws IOException {
    return open(requestedName, mtu, 0, false);
  }

  /**
   * @param txQueueLen packets the kernel queues towards the reader thread (0: keep the default 500);
   *     a longer queue absorbs TCP bursts while the reader is descheduled, instead of dropping them
   * @param offload {@code IFF_VNET_HDR} with checksum and TSO offload: the kernel hands over TCP
   *     super-packets of up to 64 KiB (one read instead of ~45), which this device cuts into
   *     segments itself ({@link Offload})
   */
  public static TunDevice open(String requestedName, int mtu, int txQueueLen, boolean offload) throws IOException {
    return open(requestedName, mtu, txQueueLen, offload, false);
  }

  /**
   * @param multiQueue {@code IFF_MULTI_QUEUE}: every forwarder process of the host opens one queue of the same
   *     device; the kernel spreads outgoing flows over the queues by flow hash, and a queue whose process died
   *     is detached with its descriptor (Documentation/networking/tuntap.rst, "Multiqueue tuntap interface")
   */
  public static TunDevice open(String requestedName, int mtu, int txQueueLen, boolean offload, boolean multiQueue)
      throws IOException {
    Libc.Result open = Libc.open("/dev/net/tun", Libc.O_RDWR | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
    if (open.failed()) {
      throw new IOException("open /dev/net/tun: " + open.describe());
    }
    int fd = (int) open.value();
    try (Arena a = Arena.ofConfined()) {
      MemorySegment ifr = ifreq(a, requestedName);
      ifr.set(ValueLayout.JAVA_SHORT, IFNAMSIZ, (short) (IFF_TUN | IFF_NO_PI | (offload ? IFF_VNET_HDR : 0)
          | (multiQueue ? IFF_MULTI_QUEUE : 0)));
      Libc.Result set = Libc.ioctl(fd, TUNSETIFF, ifr);
      if (set.failed()) {
        throw new IOException("TUNSETIFF " + requestedName + ": " + set.describe());
      }
      if (offload) {
        // the argument is the flag word itself, passed where ioctl takes its pointer
        Libc.Result off = Libc.ioctl(fd, TUNSETOFFLOAD, MemorySegment.ofAddress(TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6));
        if (off.failed()) {
          throw new IOException("TUNSETOFFLOAD " + requestedName + ": " + off.describe());
        }
      }
      String actual = ifr.getString(0, StandardCharsets.US_ASCII);
      configureLink(a, actual, mtu, txQueueLen);
      return new TunDevice(fd, actual, offload);
    } catch (IOException | RuntimeException e) {
      Libc.close(fd);
      throw e;
    }
  }

  private static MemorySegment ifreq(Arena a, String name) {
    byte[] n = name.getBytes(StandardCharsets.US_ASCII);
    if (n.length >= IFNAMSIZ) {
      throw new IllegalArgumentException("interface name too long: " + name);
    }
    MemorySegment ifr = a.allocate(IFREQ_BYTES, 8);
    MemorySegment.copy(n, 0, ifr, ValueLayout.JAVA_BYTE, 0, n.length);
    return ifr;
  }

  /** MTU and IFF_UP go through an ordinary socket's interface ioctls, as {@code ip link} does. */
  private static void configureLink(Arena a, String name, int mtu, int txQueueLen) throws IOException {
    Libc.Result sock = Libc.socket(Libc.AF_INET, Libc.SOCK_DGRAM, 0);
    if (sock.failed()) {
      throw new IOException("socket: " + sock.describe());
    }
    int s = (int) sock.value();
    try {
      MemorySegment ifr = ifreq(a, name);
      ifr.set(ValueLayout.JAVA_INT, IFNAMSIZ, mtu);
      Libc.Result r = Libc.ioctl(s, SIOCSIFMTU, ifr);
      if (r.failed()) {
        throw new IOException("SIOCSIFMTU " + name + " " + mtu + ": " + r.describe());
      }
      if (txQueueLen > 0) {
        ifr = ifreq(a, name);
        ifr.set(ValueLayout.JAVA_INT, IFNAMSIZ, txQueueLen);
        r = Libc.ioctl(s, SIOCSIFTXQLEN, ifr);
        if (r.failed()) {
          throw new IOException("SIOCSIFTXQLEN " + name + " " + txQueueLen + ": " + r.describe());
        }
      }
      ifr = ifreq(a, name);
      r = Libc.ioctl(s, SIOCGIFFLAGS, ifr);
      if (r.failed()) {
        throw new IOException("SIOCGIFFLAGS " + name + ": " + r.describe());
      }
      short flags = ifr.get(ValueLayout.JAVA_SHORT, IFNAMSIZ);
      ifr.set(ValueLayout.JAVA_SHORT, IFNAMSIZ, (short) (flags | IFF_UP | IFF_RUNNING));
      r = Libc.ioctl(s, SIOCSIFFLAGS, ifr);
      if (r.failed()) {
        throw new IOException("SIOCSIFFLAGS " + name + ": " + r.describe());
      }
    } finally {
      Libc.close(s);
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public synchronized void start(InnerPacketHandler handler) {
    if (reader != null) {
      throw new IllegalStateException("already started");
    }
    reader = Thread.ofPlatform().name("esp-tun-rx-" + name).daemon().start(() -> readLoop(handler));
  }

  private void readLoop(InnerPacketHandler handler) {
    int hdr = offload ? Offload.VNET_HDR_LEN : 0;
    int room = offload ? OFFLOAD_READ : PacketBuffer.MAX_PACKET;
    PacketBuffer buf = new PacketBuffer(PacketBuffer.HEADROOM + room + PacketBuffer.TAILROOM);
    PacketBuffer segments = offload ? new PacketBuffer() : null;
    Offload.SegmentSink toHandler = (b, o, l) -> handler.onInnerPacket(segments, o, l);
    MemorySegment dst = buf.at(PacketBuffer.HEADROOM - hdr);
    byte[] a = buf.array();
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment pollfd = arena.allocate(8, 8);
      while (running) {
        int n = (int) Libc.read(fd, dst, room + hdr) - hdr;
        if (n > 0) {
          try {
            if (!offload) {
              handler.onInnerPacket(buf, PacketBuffer.HEADROOM, n);
            } else {
              deliverOffloaded(a, n, buf, segments, handler, toHandler);
            }
          } catch (RuntimeException e) {
            // a bug must not kill the interface: count it as a dropped packet and go on
            dropped++;
          }
        } else {
          // EAGAIN (queue empty) or an error: flush batches, wait for readability, re-check the stop flag
          handler.onBatchEnd();
          Libc.pollIn(pollfd, fd, POLL_MILLIS);
        }
      }
    }
  }

  private void deliverOffloaded(byte[] a, int n, PacketBuffer buf, PacketBuffer segments,
      InnerPacketHandler handler, Offload.SegmentSink toHandler) {
    int h = PacketBuffer.HEADROOM - Offload.VNET_HDR_LEN;
    int pkt = PacketBuffer.HEADROOM;
    int gso = Offload.gsoType(a, h);
    if (gso == Offload.GSO_TCPV4 || gso == Offload.GSO_TCPV6) {
      if (Offload.segmentTcp(a, pkt, n, Offload.gsoSize(a, h), segments.array(), PacketBuffer.HEADROOM,
          toHandler) < 0) {
        dropped++;
      }
      return;
    }
    if ((Offload.hdrFlags(a, h) & Offload.F_NEEDS_CSUM) != 0
        && !Offload.finishChecksum(a, pkt, n, Offload.csumStart(a, h), Offload.csumOffset(a, h))) {
      dropped++;
      return;
    }
    handler.onInnerPacket(buf, pkt, n);
  }

  @Override
  public long readDrops() {
    return dropped;
  }

  @Override
  public boolean write(PacketBuffer buf, int off, int len) {
    if (!offload) {
      return Libc.write(fd, buf.at(off), len) == len;
    }
    return coalescer.write(buf, off, len);
  }

  @Override
  public void flush() {
    if (offload) {
      coalescer.flush();
    }
  }

  @Override
  public long deferredWriteFailures() {
    return offload ? coalescer.lost() : 0;
  }

  /** Segments joined into TCP super-packets on the way in (statistics). */
  public long coalesced() {
    return offload ? coalescer.coalesced() : 0;
  }

  /**
   * Writes a packet behind its virtio-net header: all zero for a complete packet with valid
   * checksums; for a TCP super-packet, TCPV4 or TCPV6 segmentation at {@code gsoSize} with the checksum
   * left to the kernel (the field holds the pseudo-header sum).
   */
  private boolean writeWithHeader(PacketBuffer buf, int off, int len, int gsoSize, int headerLen) {
    int h = off - Offload.VNET_HDR_LEN;
    byte[] a = buf.array();
    java.util.Arrays.fill(a, h, off, (byte) 0);
    if (gsoSize > 0) {
      // the checksum starts at the TCP header, after 20 (IPv4) or 40 (IPv6) bytes; it is 16 bytes into it
      boolean v6 = (a[off] & 0xF0) == 0x60;
      a[h] = Offload.F_NEEDS_CSUM;
      a[h + 1] = (byte) (v6 ? Offload.GSO_TCPV6 : Offload.GSO_TCPV4);
      le16(a, h + 2, headerLen);
      le16(a, h + 4, gsoSize);
      le16(a, h + 6, v6 ? 40 : 20);
      le16(a, h + 8, 16);
    }
    return Libc.write(fd, buf.at(h), len + Offload.VNET_HDR_LEN) == len + Offload.VNET_HDR_LEN;
  }

  private static void le16(byte[] a, int off, int v) {
    a[off] = (byte) v;
    a[off + 1] = (byte) (v >>> 8);
  }

  @Override
  public void close() {
    running = false;
    Thread r = reader;
    if (r != null) {
      try {
        r.join(2L * POLL_MILLIS + 100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Libc.close(fd);
  }
}
