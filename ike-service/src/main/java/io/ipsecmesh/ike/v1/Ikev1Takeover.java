package io.ipsecmesh.ike.v1;

import io.ipsecmesh.proto.sa.IsakmpCheckpoint;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * The scale-out side of the IKEv1 engine, as {@code engine.IkeTakeover} is of IKEv2's: after every completed
 * exchange of an established ISAKMP SA (Main or Aggressive Mode, Quick Mode, an informational received — DPD,
 * DELETE —, our own Child SA DELETE, a NAT port move) its state goes to the {@link IsakmpCheckpointSink}; another
 * instance adopts it from there without a message to the peer, and the old owner releases it without one. Not
 * covered: an Easy VPN remote's SA (its XAUTH and Mode Config state is not in the checkpoint: it dies with its
 * instance and the remote reconnects), and Child SAs orphaned by the end of their ISAKMP SA.
 */
public final class Ikev1Takeover {

  private static final Logger LOG = Logger.getLogger(Ikev1Engine.class.getName());

  private final Ikev1Engine e;
  private IsakmpCheckpointSink sink = IsakmpCheckpointSink.NONE;
  private String instanceId = "";
  private LongSupplier epochMillis = System::currentTimeMillis;

  Ikev1Takeover(Ikev1Engine engine) {
    this.e = engine;
  }

  /**
   * Scale-out: checkpoints go to {@code sink}, named as written by {@code instanceId}; {@code epochMillis} is the
   * wall clock the instances share (the phase-1 end is recorded in it).
   */
  public void setCheckpoints(IsakmpCheckpointSink sink, String instanceId, LongSupplier epochMillis) {
    this.sink = sink;
    this.instanceId = instanceId;
    this.epochMillis = epochMillis;
    e.table.owner = instanceId.isEmpty() ? null : instanceId; // show crypto isakmp sa detail names it
  }

  /** An exchange of {@code sa} completed: its state now is checkpointed (established SAs only). */
  void checkpoint(IsakmpSa sa) {
    if (sink == IsakmpCheckpointSink.NONE || !sa.established() || sa.clientState != null) {
      return;
    }
    try {
      sa.checkpointGeneration++;
      sink.write(IsakmpSaCheckpoints.capture(sa, instanceId, epochMillis.getAsLong(), e.scheduler.nowMillis()));
    } catch (RuntimeException ex) {
      LOG.warning(() -> "ISAKMP: checkpoint of " + sa.id() + " failed: " + ex);
    }
  }

  /** {@code sa} ended here (deleted, expired, failed): its checkpoint goes too. */
  void removed(IsakmpSa sa) {
    if (sink != IsakmpCheckpointSink.NONE && sa.checkpointGeneration > 0) {
      sink.remove(sa.id());
    }
  }

  /**
   * Continues an ISAKMP SA another instance negotiated, from its last checkpoint, with no message to the peer: the
   * peer's next Quick Mode, informational (R-U-THERE, DELETE) is answered with the same keys and IVs, ours use the
   * next DPD sequence numbers, the phase-1 lifetime ends when the checkpoint says, and the Child SAs stay as the
   * forwarder has them. The policy is the crypto map entry the checkpoint names (else the one a Main Mode from the
   * peer would be answered with). The checkpoint's keys are zeroed.
   *
   * @return false when the SA could not be adopted (unknown policy or algorithm, a Child SA record failing its
   *     MAC), which is logged; true when it is held here now (also when it already was)
   */
  public boolean adopt(IsakmpCheckpoint c) {
    try {
      if (e.table.findById(c.isakmpSaId()) != null) {
        return true;
      }
      Ikev1Policy policy = e.policies().stream()
          .filter(p -> p.cryptoMap().equals(c.cryptoMap()) && p.mapSequence() == c.mapSequence()).findFirst()
          .orElseGet(() -> e.mainModeResponderPolicy(c.peerAddress()));
      if (policy == null) {
        LOG.warning(() -> "ISAKMP: cannot adopt ISAKMP SA " + c.isakmpSaId() + ": no crypto map entry "
            + c.cryptoMap() + " " + c.mapSequence() + " nor one for peer " + c.peerAddress());
        return false;
      }
      IsakmpSa sa = IsakmpSaCheckpoints.restore(c, policy);
      long remaining = c.expiresAtEpochMillis() - epochMillis.getAsLong();
      long now = e.scheduler.nowMillis();
      sa.establishedAtMillis = now + remaining - c.lifetimeSeconds() * 1000;
      e.table.adopt(sa);
      // phase-1 lifetime at its recorded end, as for an SA established here (IsakmpSaLifecycle.established)
      sa.lifetimeTimer = e.scheduler.schedule(Math.max(0, remaining), () -> e.life.expire(sa));
      e.listener.summaryChanged(sa.summary());
      LOG.info(() -> "ISAKMP: adopted ISAKMP SA " + sa.id() + " with " + sa.peerAddress + ":" + sa.peerPort + " ("
          + sa.children.size() + " Child SA(s), written by " + c.owner() + ")");
      return true;
    } catch (RuntimeException ex) {
      LOG.warning(() -> "ISAKMP: cannot adopt ISAKMP SA " + c.isakmpSaId() + ": " + ex.getMessage());
      return false;
    } finally {
      c.destroy();
    }
  }

  /**
   * Another instance owns this ISAKMP SA now: it is forgotten here without a message, an event or touching its
   * checkpoint, which the new owner adopts. Keys zeroed, timers cancelled (a DPD probe in flight gets no outcome:
   * dpd-service's request times out and it probes again, through the new owner).
   */
  public boolean release(String isakmpSaId) {
    IsakmpSa sa = e.table.findById(isakmpSaId);
    if (sa == null) {
      return false;
    }
    e.table.remove(sa);
    sa.destroy();
    return true;
  }

  /** The established ISAKMP SAs held here that are checkpointed, by id (hex CKY-I:CKY-R). */
  public List<String> establishedIsakmpSaIds() {
    return e.table.sas.values().stream().filter(sa -> sa.established() && sa.clientState == null)
        .map(IsakmpSa::id).toList();
  }
}
