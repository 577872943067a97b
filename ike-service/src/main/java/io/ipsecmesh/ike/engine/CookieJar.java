package io.ipsecmesh.ike.engine;

import io.ipsecmesh.ike.exchange.Identities;
import io.ipsecmesh.proto.ikev2.IkeCodec;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * Stateless cookies (RFC 7296 §2.6): Cookie = SHA-256(secret | Ni | IPi | SPIi). The responder keeps
 * no state for a request until the initiator proves it can receive at its source address.
 */
final class CookieJar {

  private final byte[] secret = new byte[32];

  CookieJar(SecureRandom random) {
    random.nextBytes(secret);
  }

  byte[] cookie(byte[] ni, String peerAddress, long spiI) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(secret);
      d.update(ni);
      d.update(addressBytes(peerAddress));
      byte[] spi = new byte[8];
      IkeCodec.putLong(spi, 0, spiI);
      d.update(spi);
      return d.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  boolean valid(byte[] received, byte[] ni, String peerAddress, long spiI) {
    return received != null && MessageDigest.isEqual(cookie(ni, peerAddress, spiI), received);
  }

  private static byte[] addressBytes(String address) {
    return Identities.toPayload(true, new io.ipsecmesh.ike.policy.PeerPolicy.Identity(
        io.ipsecmesh.proto.ikev2.IkeConstants.ID_IPV4_ADDR, address)).data();
  }
}
