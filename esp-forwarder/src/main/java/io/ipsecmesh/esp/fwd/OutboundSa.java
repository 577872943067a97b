package io.ipsecmesh.esp.fwd;

import io.ipsecmesh.esp.crypto.EspSaCrypto;
import io.ipsecmesh.esp.frag.TunnelMtuPolicy;
import io.ipsecmesh.esp.io.PeerEndpoint;
import io.ipsecmesh.esp.spd.SelectorSet;

/**
 * The sending half of an SA pair. Transform, next sequence number and counters belong to the inner
 * port's reader thread. {@link #sequenceLimit} is the highest sequence number reserved for this
 * process: a sequence number is never sent twice under one key, not even after a crash or takeover
 * (RFC 4303 §3.3.3; docs/architecture.md, "Sequence numbers and Child SA installation"); the control
 * plane raises it ahead of use and the packet path never goes beyond it.
 */
public final class OutboundSa {

  final SaPair pair;
  final int spi;
  final EspSaCrypto crypto;
  /** Replaced (never mutated) when the peer's NAT mapping moves; read once per packet. */
  volatile PeerEndpoint peer;
  /**
   * Where it sent before the last move: a peer whose packets alternate between two mappings (two NAT
   * paths, a mapping that moves back) swaps the two endpoints without building a new one each time.
   */
  private PeerEndpoint previousPeer;
  final SelectorSet selectors;
  final long hardBytes;
  /** UDP-encapsulated (RFC 3948) or raw ESP. */
  final boolean udp;
  /**
   * df-bit, fragmentation and ip mtu of the interface this SA leaves by; null: the pipeline's default.
   * Replaced (never mutated) by the control plane on a configuration change; read once per packet.
   */
  volatile TunnelMtuPolicy mtuPolicy;
  /**
   * A replacement of a live SA of the same tunnel (a rekey, or both ends' SAs of a rekey collision): not sent on
   * while that predecessor still carries the traffic, until the peer proves it receives on this pair (its first
   * authenticated packet on our inbound half) — RFC 7296 §2.8: the peer may not have installed its inbound half
   * yet. Once the predecessor is gone it is the tunnel's only SA and carries the traffic held or not.
   */
  volatile boolean held;

  long nextSequence = 1;
  /** First number of the latest reserved block (blocks of other owners may lie between ours). */
  volatile long sequenceFloor;
  volatile long sequenceLimit;

  long encaps;
  long encapBytes;
  long sendErrors;
  /** Packets dropped because no sequence numbers were reserved yet (part of {@link #sendErrors}). */
  long sequenceStarved;

  OutboundSa(SaPair pair, int spi, EspSaCrypto crypto, PeerEndpoint peer, SelectorSet selectors, long hardBytes,
      boolean udp) {
    this.pair = pair;
    this.udp = udp;
    this.spi = spi;
    this.crypto = crypto;
    this.peer = peer;
    this.selectors = selectors;
    this.hardBytes = hardBytes;
  }

  /** The egress interface's policy for this SA from now on (null: the pipeline's default). */
  public void mtuPolicy(TunnelMtuPolicy policy) {
    this.mtuPolicy = policy;
  }

  public TunnelMtuPolicy mtuPolicy() {
    return mtuPolicy;
  }

  /** The first reserved block, set before the SA is published to the packet threads. */
  public void startAt(long first, long last) {
    nextSequence = first;
    sequenceFloor = first;
    sequenceLimit = last;
  }

  /**
   * Hands the packet path a newly reserved block {@code [first, last]}. The floor is written before
   * the limit, and the packet path reads the limit first, so it never uses a number below a block
   * it sees the limit of. Called by the control context only.
   */
  public void grant(long first, long last) {
    if (last <= sequenceLimit) {
      return;
    }
    if (first > sequenceLimit + 1) {
      sequenceFloor = first; // someone else holds the numbers in between
    }
    sequenceLimit = last;
  }

  public long encaps() {
    return encaps;
  }

  public long encapBytes() {
    return encapBytes;
  }

  public long sendErrors() {
    return sendErrors;
  }

  public long nextSequence() {
    return nextSequence;
  }

  public long sequenceLimit() {
    return sequenceLimit;
  }

  public PeerEndpoint peer() {
    return peer;
  }

  /**
   * Sends from now on to {@code newPeer} (RFC 3948 §3.5: the peer's NAT mapping changed, and IKE
   * re-announced the SA with the new address or port). Keys, sequence numbers and the replay window
   * stay: re-creating the SA would reopen the window to replays.
   */
  public void repoint(PeerEndpoint newPeer) {
    this.peer = newPeer;
  }

  /**
   * Sends from now on to {@code port} of the same peer address: authenticated ESP came from there
   * (RFC 7296 §2.23). Called by the inbound packet thread, only when the port differs; allocates only
   * the first time a port is seen, never per packet.
   */
  void followPort(int port) {
    PeerEndpoint current = peer;
    PeerEndpoint prev = previousPeer;
    PeerEndpoint next = prev != null && prev.address().getPort() == port ? prev : current.withPort(port);
    previousPeer = current;
    peer = next;
  }

  /** The port this SA sent to before its last move, 0 if it never moved. */
  int previousPort() {
    PeerEndpoint prev = previousPeer;
    return prev == null ? 0 : prev.address().getPort();
  }
}
