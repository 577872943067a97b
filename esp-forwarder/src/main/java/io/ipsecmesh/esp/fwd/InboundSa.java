package io.ipsecmesh.esp.fwd;

import io.ipsecmesh.esp.crypto.EspSaCrypto;
import io.ipsecmesh.esp.replay.ReplayWindow;
import io.ipsecmesh.esp.spd.SelectorSet;

/**
 * The receiving half of an SA pair. Its transform, replay window and counters are touched only by
 * the outer socket's event-loop thread; the counters are plain fields that the once-a-second
 * reporter reads without synchronisation (a slightly stale value is fine for statistics).
 */
public final class InboundSa {

  final SaPair pair;
  final int spi;
  final EspSaCrypto crypto;
  final ReplayWindow replay;
  final SelectorSet selectors;
  /**
   * Whether this SA was negotiated with UDP encapsulation (a NAT detected or encapsulation forced); ESP for it is
   * accepted either way (RFC 7296 §2.23), only UDP-encapsulated ESP can move the peer's port.
   */
  final boolean udp;
  /**
   * Whether authenticated ESP from another port of the peer moves where the outbound half sends:
   * UDP-encapsulated and not behind a NAT ourselves (RFC 7296 §2.23: a host behind a NAT SHOULD NOT).
   */
  final boolean followsPeer;
  /** Times the peer's port was followed; the supervisor reports a change once per tick. */
  long peerMoves;

  long decaps;
  long decapBytes;
  long recvErrors;
  long authFailures;
  long replayFailures;
  long policyFailures;

  InboundSa(SaPair pair, int spi, EspSaCrypto crypto, ReplayWindow replay, SelectorSet selectors, boolean udp,
      boolean followsPeer) {
    this.pair = pair;
    this.udp = udp;
    this.followsPeer = followsPeer;
    this.spi = spi;
    this.crypto = crypto;
    this.replay = replay;
    this.selectors = selectors;
  }

  /**
   * Scale-out takeover, on the control context while the pair is still handed off (no packet thread in this
   * window): the window starts at the old owner's checkpoint, every number at or below it seen
   * ({@link ReplayWindow#adopt}); without one ({@link ReplayCheckpoints#UNKNOWN}) it refuses every packet
   * ({@link ReplayWindow#close}) until the SA is replaced. With anti-replay disabled ({@code replay disable}) only
   * the ESN anchor is taken: such an SA accepts replays by configuration.
   */
  void adoptReplayCheckpoint(long checkpoint) {
    if (checkpoint != ReplayCheckpoints.UNKNOWN) {
      replay.adopt(checkpoint);
    } else if (replay.enabled()) {
      replay.close();
    }
  }

  /** Whether a takeover without a checkpoint closed this SA's window (it refuses every packet). */
  public boolean replayClosed() {
    return replay.enabled() && replay.closed();
  }

  /** The highest authenticated sequence number, as the control context samples it. */
  public long replayTop() {
    return replay.checkpointTop();
  }

  public long decaps() {
    return decaps;
  }

  public long decapBytes() {
    return decapBytes;
  }

  public long recvErrors() {
    return recvErrors;
  }

  public long authFailures() {
    return authFailures;
  }

  public long replayFailures() {
    return replayFailures;
  }

  public long peerMoves() {
    return peerMoves;
  }

  public long policyFailures() {
    return policyFailures;
  }
}
