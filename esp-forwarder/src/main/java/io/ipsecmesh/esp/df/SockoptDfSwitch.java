package io.ipsecmesh.esp.df;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * {@link DfSwitch} of an IPv4 socket: {@code IP_PMTUDISC_DO} (DF set; a datagram above the path MTU
 * is refused with {@code EMSGSIZE}, the forwarder decides before that) or {@code IP_PMTUDISC_DONT}
 * (DF clear; the IP layer fragments a datagram above the MTU). The option value lives in one native
 * int allocated once, so a switch costs one {@code setsockopt} and no allocation.
 */
public final class SockoptDfSwitch implements DfSwitch {

  private static final int SOL_IP = 0;
  private static final int IP_MTU_DISCOVER = 10;
  private static final int IP_PMTUDISC_DONT = 0;
  private static final int IP_PMTUDISC_DO = 2;
  private static final MethodHandle SETSOCKOPT = Linker.nativeLinker().downcallHandle(
      Linker.nativeLinker().defaultLookup().findOrThrow("setsockopt"),
      FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
          ValueLayout.ADDRESS, ValueLayout.JAVA_INT));

  private final int fd;
  private final MemorySegment value = Arena.ofAuto().allocate(ValueLayout.JAVA_INT);

  public SockoptDfSwitch(int fd) {
    this.fd = fd;
  }

  @Override
  public boolean dontFragment(boolean df) {
    value.set(ValueLayout.JAVA_INT, 0, df ? IP_PMTUDISC_DO : IP_PMTUDISC_DONT);
    try {
      return (int) SETSOCKOPT.invokeExact(fd, SOL_IP, IP_MTU_DISCOVER, value, 4) == 0;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }
}
