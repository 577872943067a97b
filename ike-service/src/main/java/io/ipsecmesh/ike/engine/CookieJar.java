package io.ipsecmesh.ike.engine;

import io.ipsecmesh.ike.dos.CookieSecret;
import io.ipsecmesh.ike.exchange.Identities;
import io.ipsecmesh.ike.policy.PeerPolicy;
import io.ipsecmesh.proto.ikev2.IkeCodec;
import io.ipsecmesh.proto.ikev2.IkeConstants;

/**
 * Stateless cookies (RFC 7296 §2.6) over IKE_SA_INIT's fields: Ni, the initiator's address and SPIi. The
 * responder keeps no state for a request until the initiator proves it can receive at its source address;
 * the secret and its periodic change are {@link CookieSecret}'s.
 */
final class CookieJar {

  private final CookieSecret secret;

  CookieJar(CookieSecret secret) {
    this.secret = secret;
  }

  byte[] cookie(byte[] ni, String peerAddress, long spiI) {
    return secret.cookie(ni, addressBytes(peerAddress), spiBytes(spiI));
  }

  boolean valid(byte[] received, byte[] ni, String peerAddress, long spiI) {
    return secret.valid(received, ni, addressBytes(peerAddress), spiBytes(spiI));
  }

  private static byte[] spiBytes(long spiI) {
    byte[] spi = new byte[8];
    IkeCodec.putLong(spi, 0, spiI);
    return spi;
  }

  private static byte[] addressBytes(String address) {
    return Identities.toPayload(true, new PeerPolicy.Identity(IkeConstants.ID_IPV4_ADDR, address)).data();
  }
}
