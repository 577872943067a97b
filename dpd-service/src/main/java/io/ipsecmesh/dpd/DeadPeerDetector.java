package io.ipsecmesh.dpd;

import io.ipsecmesh.proto.time.Scheduler;
import io.ipsecmesh.proto.time.TimingWheel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every liveness state machine of this instance, keyed by IKE SA, with the events that drive them routed
 * in: SA up/down, liveness proofs, probe answers, the forwarder's activity summaries and reconfiguration.
 * All timers share one {@link TimingWheel}. Not thread-safe: runs on one event loop.
 */
public final class DeadPeerDetector {

  /**
   * 10 ms resolution. Every timer of a tick expires at once, so a tick's probes leave together: at 100 000 peers
   * and a 10 s interval a 100 ms tick sent 1 000 probes in one burst, ten times a second, which overflowed the
   * receive buffer of a peer that terminates many SAs (strongSwan's default 208 KB socket buffer: the probes and
   * IKE_AUTH responses in it were lost, peers declared dead — docs/performance.md, "100 000 IKE SAs on one
   * gateway"); at 10 ms the same load leaves in bursts of about 100, and no timer is more than 10 ms late.
   * 8192 buckets span 82 s, so 10–60 s timers never wait a second round.
   */
  public static final long DEFAULT_TICK_MILLIS = 10;
  public static final int DEFAULT_WHEEL_SIZE = 8192;

  private final Scheduler scheduler;
  private final TimingWheel wheel;
  private final ProbePacer pacer;
  private final DpdActions actions;
  private final DpdMetrics metrics;
  private final Map<String, PeerLiveness> byIkeSa = new HashMap<>();
  /** Head of the chain of IKE SAs per peer address (usually one; two while an IKE SA is rekeyed). */
  private final Map<String, PeerLiveness> byAddress = new HashMap<>();
  private DpdPolicy policy;
  /** When an ike-service last reported datagrams lost at its IKE socket (scheduler time); MIN_VALUE: never. */
  private long lastReceiveLossMillis = Long.MIN_VALUE;
  private final LivenessHost host = new LivenessHost() {
    @Override
    public TimingWheel wheel() {
      return wheel;
    }

    @Override
    public DpdActions actions() {
      return actions;
    }

    @Override
    public DpdMetrics metrics() {
      return metrics;
    }

    @Override
    public boolean admitProbe(PeerLiveness peer) {
      return pacer.admit(peer);
    }

    @Override
    public boolean receiveLossSince(long millis) {
      return lastReceiveLossMillis >= millis;
    }

    @Override
    public void forget(PeerLiveness peer) {
      peerDown(peer.peer().ikeSaId());
    }
  };

  public DeadPeerDetector(Scheduler scheduler, DpdPolicy policy, DpdActions actions, DpdMetrics metrics) {
    this(scheduler, policy, actions, metrics, DEFAULT_TICK_MILLIS, DEFAULT_WHEEL_SIZE);
  }

  public DeadPeerDetector(Scheduler scheduler, DpdPolicy policy, DpdActions actions, DpdMetrics metrics,
      long tickMillis, int wheelSize) {
    this.scheduler = scheduler;
    this.policy = policy;
    this.actions = actions;
    this.metrics = metrics;
    this.pacer = new ProbePacer(tickMillis);
    this.wheel = new TimingWheel(scheduler, tickMillis, wheelSize,
        () -> pacer.afterTick(byIkeSa.size(), scheduler.nowMillis()));
  }

  public void start() {
    wheel.start();
  }

  public void stop() {
    wheel.stop();
  }

  /** {@code ike.peer.up}: start watching; an SA already known is restarted as freshly alive. */
  public void peerUp(IkePeer peer) {
    watch(peer, scheduler.nowMillis());
  }

  /**
   * The peer moved to this instance (its owner died or left): watch it from the last sign of life this
   * instance heard of it. A peer silent for the interval already is probed at the next tick.
   */
  public void peerTakenOver(IkePeer peer, long lastSignOfLifeMillis) {
    watch(peer, Math.min(lastSignOfLifeMillis, scheduler.nowMillis()));
  }

  private void watch(IkePeer peer, long lastSignOfLifeMillis) {
    peerDown(peer.ikeSaId());
    PeerLiveness p = new PeerLiveness(peer, policy.settingsFor(peer).orElse(null), host);
    byIkeSa.put(peer.ikeSaId(), p);
    PeerLiveness next = byAddress.put(peer.peerAddress(), p);
    p.nextAtAddress = next;
    if (next != null) {
      next.previousAtAddress = p;
    }
    p.up(lastSignOfLifeMillis);
  }

