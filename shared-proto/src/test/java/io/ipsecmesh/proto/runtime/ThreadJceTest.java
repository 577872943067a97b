package io.ipsecmesh.proto.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.security.InvalidAlgorithmParameterException;
import java.util.concurrent.CompletableFuture;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class ThreadJceTest {

  private static final byte[] DATA = "IKE_AUTH".getBytes(StandardCharsets.UTF_8);

  @Test
  void oneEnginePerThreadAndAlgorithm() throws Exception {
    assertSame(ThreadJce.mac("HmacSHA256"), ThreadJce.mac("HmacSHA256"));
    assertNotSame(ThreadJce.mac("HmacSHA256"), ThreadJce.mac("HmacSHA384"));
    Mac other = CompletableFuture.supplyAsync(() -> {
      try {
        return ThreadJce.mac("HmacSHA256");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }).get();
    assertNotSame(ThreadJce.mac("HmacSHA256"), other, "engines are not shared between threads");
  }

  @Test
  void eachUseUnderItsOwnKeyGivesWhatAFreshEngineGives() throws Exception {
    for (byte k = 1; k <= 3; k++) {
      SecretKeySpec key = new SecretKeySpec(new byte[] {k, k, k, k}, "HmacSHA256");
      Mac kept = ThreadJce.mac("HmacSHA256");
      kept.init(key);
      Mac fresh = Mac.getInstance("HmacSHA256");
      fresh.init(key);
      assertArrayEquals(fresh.doFinal(DATA), kept.doFinal(DATA));
    }
  }

  @Test
  void theKeptGcmCipherStillRefusesAnIvItJustEncryptedUnderTheSameKey() throws Exception {
    byte[] k = new byte[16];
    new java.security.SecureRandom().nextBytes(k); // no other test's key: the guard remembers the last one
    SecretKeySpec key = new SecretKeySpec(k, "AES");
    GCMParameterSpec iv = new GCMParameterSpec(128, new byte[12]);
    Cipher c = ThreadJce.cipher("AES/GCM/NoPadding");
    c.init(Cipher.ENCRYPT_MODE, key, iv);
    c.doFinal(DATA);
    assertThrows(InvalidAlgorithmParameterException.class,
        () -> ThreadJce.cipher("AES/GCM/NoPadding").init(Cipher.ENCRYPT_MODE, key, iv));
  }
}
