package io.ipsecmesh.esp.frag;

import io.ipsecmesh.esp.io.Libc;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * ICMPv6 to the inner network through a raw ICMPv6 socket, the IPv6 twin of {@link RawIcmpSender}: the kernel
 * routes the message towards the inner source, gives it the source address of the LAN-side interface and
 * computes the ICMPv6 checksum over its own pseudo-header (RFC 3542 §3.1). Needs {@code CAP_NET_RAW}. Message and
 * address live in native memory allocated once; sending allocates nothing.
 */
public final class RawIcmp6Sender implements Icmp6Sender, AutoCloseable {

  private static final int SOCK_RAW = 3;
  private static final int IPPROTO_ICMPV6 = 58;
  private static final int SOCK_CLOEXEC = 0x80000;
  private static final int SOCKADDR_IN6 = 28;
  private static final ValueLayout.OfLong NET_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

  private final int fd;
  private final MemorySegment message;
  private final MemorySegment sockaddr;

  private RawIcmp6Sender(int fd) {
    this.fd = fd;
    Arena arena = Arena.ofAuto();
    this.message = arena.allocate(PacketTooBig.MAX_LENGTH);
    this.sockaddr = arena.allocate(SOCKADDR_IN6, 8);
    sockaddr.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_INET6);
  }

  public static RawIcmp6Sender open() throws IOException {
    Libc.Result r = Libc.socket(Libc.AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);
    if (r.failed()) {
      throw new IOException("raw ICMPv6 socket: " + r.describe());
    }
    return new RawIcmp6Sender((int) r.value());
  }

  @Override
  public boolean send(byte[] msg, int len, long dstHi, long dstLo) {
    if (len > message.byteSize()) {
      return false;
    }
    MemorySegment.copy(msg, 0, message, ValueLayout.JAVA_BYTE, 0, len);
    sockaddr.set(NET_LONG, 8, dstHi); // sin6_addr
    sockaddr.set(NET_LONG, 16, dstLo);
    return Libc.sendto(fd, message, len, sockaddr, SOCKADDR_IN6) == len;
  }

  @Override
  public void close() {
    Libc.close(fd);
  }
}
