package io.ipsecmesh.esp.frag;

import io.ipsecmesh.esp.io.Libc;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * ICMP to the inner network through a raw ICMP socket: the kernel routes the message towards the
 * inner source and gives it the source address of the LAN-side interface, as a router's ICMP has.
 * Needs {@code CAP_NET_RAW} (the forwarder with a TUN runs as root). Message and address live in
 * native memory allocated once.
 */
public final class RawIcmpSender implements IcmpSender, AutoCloseable {

  private static final int SOCK_RAW = 3;
  private static final int IPPROTO_ICMP = 1;
  private static final int SOCK_CLOEXEC = 0x80000;

  private final int fd;
  private final MemorySegment message;
  private final MemorySegment sockaddr;

  private RawIcmpSender(int fd) {
    this.fd = fd;
    Arena arena = Arena.ofAuto();
    this.message = arena.allocate(FragmentationNeeded.MAX_LENGTH);
    this.sockaddr = arena.allocate(16);
    sockaddr.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_INET);
  }

  public static RawIcmpSender open() throws IOException {
    Libc.Result r = Libc.socket(Libc.AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
    if (r.failed()) {
      throw new IOException("raw ICMP socket: " + r.describe());
    }
    return new RawIcmpSender((int) r.value());
  }

  @Override
  public boolean send(byte[] msg, int len, int dstV4) {
    MemorySegment.copy(msg, 0, message, ValueLayout.JAVA_BYTE, 0, len);
    sockaddr.set(ValueLayout.JAVA_BYTE, 4, (byte) (dstV4 >>> 24));
    sockaddr.set(ValueLayout.JAVA_BYTE, 5, (byte) (dstV4 >>> 16));
    sockaddr.set(ValueLayout.JAVA_BYTE, 6, (byte) (dstV4 >>> 8));
    sockaddr.set(ValueLayout.JAVA_BYTE, 7, (byte) dstV4);
    return Libc.sendto(fd, message, len, sockaddr, 16) == len;
  }

  @Override
  public void close() {
    Libc.close(fd);
  }
}
