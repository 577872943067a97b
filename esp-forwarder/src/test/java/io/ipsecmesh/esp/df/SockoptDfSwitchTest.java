package io.ipsecmesh.esp.df;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.esp.io.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import org.junit.jupiter.api.Test;

/** The switch lands on a real IPv4 UDP socket as the IP_MTU_DISCOVER mode the kernel reports back. */
class SockoptDfSwitchTest {

  private static final MethodHandle GETSOCKOPT = Linker.nativeLinker().downcallHandle(
      Linker.nativeLinker().defaultLookup().findOrThrow("getsockopt"),
      FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
          ValueLayout.ADDRESS, ValueLayout.ADDRESS));

  @Test
  void switchesBetweenDoAndDont() throws Throwable {
    int fd = (int) Libc.socket(Libc.AF_INET, Libc.SOCK_DGRAM, 0).value();
    try (Arena a = Arena.ofConfined()) {
      SockoptDfSwitch s = new SockoptDfSwitch(fd);
      assertTrue(s.dontFragment(true));
      assertEquals(2, mode(a, fd), "IP_PMTUDISC_DO: DF set");
      assertTrue(s.dontFragment(false));
      assertEquals(0, mode(a, fd), "IP_PMTUDISC_DONT: DF clear, the IP layer may fragment");
    } finally {
      Libc.close(fd);
    }
  }

  private static int mode(Arena a, int fd) throws Throwable {
    MemorySegment value = a.allocate(ValueLayout.JAVA_INT);
    MemorySegment len = a.allocateFrom(ValueLayout.JAVA_INT, 4);
    assertEquals(0, (int) GETSOCKOPT.invokeExact(fd, 0, 10, value, len));
    return value.get(ValueLayout.JAVA_INT, 0);
  }
}
