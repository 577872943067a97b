package io.ipsecmesh.esp.io;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The few libc calls the data plane makes through FFM. The per-packet calls ({@link #read},
 * {@link #write}, {@link #sendto}) are linked "critical" with heap access, so they take a
 * {@code MemorySegment.ofArray(byte[])} directly: no copy into native memory and no allocation, and
 * errno is not captured there (a failed packet call is a counted drop, its reason does not matter).
 * The set-up calls capture errno for a useful error message.
 */
public final class Libc {

  public static final int O_RDWR = 2;
  public static final int O_NONBLOCK = 0x800;
  public static final int O_CLOEXEC = 0x80000;
  public static final short POLLIN = 1;
  public static final int AF_INET = 2;
  public static final int AF_INET6 = 10;
  public static final int SOCK_DGRAM = 2;
  public static final int SOL_SOCKET = 1;
  /** Linux {@code SO_NO_CHECK}: send UDP/IPv4 with checksum zero (RFC 3948 §2.1 allows it for ESP). */
  public static final int SO_NO_CHECK = 11;
  /**
   * Linux {@code SO_ATTACH_REUSEPORT_CBPF}: a classic BPF program (a {@code struct sock_fprog}) that picks the socket
   * of an SO_REUSEPORT group for each datagram; attached on any socket of the group, it replaces the group's program.
   */
  public static final int SO_ATTACH_REUSEPORT_CBPF = 51;
  /** Linux {@code SO_SNDBUFFORCE} / {@code SO_RCVBUFFORCE}: sizes past {@code net.core.[wr]mem_max} (CAP_NET_ADMIN). */
  public static final int SO_SNDBUFFORCE = 32;
  public static final int SO_RCVBUFFORCE = 33;
  public static final int IPPROTO_IPV6 = 41;
  /** {@code IPV6_V6ONLY}: an IPv6 socket that does not also receive IPv4 (as IPv4-mapped addresses). */
  public static final int IPV6_V6ONLY = 26;
  /** {@code IPV6_PKTINFO} (RFC 3542 §6): the source address of a datagram, as a control message. */
  public static final int IPV6_PKTINFO = 50;

  private static final Linker LINKER = Linker.nativeLinker();
  private static final SymbolLookup LIBC = LINKER.defaultLookup();
  private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
  private static final VarHandle ERRNO_HANDLE =
      Linker.Option.captureStateLayout().varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));

  private static final MethodHandle OPEN = errnoCall("open",
      FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
  private static final MethodHandle IOCTL = errnoCall("ioctl",
      FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));
  private static final MethodHandle SOCKET = errnoCall("socket",
      FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
  private static final MethodHandle SETSOCKOPT = errnoCall("setsockopt",
      FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
          ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
  private static final MethodHandle CLOSE = LINKER.downcallHandle(LIBC.findOrThrow("close"),
      FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
  private static final MethodHandle POLL = LINKER.downcallHandle(LIBC.findOrThrow("poll"),
      FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
  private static final MethodHandle READ = LINKER.downcallHandle(LIBC.findOrThrow("read"),
      FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
      Linker.Option.critical(true));
  private static final MethodHandle WRITE = LINKER.downcallHandle(LIBC.findOrThrow("write"),
      FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
      Linker.Option.critical(true));
  private static final MethodHandle SENDTO = LINKER.downcallHandle(LIBC.findOrThrow("sendto"),
      FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
          ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
      Linker.Option.critical(true));
  private static final MethodHandle SENDMSG = LINKER.downcallHandle(LIBC.findOrThrow("sendmsg"),
      FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
  private static final MethodHandle SENDMMSG = LINKER.downcallHandle(LIBC.findOrThrow("sendmmsg"),
      FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT,
          ValueLayout.JAVA_INT));
  private static final MethodHandle STRERROR = LINKER.downcallHandle(LIBC.findOrThrow("strerror"),
      FunctionDescriptor.of(ValueLayout.ADDRESS.withTargetLayout(java.lang.foreign.MemoryLayout.sequenceLayout(256,
          ValueLayout.JAVA_BYTE)), ValueLayout.JAVA_INT));

  private Libc() {}

  private static MethodHandle errnoCall(String name, FunctionDescriptor fd) {
    return LINKER.downcallHandle(LIBC.findOrThrow(name), fd, ERRNO);
  }

  /** The result of a set-up call: the return value, or -1 with errno. */
  public record Result(long value, int errno) {
    public boolean failed() {
      return value < 0;
    }

    public String describe() {
      return errno == 0 ? "ok" : strerror(errno) + " (errno " + errno + ")";
    }
  }

  public static Result open(String path, int flags) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment state = a.allocate(Linker.Option.captureStateLayout());
      int rc = (int) OPEN.invokeExact(state, a.allocateFrom(path), flags);
      return new Result(rc, errno(state));
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  public static Result ioctl(int fd, long request, MemorySegment arg) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment state = a.allocate(Linker.Option.captureStateLayout());
      int rc = (int) IOCTL.invokeExact(state, fd, request, arg);
      return new Result(rc, errno(state));
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  public static Result socket(int domain, int type, int protocol) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment state = a.allocate(Linker.Option.captureStateLayout());
      int rc = (int) SOCKET.invokeExact(state, domain, type, protocol);
      return new Result(rc, errno(state));
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  public static Result setsockoptInt(int fd, int level, int option, int value) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment state = a.allocate(Linker.Option.captureStateLayout());
      MemorySegment v = a.allocateFrom(ValueLayout.JAVA_INT, value);
      int rc = (int) SETSOCKOPT.invokeExact(state, fd, level, option, v, 4);
      return new Result(rc, errno(state));
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /**
   * Attaches a classic BPF program to {@code fd}'s reuseport group. {@code insns} holds four ints per
   * {@code struct sock_filter} (code, jt, jf, k).
   */
  public static Result attachReuseportCbpf(int fd, int[] insns) {
    int n = insns.length / 4;
    try (Arena a = Arena.ofConfined()) {
      MemorySegment state = a.allocate(Linker.Option.captureStateLayout());
      MemorySegment filter = a.allocate(8L * n, 8);
      for (int i = 0; i < n; i++) {
        long at = 8L * i;
        filter.set(ValueLayout.JAVA_SHORT, at, (short) insns[4 * i]);
        filter.set(ValueLayout.JAVA_BYTE, at + 2, (byte) insns[4 * i + 1]);
        filter.set(ValueLayout.JAVA_BYTE, at + 3, (byte) insns[4 * i + 2]);
        filter.set(ValueLayout.JAVA_INT, at + 4, insns[4 * i + 3]);
      }
      // struct sock_fprog { unsigned short len; struct sock_filter *filter; } on LP64: 16 bytes
      MemorySegment fprog = a.allocate(16, 8);
      fprog.set(ValueLayout.JAVA_SHORT, 0, (short) n);
      fprog.set(ValueLayout.ADDRESS, 8, filter);
      int rc = (int) SETSOCKOPT.invokeExact(state, fd, SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, fprog, 16);
      return new Result(rc, errno(state));
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  public static int close(int fd) {
    try {
      return (int) CLOSE.invokeExact(fd);
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /** Waits up to {@code timeoutMillis} for {@code fd} to become readable; {@code pollfd} is a reusable 8-byte segment. */
  public static int pollIn(MemorySegment pollfd, int fd, int timeoutMillis) {
    pollfd.set(ValueLayout.JAVA_INT, 0, fd);
    pollfd.set(ValueLayout.JAVA_SHORT, 4, POLLIN);
    pollfd.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
    try {
      return (int) POLL.invokeExact(pollfd, 1L, timeoutMillis);
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  public static long read(int fd, MemorySegment buf, long len) {
    try {
      return (long) READ.invokeExact(fd, buf, len);
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  public static long write(int fd, MemorySegment buf, long len) {
    try {
      return (long) WRITE.invokeExact(fd, buf, len);
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  public static long sendto(int fd, MemorySegment buf, long len, MemorySegment sockaddr, int sockaddrLen) {
    try {
      return (long) SENDTO.invokeExact(fd, buf, len, 0, sockaddr, sockaddrLen);
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /** {@code sendmsg(2)} of a native {@code struct msghdr} (native buffers only). */
  public static long sendmsg(int fd, MemorySegment msghdr) {
    try {
      return (long) SENDMSG.invokeExact(fd, msghdr, 0);
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /** {@code sendmmsg(2)} of {@code vlen} native {@code struct mmsghdr}s: how many were sent, or -1. */
  public static int sendmmsg(int fd, MemorySegment mmsghdrs, int vlen) {
    try {
      return (int) SENDMMSG.invokeExact(fd, mmsghdrs, vlen, 0);
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  public static String strerror(int errno) {
    try {
      MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
      return s.getString(0);
    } catch (Throwable t) {
      return "errno " + errno;
    }
  }

  private static int errno(MemorySegment state) {
    return (int) ERRNO_HANDLE.get(state, 0L);
  }
}
