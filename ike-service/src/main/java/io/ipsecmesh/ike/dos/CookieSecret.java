package io.ipsecmesh.ike.dos;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * The responder's cookie secret (RFC 7296 §2.6): {@code Cookie = <VersionIDofSecret> | Hash(Ni | IPi | SPIi |
 * <secret>)}, with "<secret> a randomly generated secret known only to the responder and periodically
 * changed". A cookie made under the previous secret is still accepted for one lifetime after the change
 * (the RFC: the responder "should accept cookies generated with the previous version"), so an initiator that
 * got its COOKIE just before the change is not refused. Older versions are refused.
 *
 * <p>The secret changes every {@code lifetimeMillis} of the injected clock (the engine's scheduler: virtual
 * time in tests). The change is applied when a cookie is next made or checked, which is indistinguishable from
 * a timer: a secret is never used past its period. Replaced secrets are zeroed. Single-threaded.
 */
public final class CookieSecret {

  /** How long one secret is used to make cookies (and then accepted for as long again). */
  public static final long DEFAULT_LIFETIME_MILLIS = 120_000;
  private static final int SECRET_BYTES = 32;

  private final SecureRandom random;
  private final LongSupplier clock;
  private final long lifetimeMillis;
  private byte[] current = new byte[SECRET_BYTES];
  private byte[] previous = new byte[SECRET_BYTES];
  private int version;
  private long changedAt;

  public CookieSecret(SecureRandom random, LongSupplier clock, long lifetimeMillis) {
    if (lifetimeMillis <= 0) {
      throw new IllegalArgumentException("the cookie secret lifetime must be positive");
    }
    this.random = random;
    this.clock = clock;
    this.lifetimeMillis = lifetimeMillis;
    random.nextBytes(current);
    random.nextBytes(previous); // no cookie was made under it: acceptance needs the right version and hash
    version = 0;
    changedAt = clock.getAsLong();
  }

  /** The cookie for this initiator under the current secret: its version octet, then the SHA-256. */
  public byte[] cookie(byte[] ni, byte[] initiatorAddress, byte[] spiI) {
    rotateIfDue();
    byte[] hash = hash(current, ni, initiatorAddress, spiI);
    byte[] cookie = new byte[1 + hash.length];
    cookie[0] = (byte) version;
    System.arraycopy(hash, 0, cookie, 1, hash.length);
    return cookie;
  }

  /** Whether {@code received} is our cookie for this initiator under the current or the previous secret. */
  public boolean valid(byte[] received, byte[] ni, byte[] initiatorAddress, byte[] spiI) {
    rotateIfDue();
    if (received == null || received.length != 1 + 32) {
      return false;
    }
    int v = received[0] & 0xff;
    byte[] secret = v == version ? current : v == ((version - 1) & 0xff) ? previous : null;
    if (secret == null) {
      return false;
    }
    return MessageDigest.isEqual(hash(secret, ni, initiatorAddress, spiI),
        Arrays.copyOfRange(received, 1, received.length));
  }

  /** The version octet cookies are made with now (for tests and logs; says nothing about the secret). */
  public int version() {
    rotateIfDue();
    return version;
  }

  private void rotateIfDue() {
    long elapsed = clock.getAsLong() - changedAt;
    if (elapsed < lifetimeMillis) {
      return;
    }
    long periods = elapsed / lifetimeMillis;
    Arrays.fill(previous, (byte) 0);
    if (periods == 1) {
      previous = current;
    } else {
      // two or more changes due at once: the secret cookies were last made with is too old as well
      Arrays.fill(current, (byte) 0);
      previous = new byte[SECRET_BYTES];
      random.nextBytes(previous);
    }
    current = new byte[SECRET_BYTES];
    random.nextBytes(current);
    version = (int) ((version + periods) & 0xff);
    changedAt += periods * lifetimeMillis;
  }

  private static byte[] hash(byte[] secret, byte[] ni, byte[] initiatorAddress, byte[] spiI) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(ni);
      d.update(initiatorAddress);
      d.update(spiI);
      d.update(secret);
      return d.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is a required JCA algorithm", e);
    }
  }

  @Override
  public String toString() {
    return "CookieSecret[version " + version + "]"; // never the secret
  }
}
