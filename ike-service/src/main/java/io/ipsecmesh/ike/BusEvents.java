package io.ipsecmesh.ike;

import io.ipsecmesh.ike.engine.IkeEvents;
import io.ipsecmesh.proto.bus.IkeMessages;
import io.ipsecmesh.proto.bus.RecordJson;
import io.ipsecmesh.proto.bus.SaMessages;
import io.ipsecmesh.proto.ikev2.IkeSaSummary;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.SharedMaps;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentMap;

/**
 * Engine events → event bus and the shared maps: Child SAs into {@code ipsec.child-sa} (wrapped keys
 * only) plus {@code sa.child.installed/deleted}; IKE SA rows into {@code ipsec.ike-sa}; peer up/down
 * and liveness proofs. Map writes leave the event loop (a Hazelcast put may block).
 */
final class BusEvents implements IkeEvents {

  private static final System.Logger LOG = System.getLogger("io.ipsecmesh.ike");

  private final Vertx vertx;
  private final ConcurrentMap<String, String> childSas;
  private final ConcurrentMap<String, String> ikeSas;
  /** conn-id → the map key last written: an initiator's IKE SA id changes once SPIr is known. */
  private final Map<Integer, String> ikeKeys = new HashMap<>();
  private final IkeMetrics metrics;

  BusEvents(Vertx vertx, ConcurrentMap<String, String> childSas, ConcurrentMap<String, String> ikeSas,
      IkeMetrics metrics) {
    this.vertx = vertx;
    this.metrics = metrics;
    this.childSas = childSas;
    this.ikeSas = ikeSas;
  }

  @Override
  public void childSaInstalled(ChildSa sa) {
    metrics.childSas.inc();
    // the bus first: the forwarder must hold the SA before our CREATE_CHILD_SA response (sent right after
    // this) lets the peer use it; the shared map is for late joiners and show, and may follow
    vertx.eventBus().publish(SaMessages.CHILD_INSTALLED, new SaMessages.ChildSaInstalled(sa));
    String json = RecordJson.toJson(sa).encode();
    vertx.executeBlocking(() -> childSas.put(sa.key(), json), true);
  }

  @Override
  public void childSaDeleted(SaMessages.ChildSaDeleted deleted) {
    metrics.childSas.dec();
    String key = SharedMaps.spiKey(deleted.inboundSpi());
    vertx.executeBlocking(() -> childSas.remove(key), true)
        .onComplete(r -> vertx.eventBus().publish(SaMessages.CHILD_DELETED, deleted));
  }

  /**
   * The SA's peer moved (a NAT remapped its port): the map entry and a fresh {@code sa.child.installed}
   * carry the new endpoint. The forwarder repoints the installed SA in place (keys, sequence numbers and
   * replay window stay); nat-keepalive, which learns SAs from the bus only, moves its keepalives to the new
   * mapping instead of keeping the stale one open.
   */
  @Override
  public void childSaRebound(ChildSa sa) {
    String json = RecordJson.toJson(sa).encode();
    vertx.executeBlocking(() -> childSas.put(sa.key(), json), true)
        .onComplete(r -> vertx.eventBus().publish(SaMessages.CHILD_INSTALLED, new SaMessages.ChildSaInstalled(sa)));
  }

  @Override
  public void ikeSaUp(IkeSaSummary s, String cryptoMap, int mapSequence) {
    peerUp(new IkeMessages.PeerUp(s.ikeSaId(), s.dst(), s.peerPort(), s.peerId(), 2, cryptoMap, mapSequence));
  }

  /** An IKE SA of either version is established: {@code ike.peer.up} and the IOS session line. */
  void peerUp(IkeMessages.PeerUp up) {
    metrics.ikeSas.inc();
    LOG.log(System.Logger.Level.INFO, "%CRYPTO-5-SESSION_STATUS: Crypto tunnel is UP. Peer " + up.peerAddress() + ":"
        + up.peerPort() + " Id: " + up.peerId());
    vertx.eventBus().publish(IkeMessages.PEER_UP, up);
  }

  @Override
  public void ikeSaDown(IkeSaSummary s, String reason) {
    if (!reason.startsWith("negotiation-failed")) {
      metrics.ikeSas.dec();
    }
    if (!reason.startsWith("negotiation-failed") && !reason.equals("rekeyed")) {
      LOG.log(System.Logger.Level.INFO, "%CRYPTO-5-SESSION_STATUS: Crypto tunnel is DOWN. Peer " + s.dst() + ":"
          + s.peerPort() + " Id: " + s.peerId() + " (" + reason + ")");
    }
    vertx.eventBus().publish(IkeMessages.PEER_DOWN, new IkeMessages.PeerDown(s.ikeSaId(), s.dst(), s.peerPort(),
        s.peerId(), reason));
    String key = ikeKeys.remove(s.connId());
    vertx.executeBlocking(() -> {
      ikeSas.remove(s.ikeSaId());
      if (key != null) {
        ikeSas.remove(key);
      }
      return null;
    }, true);
  }

  @Override
  public void summaryChanged(IkeSaSummary s) {
    String previous = ikeKeys.put(s.connId(), s.ikeSaId());
    String json = RecordJson.toJson(s).encode();
    vertx.executeBlocking(() -> {
      if (previous != null && !previous.equals(s.ikeSaId())) {
        ikeSas.remove(previous);
      }
      return ikeSas.put(s.ikeSaId(), json);
    }, true);
  }

  @Override
  public void livenessProof(String ikeSaId, String peerAddress) {
    vertx.eventBus().publish(IkeMessages.LIVENESS_PROOF, new IkeMessages.LivenessProof(ikeSaId, peerAddress));
  }
}
