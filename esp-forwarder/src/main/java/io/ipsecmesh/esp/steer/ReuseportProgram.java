package io.ipsecmesh.esp.steer;

import java.util.ArrayList;
import java.util.List;

/**
 * The classic-BPF program of a forwarder scale-out socket group ({@code SO_ATTACH_REUSEPORT_CBPF}): the kernel runs
 * it for every datagram to the shared UDP port and delivers the datagram to the socket whose group index it returns;
 * a value at or above the group's socket count makes the kernel fall back to its 4-tuple hash (Linux
 * {@code reuseport_select_sock}). For UDP it sees the packet from the UDP payload on (the kernel pulls the UDP
 * header before running it), so {@code ld [0]} reads:
 * <ul>
 *   <li>the SPI of UDP-encapsulated ESP (RFC 3948 §2.1) — its bucket ({@link SpiBuckets}) selects the socket of the
 *       bucket's owner from a table, by binary search over runs of buckets with the same index (at most 8 jumps);
 *   <li>{@code 0xFFFFFF00 | i}, a {@link SteeringProbe}: socket {@code i}, whatever the table says;
 *   <li>the zero non-ESP marker of IKE (RFC 3948 §2.2), a reserved SPI below 256, or less than four bytes (the
 *       one-byte NAT-keepalive, §2.3): the kernel's hash, as without a program.
 * </ul>
 * A bucket whose owner's index is unknown also goes by the hash; the hand-off corrects what lands elsewhere. Pure:
 * builds the instruction list, {@code io.Libc#attachReuseportCbpf} attaches it.
 */
public final class ReuseportProgram {

  /** {@code struct sock_filter}: opcode, jump offsets if true / if false (forward, 0–255), constant. */
  public record Insn(int code, int jt, int jf, int k) {
    public Insn {
      if (jt < 0 || jt > 255 || jf < 0 || jf > 255) {
        throw new IllegalArgumentException("jump offset out of 0–255: " + jt + "/" + jf);
      }
    }
  }

  /** Returned for "no choice": above any socket count, so the kernel's hash decides. */
  public static final int KERNEL_HASH = 0xFFFF_FFFF;
  /** No index known for a bucket's owner. */
  public static final int UNKNOWN = -1;
  /** The kernel's limit on a classic BPF program ({@code BPF_MAXINSNS}). */
  public static final int MAX_INSNS = 4096;

  // linux/filter.h opcodes
  static final int LD_W_ABS = 0x20;
  static final int LD_W_LEN = 0x80;
  static final int TAX = 0x07;
  static final int TXA = 0x87;
  static final int AND_K = 0x54;
  static final int JEQ_K = 0x15;
  static final int JGE_K = 0x35;
  static final int RET_K = 0x06;
  static final int RET_A = 0x16;

  private ReuseportProgram() {}

  /**
   * @param indexOfBucket the reuseport group index of each bucket's owner ({@link SpiBuckets#COUNT} entries), or
   *     {@link #UNKNOWN}
   */
  public static List<Insn> build(int[] indexOfBucket) {
    if (indexOfBucket.length != SpiBuckets.COUNT) {
      throw new IllegalArgumentException("one index per bucket: " + SpiBuckets.COUNT + ", got " + indexOfBucket.length);
    }
    List<Insn> p = new ArrayList<>();
    p.add(new Insn(LD_W_LEN, 0, 0, 0));
    p.add(new Insn(JGE_K, 1, 0, 4));                // four bytes or more: read them
    p.add(new Insn(RET_K, 0, 0, KERNEL_HASH));      // NAT-keepalive (RFC 3948 §2.3)
    p.add(new Insn(LD_W_ABS, 0, 0, 0));             // A = first word: SPI, non-ESP marker or probe
    p.add(new Insn(TAX, 0, 0, 0));
    p.add(new Insn(AND_K, 0, 0, 0xFFFF_FF00));
    p.add(new Insn(JEQ_K, 0, 3, 0xFFFF_FF00));
    p.add(new Insn(TXA, 0, 0, 0));                  // a probe: socket i
    p.add(new Insn(AND_K, 0, 0, 0xFF));
    p.add(new Insn(RET_A, 0, 0, 0));
    p.add(new Insn(TXA, 0, 0, 0));
    p.add(new Insn(JGE_K, 1, 0, 256));              // an ESP SPI (RFC 4303 §2.1: 1–255 reserved, 0 = IKE)
    p.add(new Insn(RET_K, 0, 0, KERNEL_HASH));
    p.add(new Insn(AND_K, 0, 0, SpiBuckets.COUNT - 1));
    List<int[]> runs = runs(indexOfBucket);
    tree(p, runs, 0, runs.size());
    return p;
  }

  /** Runs of consecutive buckets with the same index: {first bucket, index}. */
  private static List<int[]> runs(int[] indexOfBucket) {
    List<int[]> runs = new ArrayList<>();
    for (int b = 0; b < indexOfBucket.length; b++) {
      int index = indexOfBucket[b];
      if (index < UNKNOWN) {
        throw new IllegalArgumentException("bucket " + b + ": index " + index);
      }
      if (runs.isEmpty() || runs.getLast()[1] != index) {
        runs.add(new int[] {b, index});
      }
    }
    return runs;
  }

  /**
   * A binary search over runs [lo, hi): {@code jge first(mid)} jumps over the left half (2n − 1 instructions for n
   * runs, so at most 255 for 128 runs: the 8-bit jump offset suffices for all 256 buckets).
   */
  private static void tree(List<Insn> p, List<int[]> runs, int lo, int hi) {
    int n = hi - lo;
    if (n == 1) {
      int index = runs.get(lo)[1];
      p.add(new Insn(RET_K, 0, 0, index == UNKNOWN ? KERNEL_HASH : index));
      return;
    }
    int mid = lo + n / 2;
    p.add(new Insn(JGE_K, 2 * (mid - lo) - 1, 0, runs.get(mid)[0]));
    tree(p, runs, lo, mid);
    tree(p, runs, mid, hi);
  }

  /** Four ints per instruction, as {@code io.Libc#attachReuseportCbpf} takes them. */
  public static int[] quads(List<Insn> program) {
    int[] q = new int[4 * program.size()];
    for (int i = 0; i < program.size(); i++) {
      Insn in = program.get(i);
      q[4 * i] = in.code();
      q[4 * i + 1] = in.jt();
      q[4 * i + 2] = in.jf();
      q[4 * i + 3] = in.k();
    }
    return q;
  }

  /** The program for a group with no known indices: probes steered, everything else by the kernel's hash. */
  public static List<Insn> probesOnly() {
    int[] none = new int[SpiBuckets.COUNT];
    java.util.Arrays.fill(none, UNKNOWN);
    return build(none);
  }
}