  /** {@code ike.peer.down}, or the peer moved to another instance: forget it and cancel its timers. */
  public void peerDown(String ikeSaId) {
    PeerLiveness p = byIkeSa.remove(ikeSaId);
    if (p == null) {
      return;
    }
    p.remove();
    unlinkAddress(p);
  }

  /** {@code ike.liveness-proof}: an authenticated IKE message arrived from the peer. */
  public void livenessProof(String ikeSaId) {
    PeerLiveness p = byIkeSa.get(ikeSaId);
    if (p != null) {
      p.received(scheduler.nowMillis());
    }
  }

  /**
   * {@code ike.receive-loss}: an ike-service's IKE socket dropped datagrams. The probes outstanding now are not
   * counted against their peers when their retry timer expires: each is sent again after the DPD interval.
   */
  public void receiveLoss() {
    lastReceiveLossMillis = scheduler.nowMillis();
  }

  /** The peer answered a probe. */
  public void probeAcknowledged(String ikeSaId) {
    PeerLiveness p = byIkeSa.get(ikeSaId);
    if (p != null && p.state() != LivenessState.DEAD) {
      metrics.acknowledged();
      p.received(scheduler.nowMillis());
    }
  }

  /**
   * ike-service answered a probe with "unsupported": the peer announced no DPD (RFC 3706 §5.1 forbids
   * R-U-THERE to it). IOS never declares such a peer dead; this one is not probed again until a new IKE SA.
   */
  public void dpdUnsupported(String ikeSaId) {
    PeerLiveness p = byIkeSa.get(ikeSaId);
    if (p != null) {
      p.withoutDpd();
    }
  }

  /**
   * One SA line of a {@code fwd.activity} summary. The forwarder knows SAs by peer address and port, not by
   * IKE SA: the report goes to the IKE SA(s) of that address whose port matches, or, when none matches
   * (raw ESP has port 0, IKE 500), to every IKE SA of that address — they are the same peer.
   */
  public void activity(String peerAddress, int peerPort, boolean sent, boolean received) {
    if (!sent && !received) {
      return;
    }
    PeerLiveness head = byAddress.get(peerAddress);
    if (head == null) {
      return;
    }
    boolean portMatch = false;
    for (PeerLiveness p = head; p != null; p = p.nextAtAddress) {
      portMatch |= p.peer().peerPort() == peerPort;
    }
    long now = scheduler.nowMillis();
    for (PeerLiveness p = head; p != null; p = p.nextAtAddress) {
      if (portMatch && p.peer().peerPort() != peerPort) {
        continue;
      }
      // Received first: traffic from the peer in the same summary answers the on-demand question.
      if (received) {
        p.received(now);
      }
      if (sent) {
        p.outboundTraffic(now);
      }
    }
  }

  /** New configuration: every peer takes its (possibly changed) timers now. */
  public void reconfigure(DpdPolicy newPolicy) {
    this.policy = newPolicy;
    long now = scheduler.nowMillis();
    for (PeerLiveness p : byIkeSa.values()) {
      p.reconfigure(newPolicy.settingsFor(p.peer()).orElse(null), now);
    }
  }

  public Optional<LivenessState> state(String ikeSaId) {
    PeerLiveness p = byIkeSa.get(ikeSaId);
    return p == null ? Optional.empty() : Optional.of(p.state());
  }

  public Optional<IkePeer> peer(String ikeSaId) {
    PeerLiveness p = byIkeSa.get(ikeSaId);
    return p == null ? Optional.empty() : Optional.of(p.peer());
  }

  /** IKE SAs known to this instance. */
  public List<String> ikeSaIds() {
    return List.copyOf(byIkeSa.keySet());
  }

  public int peers() {
    return byIkeSa.size();
  }

  /** Probes waiting in the pacer for their turn (a clump larger than one tick's budget). */
  public int probesWaiting() {
    return pacer.waiting();
  }

  /** Timers currently armed (periodic idle timers and outstanding probes). */
  public int armedTimers() {
    return wheel.size();
  }

  /** O(1): the list is doubly linked ({@link PeerLiveness#previousAtAddress}). */
  private void unlinkAddress(PeerLiveness p) {
    PeerLiveness previous = p.previousAtAddress;
    PeerLiveness next = p.nextAtAddress;
    if (next != null) {
      next.previousAtAddress = previous;
    }
    if (previous != null) {
      previous.nextAtAddress = next;
    } else if (next == null) {
      byAddress.remove(p.peer().peerAddress(), p);
    } else {
      byAddress.put(p.peer().peerAddress(), next);
    }
    p.previousAtAddress = null;
    p.nextAtAddress = null;
  }
}
