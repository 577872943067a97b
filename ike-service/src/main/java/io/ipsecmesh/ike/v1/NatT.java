package io.ipsecmesh.ike.v1;

import io.ipsecmesh.proto.ikev1.IsakmpCodec;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.NatDiscovery;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * NAT traversal in IKE (RFC 3947): the vendor ID that announces support, the NAT-D hashes
 * HASH(CKY-I | CKY-R | IP | Port) with the negotiated hash, and the decision whether a NAT sits in
 * between (then ESP goes UDP-encapsulated on 4500, RFC 3948).
 */
public final class NatT {

  /** MD5("RFC 3947"), RFC 3947 §3.1. */
  public static final byte[] VID_RFC3947 = HexFormat.of().parseHex("4a131c81070358455c5728f20e95452f");
  /** RFC 3706 §6: the DPD vendor ID. */
  public static final byte[] VID_DPD = HexFormat.of().parseHex("afcad71368a1f1c96b8696fc77570100");
  public static final int NATT_PORT = 4500;

  private NatT() {}

  public static byte[] natD(Ikev1Hash hash, long cookieI, long cookieR, String address, int port) {
    byte[] ip;
    try {
      ip = InetAddress.getByName(address).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP literal: " + address, e);
    }
    return hash.hash(IsakmpCodec.cookie(cookieI), IsakmpCodec.cookie(cookieR), ip,
        new byte[] {(byte) (port >>> 8), (byte) port});
  }

  /** The sender's NAT-D payloads: the receiver's address first, then the sender's own (RFC 3947 §3.2). */
  public static List<NatDiscovery> payloads(Ikev1Hash hash, long cookieI, long cookieR, String localAddress,
      int localPort, String peerAddress, int peerPort) {
    return List.of(new NatDiscovery(natD(hash, cookieI, cookieR, peerAddress, peerPort)),
        new NatDiscovery(natD(hash, cookieI, cookieR, localAddress, localPort)));
  }

  /**
   * Whether a NAT is in the path, from the peer's NAT-D payloads: the first must hash our address as the
   * peer saw it, one of the others the peer's address as we see it; any mismatch means a NAT (or a peer
   * that fakes one to force encapsulation, as strongSwan with kernel-libipsec does).
   */
  public static boolean natDetected(Ikev1Hash hash, long cookieI, long cookieR, List<NatDiscovery> received,
      String localAddress, int localPort, String peerAddress, int peerPort) {
    if (received.size() < 2) {
      return false;
    }
    byte[] us = natD(hash, cookieI, cookieR, localAddress, localPort);
    byte[] them = natD(hash, cookieI, cookieR, peerAddress, peerPort);
    boolean localOk = MessageDigest.isEqual(us, received.getFirst().hash());
    boolean peerOk = false;
    for (NatDiscovery d : received.subList(1, received.size())) {
      peerOk |= MessageDigest.isEqual(them, d.hash());
    }
    return !(localOk && peerOk);
  }
}
