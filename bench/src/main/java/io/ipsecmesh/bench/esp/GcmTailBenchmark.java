package io.ipsecmesh.bench.esp;

import java.security.GeneralSecurityException;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Raw JCE AES-GCM decryption of {@code size} bytes beside {@code size + 4}: ESP's minimal AEAD
 * padding ends the encrypted part on a 4-byte boundary (payload + pad + 2 trailer bytes), so a
 * block-multiple payload becomes a ciphertext with a partial last block. Paired like
 * EspSealOpenBenchmark (one JMH group, same time, median per call).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class GcmTailBenchmark {
  @Param({"64", "512", "1408"})
  public int size;

  private Cipher cipher;
  private SecretKeySpec key;
  private final byte[] nonce = new byte[12];
  private final byte[] aad = new byte[8];
  private byte[] blockMultiple;
  private byte[] plusFour;
  private byte[] out;

  @Setup(Level.Trial)
  public void setUp() throws GeneralSecurityException {
    key = new SecretKeySpec(new byte[16], "AES");
    cipher = Cipher.getInstance("AES/GCM/NoPadding");
    blockMultiple = encrypt(size, (byte) 1);
    plusFour = encrypt(size + 4, (byte) 2);
    out = new byte[size + 64];
  }

  private byte[] encrypt(int len, byte n) throws GeneralSecurityException {
    nonce[11] = n;
    cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
    cipher.updateAAD(aad);
    return cipher.doFinal(new byte[len]);
  }

  private int decrypt(byte[] ct, byte n) throws GeneralSecurityException {
    nonce[11] = n;
    cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, nonce));
    cipher.updateAAD(aad);
    return cipher.doFinal(ct, 0, ct.length, out, 0);
  }

  @Benchmark
  @Group("tail")
  public int decryptBlockMultiple() throws GeneralSecurityException {
    return decrypt(blockMultiple, (byte) 1);
  }

  @Benchmark
  @Group("tail")
  public int decryptPlusFour() throws GeneralSecurityException {
    return decrypt(plusFour, (byte) 2);
  }
}
