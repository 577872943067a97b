package io.ipsecmesh.esp.io;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Sends ESP-in-UDP in batches with {@code sendmmsg(2)}: each ESP packet stays its own datagram (its own
 * {@code struct mmsghdr}), but a batch leaves with one system call. This is the batching sender for a
 * socket with zero UDP checksums ({@code SO_NO_CHECK}, RFC 3948 §2.1 and the seed's "the checksum value is
 * always assigned to zero"), on which the kernel refuses UDP GSO ({@link GsoUdpSender}). Packets of any
 * length and to any peer may share a batch; it ends at 64 packets or 64 KiB, or when the caller flushes
 * because the inner side ran dry. A peer with a source address ({@link PeerEndpoint#source()}) gets it as
 * an {@code IP_PKTINFO} control message, so each SA leaves from its own local address. One copy per
 * packet, heap to native. Used from one thread.
 */
public final class MmsgUdpSender implements EspSender {

  private static final int MAX_MESSAGES = 64;
  private static final int MAX_BYTES = 65536;
  /** {@code struct msghdr} (56 bytes on LP64) + {@code msg_len} + padding. */
  private static final int MMSGHDR = 64;
  private static final int IOVEC = 16;

  private final int fd;
  private final int family;
  private final MemorySegment staging;
  private final MemorySegment mmsghdrs;
  private final MemorySegment iovecs;
  /** The peers of the queued packets: their sockaddr must stay reachable until {@link #flush()}. */
  private final PeerEndpoint[] peers = new PeerEndpoint[MAX_MESSAGES];
  private int count;
  private int total;

  public MmsgUdpSender(int fd, int family) {
    this.fd = fd;
    this.family = family;
    Arena arena = Arena.ofAuto();
    this.staging = arena.allocate(MAX_BYTES, 64);
    this.mmsghdrs = arena.allocate((long) MMSGHDR * MAX_MESSAGES, 8);
    this.iovecs = arena.allocate((long) IOVEC * MAX_MESSAGES, 8);
    for (int i = 0; i < MAX_MESSAGES; i++) {
      MemorySegment h = mmsghdrs.asSlice((long) i * MMSGHDR, MMSGHDR);
      h.set(ValueLayout.ADDRESS, 16, iovecs.asSlice((long) i * IOVEC, IOVEC)); // msg_iov
      h.set(ValueLayout.JAVA_LONG, 24, 1); // msg_iovlen
    }
  }

  @Override
  public boolean batching() {
    return true;
  }

  @Override
  public boolean fits(int len, PeerEndpoint to) {
    return count == 0 || count < MAX_MESSAGES && total + len <= MAX_BYTES;
  }

  @Override
  public boolean send(PacketBuffer buf, int off, int len, PeerEndpoint to) {
    if (!fits(len, to) || len > MAX_BYTES) {
      return false; // the caller flushes before a packet that does not fit; this one is a send error
    }
    MemorySegment.copy(buf.array(), off, staging, ValueLayout.JAVA_BYTE, total, len);
    MemorySegment iov = iovecs.asSlice((long) count * IOVEC, IOVEC);
    iov.set(ValueLayout.ADDRESS, 0, staging.asSlice(total, len));
    iov.set(ValueLayout.JAVA_LONG, 8, len);
    MemorySegment h = mmsghdrs.asSlice((long) count * MMSGHDR, MMSGHDR);
    h.set(ValueLayout.ADDRESS, 0, to.sockaddr()); // msg_name
    h.set(ValueLayout.JAVA_INT, 8, to.sockaddrLength()); // msg_namelen
    // the SA's local address as source (IP_PKTINFO): the interface of its crypto map, or local-address
    MemorySegment pktinfo = to.pktinfo();
    h.set(ValueLayout.ADDRESS, 32, pktinfo == null ? MemorySegment.NULL : pktinfo); // msg_control
    h.set(ValueLayout.JAVA_LONG, 40, to.pktinfoSpace()); // msg_controllen
    peers[count] = to;
    total += len;
    count++;
    return true;
  }

  @Override
  public int flush() {
    int lost = 0;
    int next = 0;
    // sendmmsg stops at the first message that fails (EMSGSIZE, a full buffer): that one is lost, the
    // rest go on with the next call; at most one call per message
    while (next < count) {
      int n = Libc.sendmmsg(fd, mmsghdrs.asSlice((long) next * MMSGHDR), count - next);
      if (n > 0) {
        next += n;
      } else {
        next++;
        lost++;
      }
    }
    java.util.Arrays.fill(peers, 0, count, null);
    count = 0;
    total = 0;
    return lost;
  }

  @Override
  public int family() {
    return family;
  }
}
