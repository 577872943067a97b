package io.ipsecmesh.ike.dos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.time.VirtualScheduler;
import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** RFC 7296 §2.6: the cookie secret changes periodically; a cookie of the previous secret stays good one period. */
class CookieSecretTest {

  private static final long L = CookieSecret.DEFAULT_LIFETIME_MILLIS;
  private static final byte[] NI = new byte[32];
  private static final byte[] IP = {(byte) 192, 0, 2, 1};
  private static final byte[] SPI = {1, 2, 3, 4, 5, 6, 7, 8};

  @Test
  void aCookieIsAcceptedUntilTheSecretItWasMadeWithIsTwoChangesOld() {
    VirtualScheduler clock = new VirtualScheduler();
    CookieSecret s = new CookieSecret(new SecureRandom(), clock::nowMillis, L);
    byte[] c = s.cookie(NI, IP, SPI);
    assertEquals(0, c[0], "version octet first");
    clock.advance(L - 1);
    assertTrue(s.valid(c, NI, IP, SPI));
    assertTrue(Arrays.equals(c, s.cookie(NI, IP, SPI)), "the same secret until the period ends");
    clock.advance(1); // exactly one period: the secret changes
    assertEquals(1, s.version());
    assertFalse(Arrays.equals(c, s.cookie(NI, IP, SPI)), "new cookies come from the new secret");
    assertTrue(s.valid(c, NI, IP, SPI), "the previous secret's cookie is still accepted");
    clock.advance(L - 1);
    assertTrue(s.valid(c, NI, IP, SPI));
    clock.advance(1); // second change: c's secret is gone
    assertFalse(s.valid(c, NI, IP, SPI));
  }

  @Test
  void afterALongQuietSpellBothOldSecretsAreGone() {
    VirtualScheduler clock = new VirtualScheduler();
    CookieSecret s = new CookieSecret(new SecureRandom(), clock::nowMillis, L);
    byte[] c = s.cookie(NI, IP, SPI);
    clock.advance(5 * L + 7);
    assertFalse(s.valid(c, NI, IP, SPI));
    assertEquals(5, s.version());
    byte[] fresh = s.cookie(NI, IP, SPI);
    clock.advance(L - 7); // the period still runs on the original schedule: 6 L is the next change
    assertTrue(s.valid(fresh, NI, IP, SPI));
    clock.advance(L);
    assertFalse(s.valid(fresh, NI, IP, SPI));
  }

  @Test
  void aCookieBindsNiAddressAndSpiAndItsVersionOctet() {
    VirtualScheduler clock = new VirtualScheduler();
    CookieSecret s = new CookieSecret(new SecureRandom(), clock::nowMillis, L);
    byte[] c = s.cookie(NI, IP, SPI);
    assertFalse(s.valid(c, NI, new byte[] {(byte) 192, 0, 2, 2}, SPI));
    assertFalse(s.valid(c, NI, IP, new byte[8]));
    assertFalse(s.valid(c, new byte[16], IP, SPI));
    byte[] otherVersion = c.clone();
    otherVersion[0] = (byte) 0xff; // the "previous" version before any change: never made a cookie
    assertFalse(s.valid(otherVersion, NI, IP, SPI));
    assertFalse(s.valid(Arrays.copyOf(c, 20), NI, IP, SPI));
    assertFalse(s.valid(null, NI, IP, SPI));
    assertNotEquals(c[0], otherVersion[0]);
    assertFalse(s.toString().contains("0x"), "toString names the version only");
  }
}
