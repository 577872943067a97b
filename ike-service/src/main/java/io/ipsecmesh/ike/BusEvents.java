package io.ipsecmesh.ike;

import io.ipsecmesh.ike.seam.IkeEventSink;
import io.ipsecmesh.proto.bus.DpdMessages;
import io.ipsecmesh.proto.bus.IkeMessages;
import io.ipsecmesh.proto.bus.RecordJson;
import io.ipsecmesh.proto.bus.SaMessages;
import io.ipsecmesh.proto.sa.IkeSaSummary;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.SharedMaps;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentMap;

/**
 * Events of both IKE versions ({@link IkeEventSink}) → event bus and the shared maps: Child SAs into {@code ipsec.child-sa} (wrapped keys
 * only) plus {@code sa.child.installed/deleted}; IKE SA rows into {@code ipsec.ike-sa}; peer up/down
 * and liveness proofs. Map writes leave the event loop (a Hazelcast put may block), grouped per map by
 * {@link SharedMapWriter}.
 */
final class BusEvents implements IkeEventSink {

  private static final System.Logger LOG = System.getLogger("io.ipsecmesh.ike");
  /**
   * The same logger, through JUL itself for the lines written per IKE SA: a record that names its source needs no
   * stack walk ({@code LogRecord.inferCaller}), which the default format otherwise does for every tunnel up or down.
   */
  private static final java.util.logging.Logger SESSION_LOG = java.util.logging.Logger.getLogger("io.ipsecmesh.ike");

  private final Vertx vertx;
  private final ConcurrentMap<String, String> childSas;
  private final ConcurrentMap<String, String> ikeSas;
  private final SharedMapWriter childSaWrites;
  private final SharedMapWriter ikeSaWrites;
  /** conn-id → the map key last written: an initiator's IKE SA id changes once SPIr is known. */
  private final Map<Integer, String> ikeKeys = new HashMap<>();
  private final IkeMetrics metrics;
  /** {@code sa.child.accepted.<random>}: unique per instance, so a confirmation never reaches another one. */
  private final String acceptedAddress = SaMessages.CHILD_ACCEPTED_PREFIX + java.util.UUID.randomUUID();

  BusEvents(Vertx vertx, ConcurrentMap<String, String> childSas, ConcurrentMap<String, String> ikeSas,
      IkeMetrics metrics) {
    this.vertx = vertx;
    this.metrics = metrics;
    this.childSas = childSas;
    this.ikeSas = ikeSas;
    this.childSaWrites = new SharedMapWriter(vertx, childSas);
    this.ikeSaWrites = new SharedMapWriter(vertx, ikeSas);
  }

  /**
   * The Easy VPN remotes' state: {@code sa.ezvpn.status} at once (the forwarder's routes and translation), the map
   * {@code ipsec.ezvpn} for {@code show crypto ipsec client ezvpn} and late joiners. A removed remote's entry goes;
   * the forwarder learns that from the configuration, which no longer has it.
   */
  io.ipsecmesh.ike.v1.Ikev1Service.EasyVpnSink easyVpnSink() {
    ConcurrentMap<String, String> map = io.ipsecmesh.proto.runtime.Cluster.map(vertx, SharedMaps.EZVPN);
    return new io.ipsecmesh.ike.v1.Ikev1Service.EasyVpnSink() {
      @Override
      public void changed(io.ipsecmesh.proto.sa.EzvpnStatus status) {
        vertx.eventBus().publish(io.ipsecmesh.proto.bus.EzvpnMessages.STATUS, status);
        String json = RecordJson.toJson(status).encode();
        vertx.executeBlocking(() -> map.put(status.name(), json), true);
      }

      @Override
      public void removed(String name) {
        vertx.executeBlocking(() -> map.remove(name), true);
      }
    };
  }

  /** Where the forwarders confirm what {@link #childSaInstalled} installed: this instance's own. */
  String acceptedAddress() {
    return acceptedAddress;
  }

  @Override
  public void childSaInstalled(ChildSa sa) {
    metrics.childSas.inc();
    // the bus first: the forwarder learns the SA from it, the shared map is for late joiners and show and may follow
    vertx.eventBus().publish(SaMessages.CHILD_INSTALLED, new SaMessages.ChildSaInstalled(sa, acceptedAddress));
    childSaWrites.putQuietly(sa.key(), sa);
  }

  @Override
  public void childSaDeleted(SaMessages.ChildSaDeleted deleted) {
    metrics.childSas.dec();
    String key = SharedMaps.spiKey(deleted.inboundSpi());
    childSaWrites.remove(key).onComplete(r -> vertx.eventBus().publish(SaMessages.CHILD_DELETED, deleted));
  }

  /**
   * The SA's peer moved (a NAT remapped its port): the map entry and a fresh {@code sa.child.installed}
   * carry the new endpoint. The forwarder repoints the installed SA in place (keys, sequence numbers and
   * replay window stay); nat-keepalive, which learns SAs from the bus only, moves its keepalives to the new
   * mapping instead of keeping the stale one open.
   */
  @Override
  public void childSaRebound(ChildSa sa) {
    childSaWrites.put(sa.key(), sa)
        .onComplete(r -> vertx.eventBus().publish(SaMessages.CHILD_INSTALLED, new SaMessages.ChildSaInstalled(sa)));
  }

