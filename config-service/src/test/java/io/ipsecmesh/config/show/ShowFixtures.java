package io.ipsecmesh.config.show;

import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.sa.SaCounters;
import io.ipsecmesh.proto.sa.TrafficSelector;
import java.util.List;

/** SA records as ike-service and the forwarder write them, with the numbers of the seed example. */
final class ShowFixtures {

  static final long CREATED = 1_700_000_000_000L;

  private ShowFixtures() {}

  static ChildSa childSa(long inboundSpi, long outboundSpi, int connId, long created) {
    return new ChildSa("0011223344556677:8899aabbccddeeff", connId, "testtag1", 10, inboundSpi, outboundSpi,
        EspTransform.AES_GCM_256, ChildSa.Mode.TUNNEL, false, false, 64, "10.1.1.1", 500, "10.2.2.2", 500,
        List.of(TrafficSelector.anyPorts("10.0.0.1", "10.0.0.1")),
        List.of(TrafficSelector.anyPorts("10.0.2.2", "10.0.2.2")),
        new ChildSa.Lifetime(3240, 3600, 4_147_200, 4_608_000), 0, "copy", new byte[0], new byte[0], created);
  }

  static SaCounters counters(ChildSa sa, long packets, long remainingKb, long remainingSec, long updated) {
    return new SaCounters("fwd-1", sa.connectionId(), sa.cryptoMap(), sa.mapSequence(), sa.localAddress(),
        sa.peerAddress(), sa.peerPort(), sa.transform().iosName, sa.inboundSpi(), sa.outboundSpi(),
        packets, packets, packets, packets, packets, packets, packets * 1400, packets * 1400,
        0, 2, 1, 1, 0, remainingKb, remainingSec, updated);
  }
}
