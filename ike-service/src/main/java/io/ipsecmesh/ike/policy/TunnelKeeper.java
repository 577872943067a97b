package io.ipsecmesh.ike.policy;

import io.ipsecmesh.proto.time.Scheduler;
import java.util.List;
import java.util.function.Consumer;

/**
 * Keeps tunnel interfaces up. IOS brings a static VTI's SAs up as soon as the interface is configured and comes up,
 * not when traffic first needs them (the Cisco IPsec Virtual Tunnel Interface document: the VTI's line protocol
 * follows its IPsec SA), and negotiates again whenever they are gone. So every tunnel policy is brought up when a
 * configuration is applied and checked again every {@link #CHECK_MILLIS}; {@code bringUp} is the IKE engine's
 * ACQUIRE, which does nothing while an exchange with the peer is in flight or while the tunnel's Child SA exists,
 * starts IKE_SA_INIT without an IKE SA and CREATE_CHILD_SA over an established one without the Child SA; for an
 * IKEv1 tunnel ({@code P} = {@code Ikev1Policy}) it is {@code Ikev1Service.keepUp}: Main Mode, or Quick Mode over an
 * established ISAKMP SA, likewise only when the tunnel has no IPsec SA and nothing is in flight.
 * Event-loop confined; no Vert.x inside (tests drive it on a virtual clock).
 *
 * @param <P> the policy type of the IKE version whose tunnels this keeper holds
 */
public final class TunnelKeeper<P> {

  /** How often a tunnel without SAs is negotiated again (a retry once an IKE_SA_INIT gave up, or after a delete). */
  public static final long CHECK_MILLIS = 10_000;

  private final Scheduler scheduler;
  private final Consumer<P> bringUp;
  private List<P> tunnels = List.of();
  private Scheduler.Timer timer;

  public TunnelKeeper(Scheduler scheduler, Consumer<P> bringUp) {
    this.scheduler = scheduler;
    this.bringUp = bringUp;
  }

  /** A configuration was applied: these are the tunnels now ({@link TunnelInterfacePolicies}); bring them up. */
  public void configure(List<P> next) {
    tunnels = List.copyOf(next);
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
    check();
  }

  /** The verticle stops: no more negotiations. */
  public void stop() {
    tunnels = List.of();
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
  }

  public List<P> tunnels() {
    return tunnels;
  }

  private void check() {
    timer = null;
    if (tunnels.isEmpty()) {
      return;
    }
    for (P p : tunnels) {
      try {
        bringUp.accept(p);
      } catch (RuntimeException e) {
        // one tunnel's failure must not keep the others down, nor stop the schedule
        System.getLogger(TunnelKeeper.class.getName()).log(System.Logger.Level.WARNING,
            "tunnel " + p + ": bring-up failed: " + e);
      }
    }
    timer = scheduler.schedule(CHECK_MILLIS, this::check);
  }
}
