package io.ipsecmesh.ike.v1;

import io.ipsecmesh.ike.seam.IkeEventSink;
import io.ipsecmesh.ike.dos.DosCounters;
import io.ipsecmesh.ike.engine.RetransmitPolicy;
import io.ipsecmesh.proto.bus.IkeMessages.IkeDatagram;
import io.ipsecmesh.proto.bus.MgmtMessages.ClearSession;
import io.ipsecmesh.proto.ikev1.IsakmpCodec;
import io.ipsecmesh.proto.ikev1.IsakmpConstants;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.Notification;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.KeyWrap;
import io.ipsecmesh.proto.time.Scheduler;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * The IKEv1 SA manager (RFC 2409 Main Mode with pre-shared keys, Quick Mode, informational exchanges
 * with DPD per RFC 3706, NAT-T per RFC 3947), initiator and responder: it routes each datagram by cookie
 * and exchange type ({@link IsakmpDispatcher}) to the small exchange classes, which hold the protocol rules, and
 * turns the service's commands (initiate, probe, rekey, delete, clear) into exchanges. The SAs live in {@link
 * IsakmpSaTable},
 * their life in {@link IsakmpSaLifecycle}, retransmission and the reply cache in {@link
 * IsakmpWire} (with IKEv2's {@code wire.Retransmitter} and {@code wire.ReplyCache}); codecs in {@code io.ipsecmesh.proto.ikev1}. Single-threaded: call it on one thread
 * (a Vert.x context), the {@link Scheduler} runs its timers there too.
 */
public final class Ikev1Engine {

  private static final Logger LOG = Logger.getLogger(Ikev1Engine.class.getName());
  /** See {@link IsakmpSaTable#MAX_HALF_OPEN}. */
  static final int MAX_HALF_OPEN = IsakmpSaTable.MAX_HALF_OPEN;

  final Scheduler scheduler;
  final IkeEventSink listener;
  final KeyWrap keyWrap;
  final SecureRandom random = new SecureRandom();
  /** {@code debug crypto isakmp}. */
  final IsakmpDebug debug = new IsakmpDebug();
  final IsakmpSaTable table = new IsakmpSaTable(random);
  final IsakmpSaLifecycle life = new IsakmpSaLifecycle(this);
  final IsakmpWire wire;
  /** Scale-out: checkpoints after each exchange, adoption and release (inert until given a sink). */
  final Ikev1Takeover takeover = new Ikev1Takeover(this);
  private final IsakmpDispatcher dispatcher = new IsakmpDispatcher(this);
  private List<Ikev1Policy> policies = List.of();
  /** The IKEv1 entries of dynamic crypto maps: answered, never initiated. */
  private List<Ikev1Template> templates = List.of();
  DosCounters stats = DosCounters.NONE;
  /** Child SAs one ISAKMP SA may negotiate ({@code ike-max-child-sas}). */
  int maxChildSas = io.ipsecmesh.ike.engine.IkeEngine.Limits.DEFAULT_MAX_CHILD_SAS;
  private volatile boolean natTransparency = true;
  /** False after {@code crypto isakmp aggressive-mode disable}: an AM1 gets no answer and no state. */
  private volatile boolean aggressiveModeAccepted = true;

  public Ikev1Engine(Scheduler scheduler, IkeEventSink listener, KeyWrap keyWrap, RetransmitPolicy retransmit,
      Consumer<IkeDatagram> transport) {
    this.scheduler = scheduler;
    this.listener = listener;
    this.keyWrap = keyWrap;
    this.wire = new IsakmpWire(scheduler, retransmit, transport, life::fail, debug);
  }

  public void setPolicies(List<Ikev1Policy> policies) {
    this.policies = List.copyOf(policies);
  }

  /** The IKEv1 entries of the configuration's dynamic crypto maps ({@link Ikev1Policies#templates}). */
  public void setTemplates(List<Ikev1Template> templates) {
    this.templates = List.copyOf(templates);
  }

  public List<Ikev1Template> templates() {
    return templates;
  }

  /**
   * {@code no crypto ipsec nat-transparency udp-encapsulation} ({@code on} false) "disables NAT traversal"
   * (IPsec Data Plane guide, IPsec NAT Transparency, Disabling NAT Traversal): we neither announce NAT-T
   * (the RFC 3947 vendor ID in MM1) nor accept the peer's (no vendor ID back in MM2), so no NAT-D
   * payloads are exchanged, IKE stays on port 500 and ESP goes raw, NAT or not.
   */
  public void setNatTransparency(boolean on) {
    this.natTransparency = on;
  }

  boolean natTransparency() {
    return natTransparency;
  }

  /**
   * IOS answers Aggressive Mode by default; {@code crypto isakmp aggressive-mode disable} ({@code accepted}
   * false) "blocks all aggressive mode requests to and from the device" (Cisco IOS Security Command
   * Reference, crypto isakmp aggressive-mode disable): AM1s are dropped without answer or state.
   */
  public void setAggressiveModeAccepted(boolean accepted) {
    this.aggressiveModeAccepted = accepted;
  }

  public List<Ikev1Policy> policies() {
    return policies;
  }

  /** One ISAKMP datagram (non-ESP marker already removed); replies go to {@code send}. */
  public void receive(IkeDatagram in, Consumer<IkeDatagram> send) {
    dispatcher.receive(in, send);
  }

  boolean aggressiveModeAccepted() {
    return aggressiveModeAccepted;
  }


  Ikev1Policy policyForPeer(String peerAddress) {
    for (Ikev1Policy p : policies) {
      if (p.peerAddress().equals(peerAddress)) {
        return p;
      }
    }
    return null;
  }

  /**
   * The policy a Main Mode started by {@code peerAddress} is answered with: that of a crypto map entry naming the
   * peer, else the first dynamic crypto map template with a key for its address, bound to it. Only a responder's:
   * every initiating path ({@link #initiate}, rekeys of orphaned SAs, invalid-SPI recovery, failover) looks up
   * {@link #policyForPeer} alone, so nothing is ever initiated from a dynamic map.
   */
  Ikev1Policy mainModeResponderPolicy(String peerAddress) {
    Ikev1Policy p = policyForPeer(peerAddress);
    if (p != null) {
      return p;
    }
    for (Ikev1Template t : templates) {
      Ikev1Policy bound = t.bind(peerAddress);
      if (bound != null) {
        return bound;
      }
    }
    return null;
  }

  /**
   * A new phase 1 with the policy's peer: Aggressive Mode for a peer configured for it ({@code set
   * aggressive-mode client-endpoint}, an Easy VPN remote), Main Mode otherwise.
   */
  IsakmpSa startPhase1(Ikev1Policy policy, boolean quickModeWanted) {
    return policy.aggressive() ? AggressiveModeInitiator.start(this, policy, quickModeWanted)
        : MainModeInitiator.start(this, policy, quickModeWanted);
  }

  /**
   * Phase 1 we initiated is up: the Quick Mode that was waiting for it, or for an Easy VPN remote first the
   * server's XAUTH and then Mode Config ({@link XauthClient}, {@link ModeConfigClient}), which start it.
   */
  void afterPhase1(IsakmpSa sa) {
    if (sa.clientState != null) {
      return;
    }
    if (sa.quickModeWanted && sa.state == IsakmpSa.Phase1State.ESTABLISHED) {
      sa.quickModeWanted = false;
      QuickModeExchange.start(this, sa, 0);
    }
  }

  // ---------------------------------------------------------------------------------- commands

  /**
   * Negotiate a Child SA for this policy: Quick Mode on an established ISAKMP SA with the peer, else
   * phase 1 first. Returns false when a negotiation with the peer is already running.
   */
  public boolean initiate(Ikev1Policy policy) {
    IsakmpSa existing = table.findByPeer(policy.peerAddress());
    if (existing != null && existing.readyForQuickMode()) {
      QuickModeExchange.start(this, existing, 0);
      return true;
    }
    if (existing != null) {
      existing.quickModeWanted = true;
      return false;
    }
    startPhase1(policy, true);
    return true;
  }

  /**
   * A tunnel interface's keeper ({@code TunnelKeeper}): negotiates the tunnel's IPsec SA only when it has none — no
   * Child SA of the tunnel's entry on the ISAKMP SA with the peer nor one kept past its ISAKMP SA (RFC 2409 §5.5),
   * and nothing in flight (a phase 1 in negotiation, a Quick Mode running). Main Mode without an ISAKMP SA, Quick
   * Mode over an established one. Returns whether a negotiation was started.
   */
  public boolean keepUp(Ikev1Policy policy) {
    java.util.function.Predicate<ChildSa> tunnels = c -> c.cryptoMap().equals(policy.cryptoMap())
        && c.mapSequence() == policy.mapSequence();
    if (table.orphans.getOrDefault(policy.peerAddress(), List.of()).stream().anyMatch(tunnels)) {
      return false;
    }
    IsakmpSa sa = table.findByPeer(policy.peerAddress());
    if (sa == null) {
      startPhase1(policy, true);
      return true;
    }
    if (!sa.readyForQuickMode() || !sa.quickModes.isEmpty() || sa.children.stream().anyMatch(tunnels)) {
      return false;
    }
    QuickModeExchange.start(this, sa, 0);
    return true;
  }

  /**
   * RFC 3706 R-U-THERE with the next sequence number; {@code outcome} gets true on the matching ACK.
   * Never to a peer that did not send the DPD vendor ID (§5.1: both peers MUST have sent it before DPD
   * exchanges begin): that probe fails at once, without a message.
   */
  public void probe(String ikeSaId, long timeoutMillis, Consumer<Boolean> outcome) {
    IsakmpSa sa = table.findById(ikeSaId);
    if (sa == null || !sa.established()) {
      outcome.accept(false);
      return;
    }
    if (!sa.peerDpd) {
      LOG.info(() -> "ISAKMP: peer " + sa.peerAddress + " did not announce DPD (RFC 3706 §5.1), no R-U-THERE sent");
      outcome.accept(false);
      return;
    }
    InformationalExchange.sendProbe(this, sa, timeoutMillis, outcome);
  }

  /**
   * The forwarder's soft lifetime: a new Quick Mode; the old Child SA is deleted when the new one is up.
   * An orphaned Child SA (no ISAKMP SA) gets a new phase 1 + Quick Mode and ends at its hard lifetime.
   */
  public boolean rekeyChild(long inboundSpi) {
    IsakmpSa sa = table.holding(inboundSpi);
    if (sa != null) {
      if (sa.established()) {
        QuickModeExchange.start(this, sa, inboundSpi);
        return true;
      }
      return false;
    }
    for (List<ChildSa> list : table.orphans.values()) {
      for (ChildSa c : list) {
        Ikev1Policy p = c.inboundSpi() == inboundSpi ? policyForPeer(c.peerAddress()) : null;
        if (p != null) {
          return initiate(p);
        }
      }
    }
    return false;
  }

  /** Delete one Child SA (hard lifetime, idle timer): DELETE to the peer, then the event. */
  public void deleteChild(long inboundSpi, String reason) {
    for (IsakmpSa sa : List.copyOf(table.sas.values())) {
      for (ChildSa c : List.copyOf(sa.children)) {
        if (c.inboundSpi() == inboundSpi) {
          if (sa.established()) {
            InformationalExchange.sendDeleteEsp(this, sa, List.of(c));
          }
          life.removeChild(sa, c, reason);
          takeover.checkpoint(sa);
        }
      }
    }
    for (List<ChildSa> list : table.orphans.values()) {
      for (ChildSa c : List.copyOf(list)) {
        if (c.inboundSpi() == inboundSpi) {
          // no ISAKMP SA to carry a DELETE: the peer's copy ends at its own lifetime
          list.remove(c);
          life.childGone(c, reason);
        }
      }
    }
  }

  /**
   * The forwarder reports a Child SA idle for its {@code idle-time}: delete it, and when it was the last
   * IPsec SA to that peer delete the ISAKMP SA as well (seed, "IPsec Security Association Idle Timers":
   * "If the last IPsec SA to a given peer is deleted due to idle timer expiration, the IKE SA to that peer
   * will also be deleted"). Returns false when the SPI is not one of ours.
   */
  public boolean idleChild(long inboundSpi) {
    String peer = null;
    IsakmpSa holder = table.holding(inboundSpi);
    if (holder != null) {
      peer = holder.peerAddress;
    }
    for (Map.Entry<String, List<ChildSa>> e : table.orphans.entrySet()) {
      for (ChildSa c : e.getValue()) {
        if (c.inboundSpi() == inboundSpi) {
          peer = e.getKey();
        }
      }
    }
    if (peer == null) {
      return false;
    }
    deleteChild(inboundSpi, "idle");
    String p = peer;
    boolean last = table.sas.values().stream().noneMatch(sa -> sa.peerAddress.equals(p) && !sa.children.isEmpty())
        && table.orphans.getOrDefault(p, List.of()).isEmpty();
    if (last) {
      clear(p, "idle");
    }
    return true;
  }

  /**
   * {@code clear crypto session [remote X]} and DPD's verdict: delete ISAKMP and Child SAs with DELETEs.
   * Returns how many ISAKMP SAs and Child SAs went, as {@code show}/{@code clear} report them.
   */
  public int[] clear(String peerAddress, String reason) {
    int isakmp = 0;
    int child = 0;
    for (IsakmpSa sa : List.copyOf(table.sas.values())) {
      if (peerAddress == null || sa.peerAddress.equals(peerAddress)) {
        isakmp++;
        child += sa.children.size();
        life.deleteSa(sa, reason, true);
      }
    }
    return new int[] {isakmp, child + life.dropOrphans(peerAddress, reason)};
  }

  /** Only the ISAKMP SAs (and orphaned Child SAs) between the endpoints {@code which} names. */
  public int[] clearBetween(ClearSession which, String reason) {
    int isakmp = 0;
    int child = 0;
    for (IsakmpSa sa : List.copyOf(table.sas.values())) {
      if (which.matches(sa.localAddress, sa.localPort, sa.peerAddress, sa.peerPort)) {
        isakmp++;
        child += sa.children.size();
        life.deleteSa(sa, reason, true);
      }
    }
    for (String peer : List.copyOf(table.orphans.keySet())) {
      List<ChildSa> list = table.orphans.get(peer);
      List<ChildSa> gone = list.stream()
          .filter(c -> which.matches(c.localAddress(), c.localPort(), c.peerAddress(), c.peerPort())).toList();
      list.removeAll(gone);
      if (list.isEmpty()) {
        table.orphans.remove(peer);
      }
      gone.forEach(c -> life.childGone(c, reason));
      child += gone.size();
    }
    return new int[] {isakmp, child};
  }

  /**
   * {@code crypto isakmp invalid-spi-recovery}: ESP arrived with an SPI we do not know. Tell the peer
   * with a protected INVALID-SPI notify (RFC 2408 §3.14.1) over an ISAKMP SA, building one first when
   * there is none (that is the "recovery": the peer learns its SA is stale). Returns false when the
   * peer is not an IKEv1 peer of ours.
   */
  public boolean invalidSpi(String peerAddress, long spi) {
    return invalidSpi(peerAddress, spi, true);
  }

  /**
   * INVALID-SPI over an established ISAKMP SA always (IOS's default); a new ISAKMP SA for it only with
   * {@code crypto isakmp invalid-spi-recovery} ({@code recovery}).
   */
  public boolean invalidSpi(String peerAddress, long spi, boolean recovery) {
    IsakmpSa sa = table.findByPeer(peerAddress);
    if (sa != null && sa.established()) {
      InformationalExchange.send(this, sa, List.of(new Notification(IsakmpConstants.DOI_IPSEC,
          IsakmpConstants.PROTO_IPSEC_ESP, IsakmpConstants.N_INVALID_SPI, IsakmpCodec.uint32(spi), new byte[0])));
      return true;
    }
    Ikev1Policy p = policyForPeer(peerAddress);
    if (p == null || !recovery) {
      return false;
    }
    if (sa == null) {
      startPhase1(p, false).pendingInvalidSpi = spi;
    }
    return true;
  }

  /**
   * {@code fwd.nat-mapping}: the forwarder followed a new port of the peer seen only in authenticated ESP
   * of the Child SA {@code inboundSpi}; the ISAKMP SA and its UDP-encapsulated Child SAs move there as they
   * would for an authenticated ISAKMP message ({@link IsakmpSaLifecycle#authenticatedFrom}). IKEv1's NAT-D
   * result does not say which side is behind the NAT, so this follows as the ISAKMP path does. False when
   * the SPI is not an IKEv1 Child SA.
   */
  public boolean natMappingSeenInEsp(long inboundSpi, String peerAddress, int peerPort) {
    IsakmpSa sa = table.holding(inboundSpi);
    if (sa == null) {
      return false;
    }
    ChildSa c = sa.children.stream().filter(x -> x.inboundSpi() == inboundSpi).findFirst().orElseThrow();
    if (sa.natDetected && c.udpEncapsulation() && peerPort > 0 && peerAddress.equals(sa.peerAddress)
        && sa.state == IsakmpSa.Phase1State.ESTABLISHED && (sa.peerPort != peerPort || c.peerPort() != peerPort)) {
      LOG.info(() -> "ISAKMP: peer " + sa.peerAddress + " moved from port " + sa.peerPort + " to " + peerPort
          + " (seen in ESP)");
      sa.peerPort = peerPort;
      life.moveChildren(sa);
    }
    return true;
  }

  /** The ISAKMP SA id ({@code cookieI:cookieR}) of an SA with this peer, or null. */
  public String ikeSaIdFor(String peerAddress) {
    IsakmpSa sa = table.findByPeer(peerAddress);
    return sa == null ? null : sa.id();
  }

  IsakmpSa findById(String id) {
    return table.findById(id);
  }

  public int activeSaCount() {
    return table.size();
  }
}
