package io.ipsecmesh.bench.esp;

import io.ipsecmesh.esp.crypto.EspSaCrypto;
import io.ipsecmesh.proto.sa.EspTransform;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
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
 * EspSaCrypto.seal/open per packet beside the bare JCE work on the same key and the same number of
 * bytes, so the ratio shows what the ESP framing costs on top of the cipher:
 *
 * <ul>
 *   <li>{@code jceEncrypt}: AEAD = init with a fresh nonce spec + updateAAD + doFinal into a
 *       preallocated buffer (JCE needs the init per message for AEAD encryption); CBC+HMAC = CBC
 *       doFinal + HMAC over the ciphertext (CBC needs no init per message).
 *   <li>{@code jceDecrypt}: the same for decryption, from a pristine copy of the ciphertext, as
 *       {@code open} works in place and needs that copy too.
 * </ul>
 *
 * Payload sizes are the inner packet sizes; the JCE baseline processes the same payload rounded up
 * to the cipher block.
 *
 * <p>Paired on purpose: each ESP method runs in a JMH group together with its JCE baseline, one
 * thread each, at the same time. On a machine shared with other builds the load changes from one
 * second to the next, so measurements taken one after the other (separate forks) differ by more
 * than the overhead sought; measured side by side both see the same load and their ratio holds.
 * Sample mode gives the median per call, which preemption barely moves.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EspSealOpenBenchmark {
  @Param({"AES_GCM_128", "AES_GCM_256", "CHACHA20_POLY1305", "AES_CBC_128_HMAC_SHA1_96",
      "AES_CBC_256_HMAC_SHA256_128", "AES_CBC_256_HMAC_SHA512_256"})
  public EspTransform transform;

  @Param({"64", "512", "1408"})
  public int payload;

  private EspSaCrypto sealer;
  private EspSaCrypto opener;
  private byte[] sealBuf;
  private byte[] openBuf;
  private byte[] sealedPristine;
  private int sealedLen;
  private long seq;

  private Cipher jceEnc;
  private Cipher jceDec;
  private Mac jceMac;
  private SecretKeySpec jceKey;
  private byte[] nonce;
  private byte[] aad;
  private byte[] jceIn;
  private byte[] jceOut;
  private byte[] jceCipherPristine;
  private byte[] jceCipherWork;
  private byte[] macOut;
  private int jceLen;
  private int jceCipherLen;

  @Setup(Level.Trial)
  public void setUp() throws GeneralSecurityException {
    byte[] km = new byte[transform.keyMaterialBytes()];
    new Random(1).nextBytes(km);
    int spi = 0x11223344;
    sealer = EspSaCrypto.create(transform, km, spi, false);
    opener = EspSaCrypto.create(transform, km, spi, false);
    sealBuf = new byte[sealer.headroom() + payload + sealer.maxTailroom()];
    new Random(2).nextBytes(sealBuf);
    byte[] once = sealBuf.clone();
    sealedLen = sealer.seal(++seq, once, sealer.headroom(), payload, 4);
    sealedPristine = Arrays.copyOf(once, sealedLen);
    openBuf = sealedPristine.clone();
    if (opener.open(openBuf, 0, sealedLen, 1) != payload) {
      throw new IllegalStateException("benchmark packet does not open");
    }

    // The raw JCE baseline, same key bytes and payload size.
    jceLen = transform.aead ? payload : (payload + 15) & ~15;
    jceIn = new byte[jceLen];
    new Random(3).nextBytes(jceIn);
    jceOut = new byte[jceLen + 64];
    nonce = new byte[12];
    aad = new byte[8];
    macOut = new byte[64];
    if (transform.aead) {
      boolean gcm = transform != EspTransform.CHACHA20_POLY1305;
      jceKey = new SecretKeySpec(km, 0, transform.encKeyBytes - 4, gcm ? "AES" : "ChaCha20");
      jceEnc = Cipher.getInstance(gcm ? "AES/GCM/NoPadding" : "ChaCha20-Poly1305");
      jceDec = Cipher.getInstance(gcm ? "AES/GCM/NoPadding" : "ChaCha20-Poly1305");
    } else {
      jceKey = new SecretKeySpec(km, 0, transform.encKeyBytes, "AES");
      jceEnc = Cipher.getInstance("AES/CBC/NoPadding");
      jceEnc.init(Cipher.ENCRYPT_MODE, jceKey, new IvParameterSpec(new byte[16]));
      jceDec = Cipher.getInstance("AES/CBC/NoPadding");
      jceDec.init(Cipher.DECRYPT_MODE, jceKey, new IvParameterSpec(new byte[16]));
      String macName = switch (transform.integKeyBytes) {
        case 20 -> "HmacSHA1";
        case 32 -> "HmacSHA256";
        case 48 -> "HmacSHA384";
        default -> "HmacSHA512";
      };
      jceMac = Mac.getInstance(macName);
      jceMac.init(new SecretKeySpec(km, transform.encKeyBytes, transform.integKeyBytes, macName));
    }
    jceCipherLen = jceEncrypt();
    jceCipherPristine = Arrays.copyOf(jceOut, jceCipherLen);
    jceCipherWork = jceCipherPristine.clone();
    if (transform.aead) {
      // the decryption baseline always uses the nonce this ciphertext was made with
      nonceFor(1);
      jceEnc.init(Cipher.ENCRYPT_MODE, jceKey, aeadSpec());
      jceEnc.updateAAD(aad);
      jceCipherLen = jceEnc.doFinal(jceIn, 0, jceLen, jceOut, 0);
      jceCipherPristine = Arrays.copyOf(jceOut, jceCipherLen);
    }
  }

  private void nonceFor(long n) {
    for (int i = 0; i < 8; i++) {
      nonce[4 + i] = (byte) (n >>> (56 - 8 * i));
    }
  }

  private java.security.spec.AlgorithmParameterSpec aeadSpec() {
    return transform == EspTransform.CHACHA20_POLY1305 ? new IvParameterSpec(nonce) : new GCMParameterSpec(128, nonce);
  }

  @Benchmark
  @Group("sealVsJce")
  public int seal() {
    return sealer.seal(++seq, sealBuf, sealer.headroom(), payload, 4);
  }

  @Benchmark
  @Group("openVsJce")
  public int open() {
    System.arraycopy(sealedPristine, 0, openBuf, 0, sealedLen);
    return opener.open(openBuf, 0, sealedLen, 1);
  }

  @Benchmark
  @Group("sealVsJce")
  public int jceEncrypt() throws GeneralSecurityException {
    if (transform.aead) {
      nonceFor(++seq);
      jceEnc.init(Cipher.ENCRYPT_MODE, jceKey, aeadSpec());
      jceEnc.updateAAD(aad);
      return jceEnc.doFinal(jceIn, 0, jceLen, jceOut, 0);
    }
    int n = jceEnc.doFinal(jceIn, 0, jceLen, jceOut, 0);
    jceMac.update(jceOut, 0, n);
    jceMac.doFinal(macOut, 0);
    return n;
  }

  @Benchmark
  @Group("openVsJce")
  public int jceDecrypt() throws GeneralSecurityException {
    System.arraycopy(jceCipherPristine, 0, jceCipherWork, 0, jceCipherLen);
    if (transform.aead) {
      nonceFor(1);
      jceDec.init(Cipher.DECRYPT_MODE, jceKey, aeadSpec());
      jceDec.updateAAD(aad);
      return jceDec.doFinal(jceCipherWork, 0, jceCipherLen, jceOut, 0);
    }
    jceMac.update(jceCipherWork, 0, jceCipherLen);
    jceMac.doFinal(macOut, 0);
    return jceDec.doFinal(jceCipherWork, 0, jceCipherLen, jceOut, 0);
  }
}
