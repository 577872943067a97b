package io.ipsecmesh.ike.v1;

import io.ipsecmesh.proto.bus.IkeMessages.IkeDatagram;
import io.ipsecmesh.proto.bus.SaMessages.ChildSaDeleted;
import io.ipsecmesh.proto.sa.ChildSa;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * What happens to an ISAKMP SA between its first message and its end, and to its Child SAs: state changes
 * (the {@code show crypto isakmp sa} row follows), establishment (phase-1 lifetime, make-before-break
 * re-authentication, adoption of orphaned Child SAs), expiry, the peer's DELETE and INITIAL-CONTACT, our
 * DELETEs, failed negotiations, NAT port moves. Every event goes to the {@link io.ipsecmesh.ike.seam.IkeEventSink}.
 */
final class IsakmpSaLifecycle {

  private static final Logger LOG = Logger.getLogger(Ikev1Engine.class.getName());

  private final Ikev1Engine e;

  IsakmpSaLifecycle(Ikev1Engine engine) {
    this.e = engine;
  }

  /** Phase-1 state moved on: the row of {@code show crypto isakmp sa} follows. */
  void state(IsakmpSa sa, IsakmpSa.Phase1State state) {
    if (e.debug.on()) {
      e.debug.log(IsakmpDebug.stateChange(sa, sa.state, state));
    }
    sa.state = state;
    e.listener.summaryChanged(sa.summary());
  }

  /** The {@code show crypto isakmp sa} row changed without a phase-1 state change (XAUTH, Mode Config). */
  void summaryChanged(IsakmpSa sa) {
    e.listener.summaryChanged(sa.summary());
  }

  void liveness(IsakmpSa sa) {
    e.listener.livenessProof(sa.id(), sa.peerAddress);
  }

  void established(IsakmpSa sa) {
    e.table.leftHalfOpen(sa);
    state(sa, IsakmpSa.Phase1State.ESTABLISHED);
    sa.establishedAtMillis = e.scheduler.nowMillis();
    e.wire.answered(sa);
    // phase-1 lifetime (crypto isakmp policy … lifetime): the ISAKMP SA ends, Child SAs keep their own
    sa.lifetimeTimer = e.scheduler.schedule(sa.suite.lifetimeSeconds() * 1000, () -> expire(sa));
    e.listener.ikeSaUp(sa.summary(), sa.policy.cryptoMap(), sa.policy.mapSequence());
    LOG.info(() -> "ISAKMP: SA " + sa.id() + " with " + sa.peerAddress + " established (" + sa.suite
        + (sa.natDetected ? ", NAT-T" : "") + ")");
    if (e.debug.on()) {
      e.debug.log(IsakmpDebug.authenticated(sa));
      if (sa.peerDpd) {
        e.debug.log(IsakmpDebug.dpdEnabled(sa));
      }
    }
    // make before break: the SA this one replaces hands over its Child SAs, then goes with a DELETE
    IsakmpSa old = sa.replaces;
    sa.replaces = null;
    if (old != null && old.state != IsakmpSa.Phase1State.DEAD) {
      adopt(sa, List.copyOf(old.children));
      old.children.clear();
      retire(old, "reauthenticated");
    }
    List<ChildSa> waiting = e.table.orphans.remove(sa.peerAddress);
    if (waiting != null) {
      adopt(sa, waiting);
    }
    if (sa.pendingInvalidSpi != 0) {
      long spi = sa.pendingInvalidSpi;
      sa.pendingInvalidSpi = 0;
      e.invalidSpi(sa.peerAddress, spi);
    }
    e.takeover.checkpoint(sa);
  }

  private void adopt(IsakmpSa sa, List<ChildSa> children) {
    for (ChildSa c : children) {
      ChildSa rebound = ChildSas.rebind(c, sa.id());
      sa.children.add(rebound);
      e.listener.childSaRebound(rebound);
    }
  }

  /**
   * The phase-1 lifetime ({@code crypto isakmp policy … lifetime}) ended. With Child SAs, an initiator
   * first builds a new ISAKMP SA that adopts them (IOS and strongSwan re-authenticate the same way);
   * otherwise the SA goes with a DELETE and its Child SAs live on as orphans.
   */
  void expire(IsakmpSa sa) {
    if (sa.state == IsakmpSa.Phase1State.DEAD) {
      return;
    }
    if (sa.initiator && !sa.children.isEmpty()) {
      IsakmpSa next = e.startPhase1(sa.policy, false);
      next.replaces = sa;
      return;
    }
    retire(sa, "isakmp-lifetime-expired");
  }

  /** DELETE of the ISAKMP SA to the peer; its Child SAs are kept (as orphans until adopted). */
  void retire(IsakmpSa sa, String reason) {
    if (sa.established()) {
      InformationalExchange.sendDeleteIsakmp(e, sa);
    }
    detach(sa, reason);
  }

