package io.ipsecmesh.ike.wire;

import io.ipsecmesh.ike.engine.RetransmitPolicy;
import io.ipsecmesh.proto.time.Scheduler;
import java.util.List;

/**
 * Retransmission of the one request an IKE SA has outstanding, for both versions: RFC 7296 §2.1 ("the initiator
 * MUST retransmit the request until it has either received a reply or deemed the IKE SA to have failed") and
 * RFC 2408 §5 / RFC 2409, which leave ISAKMP's reliability to the same timer-driven resend. The n-th
 * retransmission goes {@link RetransmitPolicy#delayBefore(int) delayBefore(n)} after the previous send; after
 * {@link RetransmitPolicy#tries() tries} retransmissions without an answer the owner is told to give up. The
 * bytes resent are the ones first sent (a retransmission is bitwise identical, §2.1; a request sent as RFC 7383 IKE
 * fragments is resent as all of them, §2.6.1): the owner resends them in
 * {@link Owner#retransmit}, on its own send path. Timers run on the owner's {@link Scheduler} (virtual in tests);
 * a newer {@link #start} or {@link #stop} makes every earlier timer a no-op. One per IKE SA, on its thread.
 */
public final class Retransmitter {

  private static final System.Logger LOG = System.getLogger("io.ipsecmesh.ike");

  /** What the SA does on the schedule's events. */
  public interface Owner {
    /** Send {@code request} (its datagrams: one, or its IKE fragments) again: the {@code n}-th retransmission (1-based). */
    void retransmit(int n, List<byte[]> request);

    /** {@code retransmissions} resends went unanswered: the request (and usually the SA) has failed. */
    void gaveUp(int retransmissions);
  }

  private final Scheduler scheduler;
  private final RetransmitPolicy policy;
  private List<byte[]> request;
  private Owner owner;
  private int retransmissions;
  private Scheduler.Timer timer;
  /** Bumped by each start and stop: a timer of an earlier request finds another generation and does nothing. */
  private long generation;

  public Retransmitter(Scheduler scheduler, RetransmitPolicy policy) {
    this.scheduler = scheduler;
    this.policy = policy;
  }

  public RetransmitPolicy policy() {
    return policy;
  }

  /** {@code request} has just been sent as one datagram: retransmit it on the policy's schedule until {@link #stop}. */
  public void start(byte[] request, Owner owner) {
    start(List.of(request), owner);
  }

  /** The same for a request sent as several datagrams (RFC 7383 fragments), always resent together. */
  public void start(List<byte[]> request, Owner owner) {
    stop();
    this.request = request;
    this.owner = owner;
    arm(generation);
  }

  /** The request got its answer, or the SA is gone: no more retransmissions. */
  public void stop() {
    generation++;
    request = null;
    owner = null;
    retransmissions = 0;
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
  }

  /** Whether a request is outstanding (started and neither answered nor given up). */
  public boolean outstanding() {
    return request != null;
  }

  private void arm(long gen) {
    timer = scheduler.schedule(policy.delayBefore(retransmissions), () -> {
      if (gen != generation || request == null) {
        return;
      }
      Owner o = owner;
      try {
        if (retransmissions >= policy.tries()) {
          int n = retransmissions;
          stop();
          o.gaveUp(n);
          return;
        }
        retransmissions++;
        o.retransmit(retransmissions, request);
        if (gen == generation) {
          arm(gen);
        }
      } catch (RuntimeException e) {
        // a timer runs on the event loop: nothing the owner does may throw there
        LOG.log(System.Logger.Level.WARNING, "IKE: retransmission timer failed: " + e);
      }
    });
  }
}
