package io.ipsecmesh.ike.engine;

import io.ipsecmesh.ike.crypto.DhGroup;
import io.ipsecmesh.ike.crypto.EncrAlgorithm;
import io.ipsecmesh.ike.crypto.IkeSaKeys;
import io.ipsecmesh.ike.crypto.IkeSuite;
import io.ipsecmesh.ike.crypto.IntegAlgorithm;
import io.ipsecmesh.ike.crypto.PrfAlgorithm;
import io.ipsecmesh.ike.policy.PeerPolicy;
import io.ipsecmesh.proto.bus.RecordJson;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.IkeCheckpoint;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An established IKE SA to its {@link IkeCheckpoint} and back: what strongSwan's HA plugin syncs after each
 * exchange ({@code ha_ike.c}), here written by the owner and read by the instance that takes the SA over. The
 * mapping only; where checkpoints are kept is the {@link CheckpointSink}'s business, and when they are taken
 * the {@link TaskManager}'s (after every completed exchange).
 */
final class IkeSaCheckpoints {

  private IkeSaCheckpoints() {}

  /** The state of an established IKE SA now. The record holds a copy of the keys: the sink zeroes it. */
  static IkeCheckpoint capture(IkeSa sa, String owner) {
    IkeSuite suite = sa.suite;
    Windows w = sa.tasks.windows();
    List<String> children = new ArrayList<>(sa.children.size());
    for (ChildSaState c : sa.children) {
      children.add(c.json()); // MAC'd, its keys sealed: as in ipsec.child-sa (made once per Child SA)
    }
    return new IkeCheckpoint(sa.initiator, sa.spiI, sa.spiR, sa.connId, sa.createdEpochMillis, sa.rekeyAtEpochMillis,
        sa.policy.cryptoMap(), sa.policy.mapSequence(), sa.localAddress, sa.localPort, sa.peerAddress, sa.peerPort,
        sa.natDetected, sa.localBehindNat, sa.peerId, suite.encr().transformId, suite.keyBits(),
        suite.prf().transformId, suite.integ() == null ? 0 : suite.integ().transformId, suite.dh().groupId,
        sa.keys.keymat(), sa.outbound.ivCounter(), w.nextRequestId(), w.expectedRequestId(), w.lastResponseId(),
        w.lastRequestDigest(), w.lastResponse(), children, owner, sa.checkpointGeneration);
  }

  /**
   * The IKE SA a checkpoint describes, established, with its task manager's windows and reply cache, its Child
   * SAs (already installed in the forwarder: nothing is announced again) and its lifetime rekey re-armed at the
   * recorded absolute time. Our SK cipher continues {@link IkeCheckpoint#IV_COUNTER_JUMP} past the recorded IV
   * counter. Not yet in the table.
   *
   * @throws IllegalArgumentException when the checkpoint names an algorithm, key length or Child SA this build
   *     cannot use (the message names what, never a key)
   */
  static IkeSa restore(SaServices s, IkeCheckpoint c, PeerPolicy policy) {
    EncrAlgorithm encr = EncrAlgorithm.byTransformId(c.encr());
    PrfAlgorithm prf = PrfAlgorithm.byTransformId(c.prf());
    IntegAlgorithm integ = c.integ() == 0 ? null : IntegAlgorithm.byTransformId(c.integ());
    DhGroup dh = DhGroup.byId(c.dhGroup());
    if (encr == null || prf == null || dh == null || (c.integ() != 0 && integ == null)) {
      throw new IllegalArgumentException("checkpoint names an unknown transform");
    }
    if (c.outboundIvCounter() > Long.MAX_VALUE - IkeCheckpoint.IV_COUNTER_JUMP) {
      throw new IllegalArgumentException("IV counter exhausted");
    }
    IkeSuite suite = new IkeSuite(encr, c.keyBits(), prf, integ, dh);
    List<ChildSaState> children = new ArrayList<>();
    for (String json : c.childSas()) {
      ChildSa child = RecordJson.fromJson(new JsonObject(json), ChildSa.class); // refuses a record failing its MAC
      if (!c.ikeSaId().equals(child.ikeSaId())) {
        throw new IllegalArgumentException("checkpoint lists a Child SA of another IKE SA");
      }
      children.add(new ChildSaState(child, json));
    }
    IkeSa sa = s.newSa(c.initiator(), c.spiI(), policy, c.connId(), c.localAddress(), c.localPort(), c.peerAddress(),
        c.peerPort(), c.createdEpochMillis());
    sa.spiR = c.spiR();
    sa.suite = suite;
    sa.keys = IkeSaKeys.fromKeymat(suite, c.keymat());
    sa.outbound = sa.initiator ? sa.keys.initiatorCipher() : sa.keys.responderCipher();
    sa.inbound = sa.initiator ? sa.keys.responderCipher() : sa.keys.initiatorCipher();
    sa.outbound.continueIvsAt(c.outboundIvCounter() + IkeCheckpoint.IV_COUNTER_JUMP);
    sa.natDetected = c.natDetected();
    sa.localBehindNat = c.localBehindNat();
    sa.peerId = c.peerId();
    sa.rekeyAtEpochMillis = c.rekeyAtEpochMillis();
    sa.checkpointGeneration = c.generation();
    sa.state = IkeSa.State.ESTABLISHED;
    sa.tasks.restore(new Windows(c.nextRequestId(), c.expectedRequestId(), c.lastResponseId(),
        c.lastRequestDigest(), c.lastResponse()));
    sa.children.addAll(children);
    Arrays.fill(c.keymat(), (byte) 0);
    return sa;
  }
}
