package io.ipsecmesh.esp.steer;

import java.util.List;

/**
 * A classic BPF interpreter for the instructions {@link ReuseportProgram} emits, with the kernel's semantics for a
 * reuseport program on UDP: the packet is the UDP payload, {@code ld len} its length, a load past its end ends the
 * program with 0 (Linux {@code bpf_skb_load_helper} failing in the converted program). Any other opcode fails the
 * test: the builder must not emit what this does not check.
 */
final class Cbpf {

  private Cbpf() {}

  static int run(List<ReuseportProgram.Insn> program, byte[] payload) {
    int a = 0;
    int x = 0;
    int pc = 0;
    int steps = 0;
    while (true) {
      if (pc >= program.size() || ++steps > ReuseportProgram.MAX_INSNS) {
        throw new AssertionError("program runs off its end at " + pc);
      }
      ReuseportProgram.Insn in = program.get(pc);
      int k = in.k();
      switch (in.code()) {
        case ReuseportProgram.LD_W_LEN -> a = payload.length;
        case ReuseportProgram.LD_W_ABS -> {
          if (k < 0 || k + 4 > payload.length) {
            return 0;
          }
          a = (payload[k] & 0xFF) << 24 | (payload[k + 1] & 0xFF) << 16 | (payload[k + 2] & 0xFF) << 8
              | payload[k + 3] & 0xFF;
        }
        case ReuseportProgram.TAX -> x = a;
        case ReuseportProgram.TXA -> a = x;
        case ReuseportProgram.AND_K -> a &= k;
        case ReuseportProgram.JEQ_K -> pc += a == k ? in.jt() : in.jf();
        case ReuseportProgram.JGE_K -> pc += Integer.compareUnsigned(a, k) >= 0 ? in.jt() : in.jf();
        case ReuseportProgram.RET_K -> {
          return k;
        }
        case ReuseportProgram.RET_A -> {
          return a;
        }
        default -> throw new AssertionError("opcode 0x" + Integer.toHexString(in.code()) + " at " + pc);
      }
      pc++;
    }
  }

  /** The socket the kernel picks with {@code program} in a group of {@code sockets}: -1 = its own hash. */
  static int select(List<ReuseportProgram.Insn> program, byte[] payload, int sockets) {
    int r = run(program, payload);
    return Integer.compareUnsigned(r, sockets) >= 0 ? -1 : r;
  }
}
