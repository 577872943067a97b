package io.ipsecmesh.esp.crypto;

/**
 * A per-thread work array for the JCE calls that must not run in place. The JDK's CipherCore
 * copies its input into a fresh array whenever input and output overlap (so in-place AES-CBC
 * allocated a packet-sized array per packet), and its AES-GCM avoids the AVX-512 intrinsic for
 * in-place decryption; going through this array and copying back is cheaper than either (see
 * docs/performance.md). Shared by every SA used on a thread, since calls on one thread never nest;
 * grows to the largest packet seen and never shrinks.
 */
final class ThreadScratch {
  private static final int INITIAL = 2048;
  private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[INITIAL]);

  private ThreadScratch() {}

  static byte[] get(int len) {
    byte[] b = SCRATCH.get();
    if (b.length < len) {
      b = new byte[Math.max(len, b.length * 2)];
      SCRATCH.set(b);
    }
    return b;
  }
}