  /** Forget the ISAKMP SA without a message, keeping its Child SAs (the peer deleted the ISAKMP SA). */
  void detach(IsakmpSa sa, String reason) {
    if (sa.state == IsakmpSa.Phase1State.DEAD) {
      return;
    }
    if (!sa.children.isEmpty()) {
      e.table.orphans.computeIfAbsent(sa.peerAddress, p -> new ArrayList<>()).addAll(sa.children);
      sa.children.clear();
    }
    gone(sa, reason);
  }

  /** A negotiation that cannot complete: forget the SA, tell the listener. */
  void fail(IsakmpSa sa, String reason) {
    IsakmpSa old = sa.replaces;
    deleteSa(sa, "negotiation-failed: " + reason, false);
    if (old != null) {
      // re-authentication failed: the expired SA goes now, its Child SAs to their own lifetime
      retire(old, "isakmp-lifetime-expired");
    }
  }

  void deleteSa(IsakmpSa sa, String reason, boolean notifyPeer) {
    if (sa.state == IsakmpSa.Phase1State.DEAD) {
      return;
    }
    if (e.debug.on()) {
      e.debug.log(IsakmpDebug.deletingSa(sa, reason));
    }
    if (notifyPeer && sa.established()) {
      if (!sa.children.isEmpty()) {
        InformationalExchange.sendDeleteEsp(e, sa, sa.children);
      }
      InformationalExchange.sendDeleteIsakmp(e, sa);
    }
    for (ChildSa c : List.copyOf(sa.children)) {
      removeChild(sa, c, reason);
    }
    gone(sa, reason);
  }

  private void gone(IsakmpSa sa, String reason) {
    e.takeover.removed(sa);
    e.table.leftHalfOpen(sa);
    e.table.remove(sa);
    sa.destroy();
    e.listener.ikeSaDown(sa.summary(), reason);
  }

  void addChild(IsakmpSa sa, ChildSa child) {
    sa.children.add(child);
    e.listener.childSaInstalled(child);
    if (sa.policy.xauth() != null && sa.policy.xauth().networkPlus()) {
      QuickModeExchange.startNetworkPlusAddress(e, sa);
    }
  }

  void removeChild(IsakmpSa sa, ChildSa c, String reason) {
    if (sa.children.remove(c)) {
      childGone(c, reason);
    }
  }

  void childGone(ChildSa c, String reason) {
    e.listener.childSaDeleted(new ChildSaDeleted(c.inboundSpi(), c.outboundSpi(), c.peerAddress(), reason));
  }

  /** Orphaned Child SAs of one peer (null = all) end without a message; returns how many. */
  int dropOrphans(String peerAddress, String reason) {
    int n = 0;
    for (String peer : List.copyOf(e.table.orphans.keySet())) {
      if (peerAddress == null || peer.equals(peerAddress)) {
        List<ChildSa> gone = e.table.orphans.remove(peer);
        gone.forEach(c -> childGone(c, reason));
        n += gone.size();
      }
    }
    return n;
  }

  /** RFC 2409 §5: INITIAL-CONTACT from a peer means it lost its state: ours with it is stale. */
  void initialContact(IsakmpSa current) {
    for (IsakmpSa other : new ArrayList<>(e.table.sas.values())) {
      if (other != current && other.peerAddress.equals(current.peerAddress)) {
        deleteSa(other, "initial-contact", false);
      }
    }
    dropOrphans(current.peerAddress, "initial-contact");
  }

  /**
   * An authenticated message came from {@code in}'s address and port. Behind a NAT the mapping may have
   * changed (RFC 3947 §5.2 / RFC 3948 §3.2: use the ports of the last authenticated message): the ISAKMP
   * SA and its UDP-encapsulated Child SAs move to the new port.
   */
  void authenticatedFrom(IsakmpSa sa, IkeDatagram in) {
    if (!sa.natDetected || in.peerPort() == sa.peerPort || !in.peerAddress().equals(sa.peerAddress)) {
      return;
    }
    LOG.info(() -> "ISAKMP: peer " + sa.peerAddress + " moved from port " + sa.peerPort + " to " + in.peerPort());
    sa.peerPort = in.peerPort();
    sa.localPort = in.localPort();
    moveChildren(sa);
  }

  /** The UDP-encapsulated Child SAs of {@code sa} follow its (new) peer port. */
  void moveChildren(IsakmpSa sa) {
    for (int i = 0; i < sa.children.size(); i++) {
      ChildSa c = sa.children.get(i);
      if (c.udpEncapsulation()) {
        ChildSa moved = ChildSas.withPeerPort(c, sa.peerPort);
        sa.children.set(i, moved);
        e.listener.childSaRebound(moved);
      }
    }
    e.listener.summaryChanged(sa.summary());
    e.takeover.checkpoint(sa);
  }
}
