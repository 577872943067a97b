package io.ipsecmesh.esp.io;

import java.net.InetSocketAddress;

/**
 * What the 4500 socket found in a datagram (RFC 3948 §2). Called on the socket's event-loop thread;
 * the buffer is the socket's and is reused for the next datagram as soon as the call returns.
 */
public interface OuterReceiver {

  /** An ESP packet at {@code buf[off, off+len)}: SPI first. */
  void onEsp(PacketBuffer buf, int off, int len, InetSocketAddress sender);

  /** An ESP packet that came as IP protocol 50 (no UDP encapsulation), SPI first. */
  default void onRawEsp(PacketBuffer buf, int off, int len, InetSocketAddress sender) {
    onEsp(buf, off, len, sender);
  }

  /** An IKE message after the non-ESP marker (a fresh array the receiver may keep). */
  void onIke(byte[] message, InetSocketAddress sender, InetSocketAddress local);

  /** A one-byte 0xFF NAT-keepalive: counted and dropped. */
  void onKeepalive(InetSocketAddress sender);

  /** Neither of the three (too short, reserved SPI, oversized): counted and dropped. */
  void onMalformed(InetSocketAddress sender);

  /** The socket has no more datagrams queued right now: anything held back to coalesce goes out. */
  default void onBatchEnd() {}
}
