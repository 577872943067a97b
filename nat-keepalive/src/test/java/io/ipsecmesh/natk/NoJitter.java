package io.ipsecmesh.natk;

import java.util.random.RandomGenerator;

/**
 * The random source the tracker tests give {@link NatKeepaliveTracker}: it draws the middle of every range, so there
 * is no jitter and every keepalive falls on an exact virtual instant.
 */
final class NoJitter implements RandomGenerator {

  static final RandomGenerator INSTANCE = new NoJitter();

  private NoJitter() {}

  @Override
  public long nextLong() {
    return 0;
  }

  @Override
  public long nextLong(long bound) {
    return bound / 2;
  }
}
