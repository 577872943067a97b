package io.ipsecmesh.bench.esp;

import java.security.GeneralSecurityException;
import java.security.spec.AlgorithmParameterSpec;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What JCE's AEAD contract costs per packet: a new immutable parameter spec (JCE gives no way to
 * reuse one with a new nonce) and the {@code Cipher.init} that encryption needs for every nonce.
 * Average time: these calls are too short for per-call sampling (the timer costs as much).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AeadInitBenchmark {
  @Param({"AES/GCM/NoPadding", "ChaCha20-Poly1305"})
  public String algorithm;

  private Cipher cipher;
  private SecretKeySpec key;
  private final byte[] nonce = new byte[12];
  private long n;

  @Setup(Level.Trial)
  public void setUp() throws GeneralSecurityException {
    boolean gcm = algorithm.startsWith("AES");
    key = new SecretKeySpec(new byte[gcm ? 16 : 32], gcm ? "AES" : "ChaCha20");
    cipher = Cipher.getInstance(algorithm);
  }

  private AlgorithmParameterSpec spec() {
    return algorithm.startsWith("AES") ? new GCMParameterSpec(128, nonce) : new IvParameterSpec(nonce);
  }

  @Benchmark
  public AlgorithmParameterSpec newParameterSpec() {
    nonce[11] = (byte) ++n;
    return spec();
  }

  @Benchmark
  public Cipher initForEncryption() throws GeneralSecurityException {
    long v = ++n;
    for (int i = 0; i < 8; i++) {
      nonce[4 + i] = (byte) (v >>> (56 - 8 * i));
    }
    cipher.init(Cipher.ENCRYPT_MODE, key, spec());
    return cipher;
  }
}
