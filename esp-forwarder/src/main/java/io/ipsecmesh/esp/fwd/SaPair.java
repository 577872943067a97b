package io.ipsecmesh.esp.fwd;

import io.ipsecmesh.proto.sa.ChildSa;

/**
 * A Child SA as the forwarder runs it: the control-plane description plus the two halves that the
 * packet threads use. State the control plane keeps about the pair (lifetime start, last activity,
 * which expiry events were sent) lives here and is touched only on the control context.
 */
public final class SaPair {

  final ChildSa sa;
  final boolean manual;
  InboundSa in;
  OutboundSa out;

  /** Set when the hard lifetime is reached: both halves then drop every packet. */
  volatile boolean hardExpired;
  /**
   * Scale-out: the forwarder instance that owns this pair when it is not this one (its packets are handed to it,
   * {@link Handoff}); null when this instance owns it or scale-out is off. Written by {@link SaOwnership}.
   */
  volatile String remoteOwner;
  /** Scale-out: bumped on every ownership change, so a takeover's late reservation knows it is stale. */
  int ownershipGeneration;

  /** Scale-out: the replay window's edge in the last counters row written for this pair (ReplayCheckpointer). */
  long checkpointedEdge;

  /** Counted in its tunnel by {@link SaDatabase} (a rekey's pairs are one tunnel); control thread only. */
  boolean inTunnel;

  /** Where the pair sits in {@link SaDatabase}'s roster (the supervisor's round order); -1 when not installed. */
  int rosterIndex = -1;

  long installedAtMillis;
  long lastActivityMillis;
  long lastEncaps;
  long lastDecaps;
  long lastReplayLogged;
  long lastPeerMoves;
  boolean softSecondsSent;
  boolean softKilobytesSent;
  /** This pair's draw for its soft lifetimes' jitter, in [0, 1) ({@link SaSupervisor#jitter}). */
  double softJitter;
  /** The kilobytes its lifetime had counted at the supervisor's last round (the volume rate per round). */
  long kilobytesLastRound;
  boolean hardSent;
  boolean idleSent;
  /** The forwarder reported that it cannot reserve sequence numbers for this SA. */
  boolean starvedSent;
  /** A rekey was asked for because no sequence numbers could be reserved. */
  boolean rekeyAsked;
  /** The soft expiry for the end of the sequence space was sent. */
  boolean softSequenceSent;
  /**
   * What the counters row last published for this pair summed up ({@link SaSupervisor}): every counter in it only
   * grows, so the sum changes exactly when one of them did. {@code -1}: never published.
   */
  long publishedCounterSum = -1;
  /** {@link #ownershipGeneration} when the row was last published: a new owner writes its own row. */
  int publishedGeneration;

  SaPair(ChildSa sa, boolean manual) {
    this.sa = sa;
    this.manual = manual;
  }

  public ChildSa sa() {
    return sa;
  }

  public boolean manual() {
    return manual;
  }

  public InboundSa inbound() {
    return in;
  }

  public OutboundSa outbound() {
    return out;
  }

  /** Zeroes both transforms' keys; only once no packet thread can still use this pair. */
  public void destroyKeys() {
    in.crypto.destroy();
    out.crypto.destroy();
  }

  /** Both halves' keys are zeroed (tests). */
  boolean keysDestroyed() {
    return in.crypto.destroyed() && out.crypto.destroyed();
  }

  /** The instance that owns this pair when another one does; null when this one does. */
  public String remoteOwner() {
    return remoteOwner;
  }

  public boolean hardExpired() {
    return hardExpired;
  }
}