  @Override
  public void ikeSaUp(IkeSaSummary s, String cryptoMap, int mapSequence) {
    IkeMessages.PeerUp up = new IkeMessages.PeerUp(s.ikeSaId(), s.dst(), s.peerPort(), s.peerId(), s.version(),
        cryptoMap, mapSequence);
    metrics.ikeSas.inc();
    sessionStatus("ikeSaUp", "%CRYPTO-5-SESSION_STATUS: Crypto tunnel is UP. Peer " + up.peerAddress() + ":"
        + up.peerPort() + " Id: " + up.peerId());
    vertx.eventBus().publish(IkeMessages.PEER_UP, up);
  }

  @Override
  public void ikeSaDown(IkeSaSummary s, String reason) {
    if (!reason.startsWith("negotiation-failed")) {
      metrics.ikeSas.dec();
    }
    if (!reason.startsWith("negotiation-failed") && !reason.equals("rekeyed")) {
      sessionStatus("ikeSaDown", "%CRYPTO-5-SESSION_STATUS: Crypto tunnel is DOWN. Peer " + s.dst() + ":"
          + s.peerPort() + " Id: " + s.peerId() + " (" + reason + ")");
    }
    vertx.eventBus().publish(IkeMessages.PEER_DOWN, new IkeMessages.PeerDown(s.ikeSaId(), s.dst(), s.peerPort(),
        s.peerId(), reason));
    String key = ikeKeys.remove(s.connId());
    ikeSaWrites.removeQuietly(s.ikeSaId());
    if (key != null) {
      ikeSaWrites.removeQuietly(key);
    }
  }

  private static void sessionStatus(String method, String text) {
    SESSION_LOG.logp(java.util.logging.Level.INFO, BusEvents.class.getName(), method, text);
  }

  @Override
  public void summaryChanged(IkeSaSummary s) {
    String previous = ikeKeys.put(s.connId(), s.ikeSaId());
    if (previous != null && !previous.equals(s.ikeSaId())) {
      ikeSaWrites.removeQuietly(previous);
    }
    ikeSaWrites.putQuietly(s.ikeSaId(), s);
  }

  /**
   * dpd-service declared dead an IKE SA this engine does not hold: one negotiated before this ike-service
   * (re)started, since an engine keeps its IKE SAs in its own process. What the cluster still holds of it
   * goes as the engine's teardown would have removed it (DpdMessages.PeerDead: "deletes the IKE SA and its
   * Child SAs"): its Child SAs leave {@code ipsec.child-sa} and the forwarder ({@code sa.child.deleted},
   * reason dpd), its row leaves {@code ipsec.ike-sa}, and {@code ike.peer.down} is published. Without this
   * the forwarder kept the dead peer's SAs installed until their lifetime ended. A record that fails its
   * MAC is left alone (it is acted on nowhere).
   */
  void orphanDead(DpdMessages.PeerDead dead) {
    vertx.executeBlocking(() -> {
      List<SaMessages.ChildSaDeleted> gone = new ArrayList<>();
      for (Map.Entry<String, String> e : childSas.entrySet()) {
        ChildSa sa;
        try {
          sa = RecordJson.fromJson(new JsonObject(e.getValue()), ChildSa.class);
        } catch (RuntimeException bad) {
          continue;
        }
        if (dead.ikeSaId().equals(sa.ikeSaId()) && childSas.remove(e.getKey(), e.getValue())) {
          gone.add(new SaMessages.ChildSaDeleted(sa.inboundSpi(), sa.outboundSpi(), sa.peerAddress(), "dpd"));
        }
      }
      boolean row = ikeSas.remove(dead.ikeSaId()) != null;
      return row || !gone.isEmpty() ? gone : null;
    }, true).onSuccess(gone -> {
      if (gone == null) {
        return;
      }
      gone.forEach(d -> vertx.eventBus().publish(SaMessages.CHILD_DELETED, d));
      LOG.log(System.Logger.Level.INFO, "%CRYPTO-5-SESSION_STATUS: Crypto tunnel is DOWN. Peer " + dead.peerAddress()
          + ":" + dead.peerPort() + " Id: " + dead.peerId() + " (dpd; IKE SA from before this ike-service started, "
          + gone.size() + " Child SA(s) deleted)");
      vertx.eventBus().publish(IkeMessages.PEER_DOWN, new IkeMessages.PeerDown(dead.ikeSaId(), dead.peerAddress(),
          dead.peerPort(), dead.peerId(), "dpd"));
    });
  }

  @Override
  public void childSaFailed(String peerAddress, String reason) {
    LOG.log(System.Logger.Level.INFO, "ike-service: Child SA negotiation with " + peerAddress + " failed: " + reason);
  }

  @Override
  public void livenessProof(String ikeSaId, String peerAddress) {
    vertx.eventBus().publish(IkeMessages.LIVENESS_PROOF, new IkeMessages.LivenessProof(ikeSaId, peerAddress));
  }
}
