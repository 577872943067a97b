package io.ipsecmesh.config.show;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.sa.IkeSaSummary;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShowCryptoSessionTest {

  @Test
  void upActivePeerWithItsIkeSaAndFlow() {
    String out = ShowCryptoSession.render(GatewayConfig.empty(),
        List.of(new IkeSaSummary("a", "10.2.2.2", "10.1.1.1", "READY", 1, "ACTIVE", "10.2.2.2", 2, 500, 500,
            "initiator", 0)),
        List.of(ShowFixtures.childSa(0x1000L, 0x2000L, 7, ShowFixtures.CREATED)));
    assertEquals("""
        Crypto session current status

        Interface: (none)
        Session status: UP-ACTIVE
        Peer: 10.2.2.2 port 500
          IKEv2 SA: local 10.1.1.1/500 remote 10.2.2.2/500 Active
          IPSEC FLOW: permit ip host 10.0.0.1 host 10.0.2.2
                Active SAs: 2, origin: crypto map

        """, out);
  }

  @Test
  void negotiatingAndIdleStatuses() {
    String out = ShowCryptoSession.render(GatewayConfig.empty(),
        List.of(new IkeSaSummary("a", "10.3.3.3", "10.1.1.1", "IN-NEG", 1, "ACTIVE", "", 2, 500, 4500, "initiator", 0),
            new IkeSaSummary("b", "10.4.4.4", "10.1.1.1", "READY", 2, "ACTIVE", "", 2, 500, 500, "responder", 0)),
        List.of());
    assertEquals("""
        Crypto session current status

        Interface: (none)
        Session status: DOWN-NEGOTIATING
        Peer: 10.3.3.3 port 4500
          IKEv2 SA: local 10.1.1.1/500 remote 10.3.3.3/4500 Inactive

        Interface: (none)
        Session status: UP-IDLE
        Peer: 10.4.4.4 port 500
          IKEv2 SA: local 10.1.1.1/500 remote 10.4.4.4/500 Active

        """, out);
  }
}
