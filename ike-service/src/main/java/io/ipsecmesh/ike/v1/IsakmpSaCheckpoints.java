package io.ipsecmesh.ike.v1;

import io.ipsecmesh.ike.crypto.DhGroup;
import io.ipsecmesh.proto.bus.RecordJson;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.IsakmpCheckpoint;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * An established ISAKMP SA to its {@link IsakmpCheckpoint} and back (the IKEv1 side of {@code
 * engine.IkeSaCheckpoints}): the mapping only; when checkpoints are taken is {@link Ikev1Takeover}'s business.
 */
final class IsakmpSaCheckpoints {

  private IsakmpSaCheckpoints() {}

  /**
   * The state of {@code sa} now. {@code epochNow} / {@code schedulerNow}: the wall clock and the engine's clock at
   * this instant (the phase-1 end is recorded in wall-clock time, the one clock instances share). The record holds
   * copies of the keys: the sink zeroes them.
   */
  static IsakmpCheckpoint capture(IsakmpSa sa, String owner, long epochNow, long schedulerNow) {
    long endOnSchedulerClock = sa.establishedAtMillis + sa.suite.lifetimeSeconds() * 1000;
    List<String> children = new ArrayList<>(sa.children.size());
    Map<ChildSa, String> cache = new IdentityHashMap<>();
    for (ChildSa c : sa.children) {
      // MAC'd, keys sealed, as in ipsec.child-sa; made once per Child SA record
      String json = sa.childJson.get(c);
      cache.put(c, json != null ? json : RecordJson.toJson(c).encode());
      children.add(cache.get(c));
    }
    sa.childJson.clear();
    sa.childJson.putAll(cache);
    return new IsakmpCheckpoint(sa.initiator, sa.cookieI, sa.cookieR, sa.connId, sa.createdEpochMillis,
        epochNow + (endOnSchedulerClock - schedulerNow), sa.policy.cryptoMap(), sa.policy.mapSequence(),
        sa.localAddress, sa.localPort, sa.peerAddress, sa.peerPort, sa.natDetected, sa.peerNatT, sa.peerDpd,
        sa.aggressive, sa.peerId, sa.suite.aesKeyBits(), sa.suite.tripleDes(), sa.suite.hash().iosName,
        sa.suite.group().groupId, sa.suite.lifetimeSeconds(), sa.keys.keymat(), sa.phase1Iv.clone(), sa.dpdSequence,
        List.copyOf(sa.answered.keySet()), children, owner, sa.checkpointGeneration);
  }

  /**
   * The ISAKMP SA a checkpoint describes, established, with its phase-1 keys and last phase-1 block, the message
   * IDs already used, its Child SAs (already in the forwarder: nothing is announced again) and our DPD sequence
   * {@link IsakmpCheckpoint#DPD_SEQUENCE_JUMP} on. Not yet in the table; its lifetime timer not yet armed.
   *
   * @throws IllegalArgumentException when the checkpoint names a hash, group or Child SA this build cannot use
   *     (the message names what, never a key)
   */
  static IsakmpSa restore(IsakmpCheckpoint c, Ikev1Policy policy) {
    Ikev1Hash hash = Ikev1Hash.byIosName(c.hash());
    DhGroup group = DhGroup.byId(c.dhGroup());
    if (hash == null || group == null || (!c.tripleDes() && c.aesKeyBits() != 128 && c.aesKeyBits() != 192
        && c.aesKeyBits() != 256)) {
      throw new IllegalArgumentException("checkpoint names an unknown phase-1 algorithm");
    }
    Ikev1Suite suite = new Ikev1Suite(c.aesKeyBits(), hash, group, c.lifetimeSeconds(), c.tripleDes());
    int block = c.tripleDes() ? Phase1Keys.TDES_BLOCK : Phase1Keys.BLOCK;
    if (c.phase1Iv().length != block) {
      throw new IllegalArgumentException("checkpoint's last phase-1 block does not fit the cipher");
    }
    String id = c.isakmpSaId();
    List<ChildSa> children = new ArrayList<>();
    for (String json : c.childSas()) {
      ChildSa child = RecordJson.fromJson(new JsonObject(json), ChildSa.class); // refuses a record failing its MAC
      if (!id.equals(child.ikeSaId())) {
        throw new IllegalArgumentException("checkpoint lists a Child SA of another ISAKMP SA");
      }
      children.add(child);
    }
    IsakmpSa sa = new IsakmpSa(c.initiator(), policy, c.cookieI(), c.localAddress(), c.localPort(), c.peerAddress(),
        c.peerPort());
    sa.cookieR = c.cookieR();
    sa.connId = c.connId();
    sa.createdEpochMillis = c.createdEpochMillis();
    sa.suite = suite;
    sa.keys = Phase1Keys.fromKeymat(hash, c.tripleDes(), suite.keyBytes(), c.keymat());
    sa.phase1Iv = c.phase1Iv().clone();
    sa.natDetected = c.natDetected();
    sa.peerNatT = c.peerNatT();
    sa.peerDpd = c.peerDpd();
    sa.aggressive = c.aggressive();
    sa.peerId = c.peerId().isEmpty() ? null : c.peerId();
    sa.dpdSequence = c.adoptedDpdSequence();
    for (long mid : c.usedMessageIds()) {
      sa.answered.put(mid, Boolean.TRUE);
    }
    sa.children.addAll(children);
    sa.checkpointGeneration = c.generation();
    sa.state = IsakmpSa.Phase1State.ESTABLISHED;
    return sa;
  }
}
