package io.ipsecmesh.ike.v1;

import io.ipsecmesh.ike.seam.IkeEventSink;
import io.ipsecmesh.proto.bus.SaMessages;
import io.ipsecmesh.proto.config.EzvpnClient;
import io.ipsecmesh.proto.ikev1.ModeConfigAttributes.ModeConfig;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EzvpnStatus;
import io.ipsecmesh.proto.sa.IkeSaSummary;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * What {@code show crypto ipsec client ezvpn} shows of each Easy VPN remote, kept from the engine's events: a
 * sink in front of the verticle's ({@link IkeEventSink}, every event passed on unchanged) that turns
 * phase 1, XAUTH, Mode Config and Quick Mode of a remote's ISAKMP SA into its {@link EzvpnStatus} and hands each
 * change to a {@link Ikev1Service.EasyVpnSink} (ike-service: the map {@code ipsec.ezvpn} and {@code sa.ezvpn.status}). States are
 * IOS's (Cisco Easy VPN Remote, "show crypto ipsec client ezvpn"): {@code CONNECT_REQUIRED} for a {@code connect
 * manual} remote that was not told to connect, {@code READY} while negotiating, {@code XAUTH_REQ} while the
 * server asks for the user, {@code IPSEC_ACTIVE} once Mode Config and Quick Mode are done. Single-threaded (the
 * engine's thread).
 */
final class EasyVpnRemotes implements IkeEventSink {

  private final IkeEventSink next;
  private Ikev1Service.EasyVpnSink sink = Ikev1Service.EasyVpnSink.NONE;
  private final LongSupplier clock;
  private final Map<String, EzvpnClient> clients = new LinkedHashMap<>();
  private final Map<String, EzvpnStatus> status = new LinkedHashMap<>();

  EasyVpnRemotes(IkeEventSink next, LongSupplier clock) {
    this.next = next;
    this.clock = clock;
  }

  void sink(Ikev1Service.EasyVpnSink sink) {
    this.sink = sink;
  }

  /** A new configuration: new remotes start idle, removed ones are gone, the others keep their state. */
  void configure(List<EzvpnClient> configured) {
    Map<String, EzvpnClient> byName = new LinkedHashMap<>();
    configured.forEach(c -> byName.put(c.name(), c));
    for (String name : List.copyOf(status.keySet())) {
      if (!byName.containsKey(name)) {
        status.remove(name);
        clients.remove(name);
        sink.removed(name);
      }
    }
    for (EzvpnClient c : configured) {
      clients.put(c.name(), c);
      EzvpnStatus old = status.get(c.name());
      if (old == null || !old.mode().equals(c.mode().keyword())) {
        put(old == null ? EzvpnStatus.idle(c.name(), idleState(c), "CONFIGURED", null, c.mode().keyword(), now())
            : new EzvpnStatus(old.name(), old.state(), old.lastEvent(), old.peer(), old.ikeSaId(), c.mode().keyword(),
                old.address(), old.netmask(), old.dns(), old.defaultDomain(), old.savePassword(), old.banner(),
                old.splitIncludes(), now()));
      }
    }
  }

  /** IOS's state of a remote without an SA: {@code connect manual} waits for the exec command. */
  private static String idleState(EzvpnClient c) {
    return c.connect() == EzvpnClient.Connect.MANUAL ? EzvpnStatus.CONNECT_REQUIRED : "IDLE";
  }

  /** Phase 1 with {@code peer} starts (connect, connect auto, an ACQUIRE or the DPD failover's next peer). */
  void connecting(String name, String peer) {
    EzvpnStatus s = status.get(name);
    if (s != null) {
      put(EzvpnStatus.idle(name, EzvpnStatus.READY, "CONNECT", peer, s.mode(), now()));
    }
  }

  /** The remote's current peer, or null. */
  String currentPeer(String name) {
    EzvpnStatus s = status.get(name);
    return s == null ? null : s.peer();
  }

  EzvpnStatus status(String name) {
    return status.get(name);
  }

  List<EzvpnClient> clients() {
    return List.copyOf(clients.values());
  }

  boolean manual(String name) {
    EzvpnClient c = clients.get(name);
    return c != null && c.connect() == EzvpnClient.Connect.MANUAL;
  }

  boolean known(String name) {
    return clients.containsKey(name);
  }

  @Override
  public void summaryChanged(IkeSaSummary summary) {
    // the remote's row of show crypto isakmp sa in CONF_XAUTH: the server asked for the user (IOS XAUTH_REQ)
    if ("CONF_XAUTH".equals(summary.state())) {
      byPeer(summary.dst(), s -> put(s.withState(EzvpnStatus.XAUTH_REQ, "XAUTH_REQUEST", now())));
    }
    next.summaryChanged(summary);
  }

  @Override
  public void modeConfigReceived(String ikeSaId, String peerAddress, String ezvpnName, ModeConfig mc) {
    EzvpnStatus s = status.get(ezvpnName);
    if (s != null) {
      put(new EzvpnStatus(ezvpnName, EzvpnStatus.READY, "MODE_CONFIG_REPLY", peerAddress, ikeSaId, s.mode(),
          mc.address(), mc.netmask(), mc.dns(), mc.defaultDomain(), mc.savePassword(), mc.banner(),
          mc.splitIncludes().stream().map(n -> n.address() + "/" + n.mask()).toList(), now()));
    }
    next.modeConfigReceived(ikeSaId, peerAddress, ezvpnName, mc);
  }

  @Override
  public void childSaInstalled(ChildSa sa) {
    EzvpnStatus s = status.get(sa.cryptoMap());
    if (s != null && sa.peerAddress().equals(s.peer()) && !s.active()) {
      put(s.withState(EzvpnStatus.IPSEC_ACTIVE, "SOCKET_UP", now()));
    }
    next.childSaInstalled(sa);
  }

  @Override
  public void ikeSaDown(IkeSaSummary summary, String reason) {
    byPeer(summary.dst(), s -> {
      EzvpnClient c = clients.get(s.name());
      put(EzvpnStatus.idle(s.name(), idleState(c), reason != null && reason.startsWith("dpd")
          ? "PEER_DEAD" : "DISCONNECT", s.peer(), s.mode(), now()));
    });
    next.ikeSaDown(summary, reason);
  }

  private void byPeer(String peer, java.util.function.Consumer<EzvpnStatus> action) {
    for (EzvpnStatus s : List.copyOf(status.values())) {
      boolean negotiating = !"IDLE".equals(s.state()) && !EzvpnStatus.CONNECT_REQUIRED.equals(s.state());
      if (peer != null && peer.equals(s.peer()) && negotiating) {
        action.accept(s);
      }
    }
  }

  private void put(EzvpnStatus s) {
    status.put(s.name(), s);
    sink.changed(s);
  }

  private long now() {
    return clock.getAsLong();
  }

  // every other event passes through unchanged

  @Override
  public void childSaDeleted(SaMessages.ChildSaDeleted deleted) {
    next.childSaDeleted(deleted);
  }

  @Override
  public void childSaRebound(ChildSa sa) {
    next.childSaRebound(sa);
  }

  @Override
  public void childSaFailed(String peerAddress, String reason) {
    next.childSaFailed(peerAddress, reason);
  }

  @Override
  public void ikeSaUp(IkeSaSummary summary, String cryptoMap, int mapSequence) {
    next.ikeSaUp(summary, cryptoMap, mapSequence);
  }

  @Override
  public void livenessProof(String ikeSaId, String peerAddress) {
    next.livenessProof(ikeSaId, peerAddress);
  }
}
