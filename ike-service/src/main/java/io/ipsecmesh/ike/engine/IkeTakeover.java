package io.ipsecmesh.ike.engine;

import io.ipsecmesh.ike.policy.PeerPolicy;
import java.util.List;

/**
 * The scale-out side of the IKEv2 engine (several ike-service instances, one owner per IKE SA): where checkpoints
 * go, and how an IKE SA moves between instances — adopted from its checkpoint by the new owner, released without
 * a word by the old one. The peer sees neither: no message is sent, no event raised.
 */
public final class IkeTakeover {

  private final SaServices s;

  IkeTakeover(SaServices s) {
    this.s = s;
  }

  /**
   * Scale-out (several ike-service instances): after every completed exchange the state of each established IKE
   * SA goes to {@code sink}, named as written by {@code instanceId}; as initiator only SPIs {@code ownSpi}
   * accepts are chosen (the SA then belongs to this instance by its SPIi).
   */
  public void setCheckpoints(CheckpointSink sink, String instanceId, java.util.function.LongPredicate ownSpi) {
    s.setCheckpoints(sink, instanceId, ownSpi);
  }

  /**
   * Continues an IKE SA another instance negotiated, from its last checkpoint, with no message to the peer: the
   * peer's next request is answered with the next message ID and the same keys, our own rekey runs at the time
   * the checkpoint says, and the Child SAs stay as the forwarder has them. The policy is the crypto map entry
   * the checkpoint names (else the entry for its peer). The checkpoint's keys are zeroed.
   *
   * @return false when the SA could not be adopted (unknown policy or algorithm, a Child SA record failing its
   *     MAC), which is logged; true when it is held here now (also when it already was)
   */
  public boolean adopt(io.ipsecmesh.proto.sa.IkeCheckpoint c) {
    try {
      if (s.table.byId(c.ikeSaId()) != null) {
        return true;
      }
      PeerPolicy policy = s.policies.forMapEntry(c.cryptoMap(), c.mapSequence())
          .or(() -> s.policies.forPeer(c.peerAddress())).orElse(null);
      if (policy == null) {
        SaServices.LOG.log(System.Logger.Level.WARNING, "IKEv2: cannot adopt IKE SA " + c.ikeSaId() + ": no crypto map entry "
            + c.cryptoMap() + " " + c.mapSequence() + " nor one for peer " + c.peerAddress());
        return false;
      }
      IkeSa sa = IkeSaCheckpoints.restore(s, c, policy);
      s.table.add(sa);
      for (ChildSaState child : sa.children) {
        s.table.childAdded(child.inboundSpi(), sa);
      }
      s.armRekey(sa);
      s.events.summaryChanged(sa.summary("ACTIVE"));
      SaServices.LOG.log(System.Logger.Level.INFO, "IKEv2: adopted IKE SA " + sa.id() + " with " + sa.peerAddress + ":"
          + sa.peerPort + " (" + sa.children.size() + " Child SA(s), written by " + c.owner() + ")");
      return true;
    } catch (RuntimeException e) {
      SaServices.LOG.log(System.Logger.Level.WARNING, "IKEv2: cannot adopt IKE SA " + c.ikeSaId() + ": " + e.getMessage());
      return false;
    } finally {
      c.destroy();
    }
  }

  /**
   * Another instance owns this IKE SA now (membership changed, or a peer's rekey chose an SPI that hashes
   * elsewhere): it is forgotten here without a message, an event or touching its checkpoint, which the new
   * owner adopts. Keys zeroed, timers cancelled.
   */
  public boolean release(String ikeSaId) {
    IkeSa sa = s.table.byId(ikeSaId);
    if (sa == null) {
      return false;
    }
    for (ChildSaState c : sa.children) {
      s.table.releaseChildSpi(c.inboundSpi());
    }
    s.table.remove(sa);
    sa.destroy();
    return true;
  }

  /** The established IKE SAs held here, by id (hex SPIi:SPIr). */
  public List<String> establishedIkeSaIds() {
    return s.table.all().stream().filter(x -> x.state == IkeSa.State.ESTABLISHED && x.rekeyedTo == null)
        .map(IkeSa::id).toList();
  }
}
