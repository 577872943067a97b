package io.ipsecmesh.ike.v1;

import io.ipsecmesh.proto.sa.ChildSa;
import java.util.Arrays;
import java.util.List;

/**
 * The {@link ChildSa} record of a finished Quick Mode: KEYMAT per direction (RFC 2409 §5.5, the
 * inbound SA keyed by our SPI, the outbound by the peer's), wrapped at once and zeroed in clear.
 */
final class ChildSas {

  private ChildSas() {}

  /** The same Child SA under another ISAKMP SA. */
  static ChildSa rebind(ChildSa c, String ikeSaId) {
    return new ChildSa(ikeSaId, c.connectionId(), c.cryptoMap(), c.mapSequence(), c.inboundSpi(), c.outboundSpi(),
        c.transform(), c.mode(), c.udpEncapsulation(), c.esn(), c.replayWindow(), c.localAddress(), c.localPort(),
        c.peerAddress(), c.peerPort(), c.localSelectors(), c.remoteSelectors(), c.lifetime(), c.idleTimeSeconds(),
        c.dfBit(), c.wrappedInboundKeys(), c.wrappedOutboundKeys(), c.createdEpochMillis());
  }

  /** The same Child SA, its peer now behind another NAT port. */
  static ChildSa withPeerPort(ChildSa c, int peerPort) {
    return new ChildSa(c.ikeSaId(), c.connectionId(), c.cryptoMap(), c.mapSequence(), c.inboundSpi(),
        c.outboundSpi(), c.transform(), c.mode(), c.udpEncapsulation(), c.esn(), c.replayWindow(), c.localAddress(),
        c.localPort(), c.peerAddress(), peerPort, c.localSelectors(), c.remoteSelectors(), c.lifetime(),
        c.idleTimeSeconds(), c.dfBit(), c.wrappedInboundKeys(), c.wrappedOutboundKeys(), c.createdEpochMillis());
  }

  static ChildSa build(Ikev1Engine e, IsakmpSa sa, IsakmpSa.QuickMode qm) {
    var t = qm.choice.transform();
    Ikev1Hash hash = sa.suite.hash();
    byte[] gqmxy = qm.gqmxy == null ? new byte[0] : qm.gqmxy;
    byte[] in = QuickModeKeymat.keymat(hash, sa.keys.skeyidD(), gqmxy, qm.ourSpi, qm.ni, qm.nr,
        t.keyMaterialBytes());
    byte[] out = QuickModeKeymat.keymat(hash, sa.keys.skeyidD(), gqmxy, qm.peerSpi, qm.ni, qm.nr,
        t.keyMaterialBytes());
    try {
      long hard = Math.min(qm.choice.lifetimeSeconds(), sa.policy.lifetimeSeconds());
      long hardKb = qm.choice.lifetimeKilobytes() > 0
          ? Math.min(qm.choice.lifetimeKilobytes(), sa.policy.lifetimeKilobytes()) : sa.policy.lifetimeKilobytes();
      // soft limits at 90 %: the forwarder reports them and we rekey before the hard limit (as IKEv2 does)
      ChildSa.Lifetime lifetime = new ChildSa.Lifetime(hard * 9 / 10, hard, hardKb * 9 / 10, hardKb);
      boolean encap = sa.natDetected || qm.choice.udpEncap();
      return new ChildSa(sa.id(), sa.connId, sa.policy.cryptoMap(), sa.policy.mapSequence(),
          qm.ourSpi, qm.peerSpi, t, qm.choice.mode(), encap, false, sa.policy.replayWindow(), sa.localAddress,
          encap ? sa.localPort : 0, sa.peerAddress, encap ? sa.peerPort : 0, List.of(qm.local), List.of(qm.remote),
          lifetime, sa.policy.idleTimeSeconds(), sa.policy.dfBit(), e.keyWrap.wrap(in), e.keyWrap.wrap(out),
          System.currentTimeMillis());
    } finally {
      Arrays.fill(in, (byte) 0);
      Arrays.fill(out, (byte) 0);
      Arrays.fill(gqmxy, (byte) 0);
    }
  }
}
