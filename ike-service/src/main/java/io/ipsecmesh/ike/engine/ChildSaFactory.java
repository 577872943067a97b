package io.ipsecmesh.ike.engine;

import io.ipsecmesh.ike.crypto.ChildKeymat;
import io.ipsecmesh.ike.exchange.Selectors;
import io.ipsecmesh.ike.policy.PeerPolicy;
import io.ipsecmesh.proto.ikev2.Payload.Selector;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.sa.KeyWrap;
import java.util.List;

/**
 * Builds the {@link ChildSa} record the forwarder runs: keys wrapped under the cluster KEK at once,
 * the clear KEYMAT zeroed before this returns.
 */
final class ChildSaFactory {

  private final KeyWrap keyWrap;

  ChildSaFactory(KeyWrap keyWrap) {
    this.keyWrap = keyWrap;
  }

  /**
   * @param exchangeInitiator whether we initiated the exchange that created this Child SA (IKE_AUTH or
   *                          CREATE_CHILD_SA): KEYMAT and TSi/TSr are oriented by that exchange's
   *                          initiator (RFC 7296 §2.17), not by the IKE SA's original initiator
   * @param tsi the narrowed TSi, {@code tsr} the narrowed TSr
   * @param esn Extended Sequence Numbers were negotiated (RFC 7296 §3.3.2 transform type 5)
   */
  ChildSa build(IkeSa sa, boolean exchangeInitiator, EspTransform transform, boolean esn, ChildSa.Mode mode,
      long inboundSpi,
      long outboundSpi,
      ChildKeymat keymat, List<Selector> tsi, List<Selector> tsr, long nowEpochMillis) {
    try {
      byte[] in = exchangeInitiator ? keymat.responderToInitiator() : keymat.initiatorToResponder();
      byte[] out = exchangeInitiator ? keymat.initiatorToResponder() : keymat.responderToInitiator();
      PeerPolicy p = sa.policy;
      List<Selector> local = exchangeInitiator ? tsi : tsr;
      List<Selector> remote = exchangeInitiator ? tsr : tsi;
      long hard = p.lifetimeSeconds();
      long hardKb = p.lifetimeKilobytes();
      // rekey before the hard limit (RFC 7296 §2.8); 90 % leaves room for a slow peer
      ChildSa.Lifetime lifetime = new ChildSa.Lifetime(hard * 9 / 10, hard, hardKb * 9 / 10, hardKb);
      boolean encap = sa.natDetected;
      return new ChildSa(sa.id(), sa.connId, p.cryptoMap(), p.mapSequence(), inboundSpi,
          outboundSpi, transform, mode, encap, esn, p.replayWindow(), sa.localAddress,
          encap ? sa.localPort : 0, sa.peerAddress, encap ? sa.peerPort : 0, Selectors.fromWire(local),
          Selectors.fromWire(remote), lifetime, p.idleTimeSeconds(), p.dfBit(), keyWrap.wrap(in), keyWrap.wrap(out),
          nowEpochMillis, encap && sa.localBehindNat);
    } finally {
      keymat.destroy();
    }
  }

  /** The same Child SA under the IKE SA {@code ikeSaId}. */
  static ChildSa rebind(ChildSa c, String ikeSaId) {
    return new ChildSa(ikeSaId, c.connectionId(), c.cryptoMap(), c.mapSequence(), c.inboundSpi(), c.outboundSpi(),
        c.transform(), c.mode(), c.udpEncapsulation(), c.esn(), c.replayWindow(), c.localAddress(), c.localPort(),
        c.peerAddress(), c.peerPort(), c.localSelectors(), c.remoteSelectors(), c.lifetime(), c.idleTimeSeconds(),
        c.dfBit(), c.wrappedInboundKeys(), c.wrappedOutboundKeys(), c.createdEpochMillis(), c.localBehindNat());
  }
}
