package io.ipsecmesh.esp.io;

/** Sends one finished outer packet (ESP, UDP-encapsulated or raw) to a peer. */
public interface EspSender {

  /** @return false when the kernel did not take the packet (counted as a send error by the caller) */
  boolean send(PacketBuffer buf, int off, int len, PeerEndpoint peer);

  /** The address family the peer endpoints must be encoded for. */
  int family();
}
