package io.ipsecmesh.esp.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.ipsecmesh.proto.config.DfBit;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each df-bit setting lands on a real IPv4 UDP socket as the IP_MTU_DISCOVER mode the kernel reports back. */
class DfBitPolicyTest {

  private static final MethodHandle GETSOCKOPT = Linker.nativeLinker().downcallHandle(
      Linker.nativeLinker().defaultLookup().findOrThrow("getsockopt"),
      FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
          ValueLayout.ADDRESS, ValueLayout.ADDRESS));

  @ParameterizedTest
  @EnumSource(DfBit.class)
  void settingIsAppliedToTheSocket(DfBit df) throws Throwable {
    int fd = (int) Libc.socket(Libc.AF_INET, Libc.SOCK_DGRAM, 0).value();
    try (Arena a = Arena.ofConfined()) {
      assertNull(DfBitPolicy.apply(fd, df));
      MemorySegment value = a.allocate(ValueLayout.JAVA_INT);
      MemorySegment len = a.allocateFrom(ValueLayout.JAVA_INT, 4);
      assertEquals(0, (int) GETSOCKOPT.invokeExact(fd, 0, 10, value, len));
      assertEquals(DfBitPolicy.mode(df), value.get(ValueLayout.JAVA_INT, 0));
    } finally {
      Libc.close(fd);
    }
  }
}
