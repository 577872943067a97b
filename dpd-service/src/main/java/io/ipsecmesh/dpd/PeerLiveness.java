package io.ipsecmesh.dpd;

import io.ipsecmesh.proto.time.TimingWheel;

/**
 * The liveness state machine of one IKE peer (RFC 3706 §5.5, the IOS {@code crypto isakmp keepalive}
 * rules). Any message from the peer — IKE, ESP, an answer to a probe — proves it alive. When the peer
 * has been silent for the interval (periodic), or when there is traffic to send and it has been silent
 * for the interval (on-demand), a probe goes out at t0; unanswered it is retransmitted at t0+R … t0+4R
 * and the peer is declared dead at t0+5R. An attempt during which this gateway's own IKE socket dropped datagrams
 * proves nothing (the answer may be among them): it is repeated after the interval instead of counted, so local
 * overload neither kills live peers nor multiplies the probe rate by five (docs/architecture.md, "DPD under local
 * overload").
 *
 * <p>Kept small because there is one per peer (100 000 per instance): it is its own wheel timer, and
 * inbound traffic only stamps {@link #lastReceivedMillis} — the timer notices on expiry and re-arms, so
 * a busy peer costs no rescheduling.
 */
final class PeerLiveness extends TimingWheel.Timeout {

  /** The first probe plus four retransmissions ("five aggressive DPD retry messages"). */
  static final int PROBES_BEFORE_DEAD = 5;
  /**
   * ike-service answers a death with {@code ike.peer.down}; should that never come (the IKE SA was already
   * gone), a dead peer is forgotten after this long rather than kept forever.
   */
  static final long FORGET_DEAD_AFTER_MILLIS = 60_000;

  private final IkePeer peer;
  private final LivenessHost host;
  private final TimingWheel wheel;
  /** null: DPD is not configured for this peer; it is tracked (for reconfiguration) but never probed. */
  private DpdSettings settings;
  /**
   * The peer does not do DPD (an IKEv1 peer that sent no RFC 3706 vendor ID, learnt from ike-service's answer
   * to a probe): like IOS, never probe it and never declare it dead, whatever the configuration says.
   */
  private boolean withoutDpd;
  private LivenessState state;
  private long lastReceivedMillis;
  /** When the latest probe or retransmission went out. */
  private long lastProbeMillis;
  private int attempt;
  /** The last attempt was inconclusive: the timer now armed sends it again instead of counting it. */
  private boolean deferred;
  /** The current attempt waits in the {@link ProbePacer} for its turn; no timer is armed meanwhile. */
  private boolean paced;
  /** Next IKE SA to the same peer address, for matching address-only activity reports. */
  PeerLiveness nextAtAddress;
  /**
   * The previous one (null at the list's head), so a peer leaves its address's list in O(1): 100 000 IKE SAs behind
   * one address (a load generator, a NAT) made each removal a walk of the list, and a burst of DPD deaths quadratic.
   */
  PeerLiveness previousAtAddress;

  PeerLiveness(IkePeer peer, DpdSettings settings, LivenessHost host) {
    this.peer = peer;
    this.settings = settings;
    this.host = host;
    this.wheel = host.wheel();
  }

  IkePeer peer() {
    return peer;
  }

  LivenessState state() {
    return state;
  }

  DpdSettings settings() {
    return settings;
  }

  /**
   * The IKE SA just came up (completing the exchange is the freshest proof of liveness: {@code since} is now),
   * or this instance took the peer over and {@code since} is the last sign of life it heard.
   */
  void up(long since) {
    lastReceivedMillis = since;
    enter(LivenessState.ALIVE);
    armIdleTimer();
  }

  /** Inbound IKE or ESP from the peer, or the answer to a probe. */
  void received(long now) {
    if (state == LivenessState.DEAD) {
      return; // already announced; the IKE SA is being torn down
    }
    lastReceivedMillis = Math.max(lastReceivedMillis, now);
    if (state == LivenessState.PROBING) {
      deferred = false;
      enter(LivenessState.ALIVE);
      armIdleTimer();
    }
    // ALIVE: the idle timer sees the new stamp when it expires and re-arms from it.
  }

  /** There is (or just was) traffic to send to the peer: the on-demand trigger. */
  void outboundTraffic(long now) {
    if (state == LivenessState.ALIVE && settings != null && settings.mode() == DpdMode.ON_DEMAND
        && now - lastReceivedMillis >= settings.intervalMillis()) {
      startProbing(now);
    }
  }

