package io.ipsecmesh.esp.io;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Sends ESP-in-UDP in batches with UDP generic segmentation offload ({@code UDP_SEGMENT}): ESP
 * packets of equal length to one peer are laid end to end in a native buffer and leave with one
 * {@code sendmsg(2)}; the kernel (or the NIC) cuts them into datagrams, and a receiver with UDP GRO
 * gets them back as one. A batch ends at the first shorter packet, at 64 packets or 64 KiB, or when
 * the caller flushes because the inner side ran dry. One copy per packet, heap to native, is the
 * price of the single system call. Used from one thread.
 */
public final class GsoUdpSender implements EspSender {

  private static final int SOL_UDP = 17;
  private static final int UDP_SEGMENT = 103;
  private static final int MAX_SEGMENTS = 64;
  /** IPv4 limit of one UDP datagram payload. */
  private static final int MAX_BYTES = 65507;
  private static final int MSGHDR = 56;
  private static final int IOVEC = 16;
  private static final int CMSG = 24;

  private final int fd;
  private final int family;
  private final MemorySegment staging;
  private final MemorySegment msghdr;
  private final MemorySegment iovec;
  private final MemorySegment cmsg;
  private PeerEndpoint peer;
  private int count;
  private int segment;
  private int total;
  private boolean closed;

  public GsoUdpSender(int fd, int family) {
    this.fd = fd;
    this.family = family;
    Arena arena = Arena.ofAuto();
    this.staging = arena.allocate(MAX_BYTES + 2048, 64);
    MemorySegment control = arena.allocate(MSGHDR + IOVEC + CMSG, 8);
    this.msghdr = control.asSlice(0, MSGHDR);
    this.iovec = control.asSlice(MSGHDR, IOVEC);
    this.cmsg = control.asSlice(MSGHDR + IOVEC, CMSG);
    iovec.set(ValueLayout.ADDRESS, 0, staging);
    cmsg.set(ValueLayout.JAVA_LONG, 0, 18); // CMSG_LEN(sizeof(uint16_t))
    cmsg.set(ValueLayout.JAVA_INT, 8, SOL_UDP);
    cmsg.set(ValueLayout.JAVA_INT, 12, UDP_SEGMENT);
    msghdr.set(ValueLayout.ADDRESS, 16, iovec);
    msghdr.set(ValueLayout.JAVA_LONG, 24, 1);
    msghdr.set(ValueLayout.ADDRESS, 32, cmsg);
    msghdr.set(ValueLayout.JAVA_LONG, 40, CMSG);
  }

  @Override
  public boolean batching() {
    return true;
  }

  @Override
  public boolean fits(int len, PeerEndpoint to) {
    return count == 0
        || to == peer && !closed && len <= segment && count < MAX_SEGMENTS && total + len <= MAX_BYTES;
  }

  @Override
  public boolean send(PacketBuffer buf, int off, int len, PeerEndpoint to) {
    if (!fits(len, to)) {
      return false; // the caller flushes before a packet that does not fit; this one is a send error
    }
    if (count == 0) {
      peer = to;
      segment = len;
    }
    MemorySegment.copy(buf.array(), off, staging, ValueLayout.JAVA_BYTE, total, len);
    total += len;
    count++;
    closed = len < segment;
    return true;
  }

  @Override
  public int flush() {
    if (count == 0) {
      return 0;
    }
    long sent;
    if (count == 1) {
      sent = Libc.sendto(fd, staging, total, peer.sockaddr(), peer.sockaddrLength());
    } else {
      msghdr.set(ValueLayout.ADDRESS, 0, peer.sockaddr());
      msghdr.set(ValueLayout.JAVA_INT, 8, peer.sockaddrLength());
      iovec.set(ValueLayout.JAVA_LONG, 8, total);
      cmsg.set(ValueLayout.JAVA_SHORT, 16, (short) segment);
      sent = Libc.sendmsg(fd, msghdr);
    }
    int lost = sent == total ? 0 : count;
    count = 0;
    total = 0;
    closed = false;
    peer = null;
    return lost;
  }

  @Override
  public int family() {
    return family;
  }
}
