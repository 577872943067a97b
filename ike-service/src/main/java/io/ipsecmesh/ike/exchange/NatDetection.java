package io.ipsecmesh.ike.exchange;

import io.ipsecmesh.proto.ikev2.IkeCodec;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** NAT_DETECTION_*_IP data (RFC 7296 §2.23): SHA-1(SPIi | SPIr | IP address | port). */
public final class NatDetection {

  private NatDetection() {}

  public static byte[] hash(long spiI, long spiR, String address, int port) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      byte[] spis = new byte[16];
      IkeCodec.putLong(spis, 0, spiI);
      IkeCodec.putLong(spis, 8, spiR);
      sha1.update(spis);
      sha1.update(Identities.literal(address));
      sha1.update((byte) (port >>> 8));
      sha1.update((byte) port);
      return sha1.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
