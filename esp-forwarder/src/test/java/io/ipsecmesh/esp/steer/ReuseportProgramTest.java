package io.ipsecmesh.esp.steer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The steering program decides as the ownership table says, for every bucket, and leaves the rest to the kernel. */
class ReuseportProgramTest {

  private static byte[] esp(long spi) {
    byte[] p = new byte[64];
    p[0] = (byte) (spi >>> 24);
    p[1] = (byte) (spi >>> 16);
    p[2] = (byte) (spi >>> 8);
    p[3] = (byte) spi;
    p[7] = 1; // sequence number 1
    return p;
  }

  @Test
  void everySpiGoesToTheSocketOfItsBucketsOwner() {
    String[] owners = SpiBuckets.owners(Set.of("fwd-a", "fwd-b", "fwd-c"));
    int[] indexOf = new int[SpiBuckets.COUNT];
    for (int b = 0; b < indexOf.length; b++) {
      indexOf[b] = switch (owners[b]) {
        case "fwd-a" -> 2;
        case "fwd-b" -> 0;
        default -> 1;
      };
    }
    List<ReuseportProgram.Insn> program = ReuseportProgram.build(indexOf);
    Random r = new Random(13);
    for (int i = 0; i < 20_000; i++) {
      long spi = 256 + (r.nextLong() & 0xFFFF_FFFFL) % (0xFFFF_FF00L - 256);
      assertEquals(indexOf[(int) (spi & 0xFF)], Cbpf.select(program, esp(spi), 3), "SPI " + Long.toHexString(spi));
    }
  }

  @Test
  void bucketsWhoseOwnerHasNoKnownIndexGoByTheKernelsHash() {
    int[] indexOf = new int[SpiBuckets.COUNT];
    for (int b = 0; b < indexOf.length; b++) {
      indexOf[b] = b % 3 == 0 ? ReuseportProgram.UNKNOWN : b % 2;
    }
    List<ReuseportProgram.Insn> program = ReuseportProgram.build(indexOf);
    for (int b = 0; b < SpiBuckets.COUNT; b++) {
      assertEquals(indexOf[b], Cbpf.select(program, esp(0x1234_5600L | b), 2), "bucket " + b);
    }
  }

  @Test
  void probesGoToTheIndexTheyNameWhateverTheTable() {
    int[] indexOf = new int[SpiBuckets.COUNT];
    Arrays.fill(indexOf, 1);
    List<ReuseportProgram.Insn> program = ReuseportProgram.build(indexOf);
    for (int i = 0; i < 256; i++) {
      assertEquals(i, Cbpf.run(program, SteeringProbe.encode(i, 42L)));
      assertEquals(i < 5 ? i : -1, Cbpf.select(program, SteeringProbe.encode(i, 42L), 5));
    }
    assertEquals(3, Cbpf.select(ReuseportProgram.probesOnly(), SteeringProbe.encode(3, 7L), 4));
  }

  @Test
  void ikeKeepalivesReservedSpisAndShortDatagramsGoByTheKernelsHash() {
    int[] indexOf = new int[SpiBuckets.COUNT]; // every bucket to socket 0
    List<ReuseportProgram.Insn> program = ReuseportProgram.build(indexOf);
    byte[] ike = new byte[40]; // non-ESP marker, RFC 3948 §2.2
    ike[4] = 0x11;
    assertEquals(-1, Cbpf.select(program, ike, 2));
    assertEquals(-1, Cbpf.select(program, new byte[] {(byte) 0xFF}, 2)); // NAT-keepalive, §2.3
    assertEquals(-1, Cbpf.select(program, new byte[] {0, 0, 1}, 2));
    assertEquals(-1, Cbpf.select(program, new byte[0], 2));
    assertEquals(-1, Cbpf.select(program, esp(255), 2)); // reserved SPI, RFC 4303 §2.1
    assertEquals(0, Cbpf.select(program, esp(256), 2));
  }

  @Test
  void theWorstTableStillFitsTheJumpOffsetsAndTheKernelsLimit() {
    // alternating indices: 256 runs, the deepest search
    int[] indexOf = new int[SpiBuckets.COUNT];
    for (int b = 0; b < indexOf.length; b++) {
      indexOf[b] = b & 1;
    }
    List<ReuseportProgram.Insn> program = ReuseportProgram.build(indexOf);
    assertTrue(program.size() < ReuseportProgram.MAX_INSNS, program.size() + " instructions");
    assertEquals(14 + 2 * 256 - 1, program.size());
    for (int b = 0; b < SpiBuckets.COUNT; b++) {
      assertEquals(b & 1, Cbpf.select(program, esp(0xABCD_0000L | b), 2));
    }
    // one run: no search at all
    assertEquals(15, ReuseportProgram.build(new int[SpiBuckets.COUNT]).size());
  }

  @Test
  void aTableOfTheWrongSizeOrIndexIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> ReuseportProgram.build(new int[255]));
    int[] bad = new int[SpiBuckets.COUNT];
    bad[7] = -2;
    assertThrows(IllegalArgumentException.class, () -> ReuseportProgram.build(bad));
  }

  @Test
  void quadsAreTheKernelsSockFilterFields() {
    List<ReuseportProgram.Insn> program = ReuseportProgram.probesOnly();
    int[] q = ReuseportProgram.quads(program);
    assertEquals(4 * program.size(), q.length);
    assertEquals(ReuseportProgram.LD_W_LEN, q[0]);
    assertEquals(ReuseportProgram.RET_K, q[4 * (program.size() - 1)]);
    assertEquals(ReuseportProgram.KERNEL_HASH, q[4 * (program.size() - 1) + 3]);
  }
}
