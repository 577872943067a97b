package io.ipsecmesh.ike.policy;

/**
 * One {@code set peer} of a crypto map entry (or {@code peer} of an Easy VPN remote) as a negotiating policy holds
 * it: what IKEv2's {@link PeerPolicy} and IKEv1's policy share, so that both fail over down the entry's list and
 * resolve host names through {@link SetPeers}, one implementation for both versions.
 */
public interface SetPeer {

  String cryptoMap();

  int mapSequence();

  /** The address negotiated with: the configured one, or what {@link #peerHost()} resolved to. */
  String peerAddress();

  /** Ours: its family is the family the peer must have (an {@code ipv6 crypto map} has an IPv6 local address). */
  String localAddress();

  /** The host name of {@code set peer HOST [dynamic]}, null for a peer given by address. */
  String peerHost();

  /** {@code set peer HOST dynamic}: resolved again before every attempt. */
  boolean resolveEachAttempt();

  /** The peer as the configuration lists it: its host name, else its address. */
  default String asConfigured() {
    return peerHost() != null ? peerHost() : peerAddress();
  }

  /** Whether {@code peer} (an address, or a host name as a failover names it) is this one. */
  default boolean names(String peer) {
    return peerAddress().equals(peer) || peerHost() != null && peerHost().equalsIgnoreCase(peer);
  }

  /** Whether this peer and {@code other} are listed by the same crypto map entry. */
  default boolean sameEntry(SetPeer other) {
    return cryptoMap().equals(other.cryptoMap()) && mapSequence() == other.mapSequence();
  }
}
