package io.ipsecmesh.ike.engine;

import io.ipsecmesh.proto.ikev2.IkeHeader;

/**
 * {@code debug crypto ikev2} lines in IOS's words (Cisco TechNote 115934, "IOS IKEv2 Debugs for Site-to-Site VPN
 * with PSKs"): every line starts {@code IKEv2:}, with the SA's tag {@code (SESSION ID = n,SA ID = n):} once there is
 * an SA (our conn-id for both: one IKE SA per session here), and a datagram is traced as IOS does, its direction
 * and endpoints ({@code Sending Packet [To A:P/From B:P/VRF i0:f0]}), then the header's SPIs and message ID, then
 * the exchange and whether it is a request or a response. The payloads follow in the engine's own line. The
 * header is all this class reads of a message: nothing here sees a key or a decrypted payload.
 */
final class Ikev2Debug {

  /** IOS's VRF field: the global routing table (ivrf 0, fvrf 0), the only one this gateway has. */
  private static final String VRF = "/VRF i0:f0]";

  private Ikev2Debug() {}

  static String tag(IkeSa sa) {
    return sa == null ? "IKEv2:" : "IKEv2:(SESSION ID = " + sa.connId + ",SA ID = " + sa.connId + "):";
  }

  static String sendingPacket(IkeSa sa, IkeHeader h) {
    return tag(sa) + "Sending Packet [To " + sa.peerAddress + ":" + sa.peerPort + "/From " + sa.localAddress + ":"
        + sa.localPort + VRF + "\n" + header(h);
  }

  static String receivedPacket(IkeSa sa, Datagram d, IkeHeader h) {
    return tag(sa) + "Received Packet [From " + d.peerAddress() + ":" + d.peerPort() + "/To " + d.localAddress() + ":"
        + d.localPort() + VRF + "\n" + header(h);
  }

  /** {@code Initiator SPI : … - Responder SPI : … Message id: n} and {@code IKEv2 IKE_AUTH Exchange REQUEST}. */
  private static String header(IkeHeader h) {
    return String.format("Initiator SPI : %016X - Responder SPI : %016X Message id: %d\nIKEv2 %s Exchange %s",
        h.initiatorSpi(), h.responderSpi(), h.messageId(), PayloadNames.exchange(h.exchangeType()),
        h.isResponse() ? "RESPONSE" : "REQUEST");
  }
}
