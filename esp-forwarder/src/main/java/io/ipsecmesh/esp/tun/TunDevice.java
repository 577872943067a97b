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
  private static final short IFF_UP = 0x1;
  private static final short IFF_RUNNING = 0x40;
  private static final int IFREQ_BYTES = 40;
  private static final int IFNAMSIZ = 16;
  private static final int POLL_MILLIS = 200;

  private final int fd;
  private final String name;
  private volatile boolean running = true;
  private Thread reader;

  private TunDevice(int fd, String name) {
    this.fd = fd;
    this.name = name;
  }

  /** Creates (or attaches to) TUN interface {@code requestedName}, sets its MTU and brings it up. */
  public static TunDevice open(String requestedName, int mtu) throws IOException {
    return open(requestedName, mtu, 0);
  }

  /**
   * @param txQueueLen packets the kernel queues towards the reader thread (0: keep the default 500);
   *     a longer queue absorbs TCP bursts while the reader is descheduled, instead of dropping them
   */
  public static TunDevice open(String requestedName, int mtu, int txQueueLen) throws IOException {
    Libc.Result open = Libc.open("/dev/net/tun", Libc.O_RDWR | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
    if (open.failed()) {
      throw new IOException("open /dev/net/tun: " + open.describe());
    }
    int fd = (int) open.value();
    try (Arena a = Arena.ofConfined()) {
      MemorySegment ifr = ifreq(a, requestedName);
      ifr.set(ValueLayout.JAVA_SHORT, IFNAMSIZ, (short) (IFF_TUN | IFF_NO_PI));
      Libc.Result set = Libc.ioctl(fd, TUNSETIFF, ifr);
      if (set.failed()) {
        Libc.close(fd);
        throw new IOException("TUNSETIFF " + requestedName + ": " + set.describe());
      }
      String actual = ifr.getString(0, StandardCharsets.US_ASCII);
      configureLink(a, actual, mtu, txQueueLen);
      return new TunDevice(fd, actual);
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
    PacketBuffer buf = new PacketBuffer();
    MemorySegment dst = buf.at(PacketBuffer.HEADROOM);
    long room = PacketBuffer.MAX_PACKET;
    try (Arena a = Arena.ofConfined()) {
      MemorySegment pollfd = a.allocate(8, 8);
      while (running) {
        long n = Libc.read(fd, dst, room);
        if (n > 0) {
          handler.onInnerPacket(buf, PacketBuffer.HEADROOM, (int) n);
        } else {
          // EAGAIN (queue empty) or an error: wait for readability, re-check the stop flag
          Libc.pollIn(pollfd, fd, POLL_MILLIS);
        }
      }
    }
  }

  @Override
  public boolean write(PacketBuffer buf, int off, int len) {
    return Libc.write(fd, buf.at(off), len) == len;
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