  /**
   * New timers for this peer. An outstanding probe keeps going and uses the new retry interval from its
   * next retransmission; an idle peer re-arms from its last sign of life.
   */
  void reconfigure(DpdSettings newSettings, long now) {
    if (withoutDpd) {
      return;
    }
    settings = newSettings;
    if (state == LivenessState.ALIVE) {
      armIdleTimer();
    } else if (state == LivenessState.PROBING && newSettings == null) {
      enter(LivenessState.ALIVE); // DPD switched off: stop asking
      wheel.cancel(this);
    } else if (state == LivenessState.PROBING && !paced) {
      wheel.schedule(this, lastProbeMillis + newSettings.retryMillis());
    }
  }

  /** ike-service refused to probe: the peer does not do DPD. Stop probing it for the life of this IKE SA. */
  void withoutDpd() {
    if (state == LivenessState.DEAD || state == null) {
      return;
    }
    withoutDpd = true;
    settings = null;
    enter(LivenessState.ALIVE);
    wheel.cancel(this);
  }

  /** The IKE SA is gone (deleted, rekeyed away, or handed to another instance). */
  void remove() {
    wheel.cancel(this);
    if (state != null) {
      host.metrics().left(state);
      state = null;
    }
  }

  @Override
  protected void expire(long now) {
    if (state == LivenessState.ALIVE) {
      idleTimerExpired(now);
    } else if (state == LivenessState.PROBING) {
      retryTimerExpired(now);
    } else if (state == LivenessState.DEAD) {
      host.forget(this);
    }
  }

  private void idleTimerExpired(long now) {
    if (settings == null || settings.mode() != DpdMode.PERIODIC) {
      return;
    }
    long due = lastReceivedMillis + settings.intervalMillis();
    if (now >= due) {
      startProbing(now);
    } else {
      wheel.schedule(this, due); // something arrived meanwhile: postpone
    }
  }

  private void retryTimerExpired(long now) {
    if (deferred) {
      deferred = false;
      probe(now); // the same attempt again
    } else if (host.receiveLossSince(lastProbeMillis)) {
      // at the interval, not the retry: retransmitting into a socket that drops is what overloads it further
      deferred = true;
      host.metrics().inconclusive();
      wheel.schedule(this, now + settings.intervalMillis());
    } else if (attempt + 1 < PROBES_BEFORE_DEAD) {
      attempt++;
      probe(now);
    } else {
      declareDead(now);
    }
  }

  private void startProbing(long now) {
    enter(LivenessState.PROBING);
    attempt = 0;
    deferred = false;
    probe(now);
  }

  private void probe(long now) {
    if (paced) {
      return; // its turn sends the current attempt
    }
    if (host.admitProbe(this)) {
      send(now);
    } else {
      paced = true;
    }
  }

  /** The {@link ProbePacer}'s turn for this peer: sends the attempt still wanted, if any; false when none. */
  boolean sendQueuedProbe(long now) {
    if (!paced) {
      return false;
    }
    paced = false;
    if (state != LivenessState.PROBING) {
      return false; // answered, removed or switched off while it waited
    }
    send(now);
    return true;
  }

  private void send(long now) {
    lastProbeMillis = now;
    long retry = settings.retryMillis();
    wheel.schedule(this, now + retry);
    host.metrics().probeSent(attempt);
    host.actions().sendProbe(peer, attempt, retry);
  }

  private void declareDead(long now) {
    enter(LivenessState.DEAD);
    long silentFor = now - lastReceivedMillis;
    wheel.schedule(this, now + FORGET_DEAD_AFTER_MILLIS);
    host.metrics().declaredDead(silentFor);
    host.actions().peerDead(peer, silentFor);
  }

  private void armIdleTimer() {
    if (settings != null && settings.mode() == DpdMode.PERIODIC) {
      wheel.schedule(this, lastReceivedMillis + settings.intervalMillis());
    } else {
      wheel.cancel(this); // on-demand waits for outbound traffic, not for a timer
    }
  }

  private void enter(LivenessState next) {
    if (state == next) {
      return;
    }
    if (state != null) {
      host.metrics().left(state);
    }
    host.metrics().entered(next);
    state = next;
  }
}
