package io.ipsecmesh.config.show;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.config.lang.ConfigParser;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.sa.IkeSaSummary;
import io.ipsecmesh.proto.sa.TrafficSelector;
import java.util.ArrayList;
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

  /** Two crypto maps on two interfaces, as a hub with peers on both sides. */
  private static final GatewayConfig TWO_MAPS = ConfigParser.parse("hub.cfg", """
      crypto ipsec transform-set TS esp-gcm 128
      crypto map EAST 10 ipsec-isakmp
       set peer 10.2.2.2
       set transform-set TS
       match address 101
      crypto map WEST 10 ipsec-isakmp
       set peer 10.9.9.9
       set transform-set TS
       match address 102
      interface GigabitEthernet0/0
       ip address 10.1.1.1 255.255.255.0
       crypto map EAST
      interface GigabitEthernet0/1
       ip address 10.8.8.1 255.255.255.0
       crypto map WEST
      access-list 101 permit ip 10.0.0.0 0.0.0.255 10.0.2.0 0.0.0.255
      access-list 102 permit ip 10.0.0.0 0.0.0.255 10.0.9.0 0.0.0.255
      """).config();

  @Test
  void sessionsInTheOrderOfThePeersAddressesEachWithAllItsSasInTheOrderGiven() {
    List<IkeSaSummary> ike = new ArrayList<>(List.of(
        ike("c", "10.9.9.9", "10.8.8.1", "READY"),
        ike("a", "10.2.2.2", "10.1.1.1", "READY"),
        ike("x", "10.5.5.5", "10.1.1.1", "DELETED"), // a deleted IKE SA is no session
        ike("b", "10.2.2.2", "10.1.1.1", "IN-NEG")));
    List<ChildSa> child = List.of(
        child("WEST", "10.8.8.1", "10.9.9.9", "10.0.9.0", "10.0.9.255"),
        child("EAST", "10.1.1.1", "10.2.2.2", "10.0.2.0", "10.0.2.255"),
        child("EAST", "10.1.1.1", "10.10.10.10", "10.0.10.0", "10.0.10.255"), // keyed by hand: no IKE SA
        child("EAST", "10.1.1.1", "10.2.2.2", "10.0.2.7", "10.0.2.7"));
    String out = ShowCryptoSession.render(TWO_MAPS, ike, child);
    assertEquals("""
        Crypto session current status

        Interface: GigabitEthernet0/0
        Session status: UP-NO-IKE
        Peer: 10.10.10.10 port 500
          IPSEC FLOW: permit ip 10.0.0.0/255.255.255.0 10.0.10.0/255.255.255.0
                Active SAs: 2, origin: crypto map

        Interface: GigabitEthernet0/0
        Session status: UP-ACTIVE
        Peer: 10.2.2.2 port 500
          IKEv2 SA: local 10.1.1.1/500 remote 10.2.2.2/500 Active
          IKEv2 SA: local 10.1.1.1/500 remote 10.2.2.2/500 Inactive
          IPSEC FLOW: permit ip 10.0.0.0/255.255.255.0 10.0.2.0/255.255.255.0
                Active SAs: 2, origin: crypto map
          IPSEC FLOW: permit ip 10.0.0.0/255.255.255.0 host 10.0.2.7
                Active SAs: 2, origin: crypto map

        Interface: GigabitEthernet0/1
        Session status: UP-ACTIVE
        Peer: 10.9.9.9 port 500
          IKEv2 SA: local 10.8.8.1/500 remote 10.9.9.9/500 Active
          IPSEC FLOW: permit ip 10.0.0.0/255.255.255.0 10.0.9.0/255.255.255.0
                Active SAs: 2, origin: crypto map

        """, out);
  }

  @Test
  void aRowWithoutAPeerAddressIsShownFirstNotAFailure() {
    String out = ShowCryptoSession.render(GatewayConfig.empty(),
        List.of(ike("a", "10.2.2.2", "10.1.1.1", "READY"), ike("b", null, "10.1.1.1", "IN-NEG")), List.of());
    assertEquals("""
        Crypto session current status

        Interface: (none)
        Session status: DOWN-NEGOTIATING
        Peer:  port 500
          IKEv2 SA: local 10.1.1.1/500 remote /500 Inactive

        Interface: (none)
        Session status: UP-IDLE
        Peer: 10.2.2.2 port 500
          IKEv2 SA: local 10.1.1.1/500 remote 10.2.2.2/500 Active

        """, out);
  }

  @Test
  void thousandsOfSessionsComeInPartsOfWholeLinesThatMakeTheWholeListing() {
    List<IkeSaSummary> ike = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      ike.add(ike(Integer.toString(i), "10.2." + (i >> 8) + "." + (i & 255), "10.1.1.1", "READY"));
    }
    List<String> parts = ShowCryptoSession.renderParts(GatewayConfig.empty(), ike, List.of());
    assertEquals(ShowCryptoSession.render(GatewayConfig.empty(), ike, List.of()), String.join("", parts));
    for (String part : parts) {
      assertEquals('\n', part.charAt(part.length() - 1));
    }
    assertTrue(parts.size() > 1, "5 000 sessions are more than one part");
  }

  private static IkeSaSummary ike(String id, String peer, String local, String state) {
    return new IkeSaSummary(id, peer, local, state, 1, "DELETED".equals(state) ? "DELETED" : "ACTIVE", "", 2, 500,
        500, "responder", 0);
  }

  private static ChildSa child(String map, String local, String peer, String remoteStart, String remoteEnd) {
    return new ChildSa("0011223344556677:8899aabbccddeeff", 7, map, 10, 0x1000L, 0x2000L, EspTransform.AES_GCM_128,
        ChildSa.Mode.TUNNEL, false, false, 64, local, 500, peer, 500,
        List.of(TrafficSelector.anyPorts("10.0.0.0", "10.0.0.255")),
        List.of(TrafficSelector.anyPorts(remoteStart, remoteEnd)),
        new ChildSa.Lifetime(3240, 3600, 4_147_200, 4_608_000), 0, "copy", new byte[0], new byte[0],
        ShowFixtures.CREATED);
  }
}
