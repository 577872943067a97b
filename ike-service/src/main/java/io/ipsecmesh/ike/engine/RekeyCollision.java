package io.ipsecmesh.ike.engine;

import java.util.Arrays;

/**
 * Simultaneous rekeys (RFC 7296 §2.8.1 for Child SAs, §2.8.2 for IKE SAs): both peers started a rekey of the
 * same SA, so two new SAs exist. The one created by the exchange holding the lowest of the four nonces is
 * redundant, and that exchange's initiator deletes it.
 */
final class RekeyCollision {

  private RekeyCollision() {}

  /**
   * Whether our exchange (our {@code ourNi}, the peer's {@code peerNr}) holds the lowest nonce, the peer's
   * exchange having {@code peerNi} and {@code ourNr}: then the SA ours created is the redundant one.
   */
  static boolean lowestIsOurs(byte[] ourNi, byte[] peerNr, byte[] peerNi, byte[] ourNr) {
    byte[] lowestOurs = Arrays.compareUnsigned(ourNi, peerNr) <= 0 ? ourNi : peerNr;
    byte[] lowestTheirs = Arrays.compareUnsigned(peerNi, ourNr) <= 0 ? peerNi : ourNr;
    return Arrays.compareUnsigned(lowestOurs, lowestTheirs) < 0;
  }
}
