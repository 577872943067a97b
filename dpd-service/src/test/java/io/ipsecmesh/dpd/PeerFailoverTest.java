package io.ipsecmesh.dpd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The seed's failover examples: crypto map green with three {@code set peer}, Easy VPN with three {@code peer}. */
class PeerFailoverTest {

  @Test
  void cryptoMapGreen_cyclesThroughTheSetPeerListAndWrapsAround() {
    PeerFailover green = new PeerFailover(List.of("10.0.0.1", "10.0.0.2", "10.0.0.3"));
    assertEquals(Optional.of("10.0.0.2"), green.after("10.0.0.1"));
    assertEquals(Optional.of("10.0.0.3"), green.after("10.0.0.2"));
    assertEquals(Optional.of("10.0.0.1"), green.after("10.0.0.3"), "after the last, back to the top");
  }

  @Test
  void easyVpnClient_cyclesThroughItsPeersInConfigurationOrder() {
    PeerFailover ezvpn = new PeerFailover(List.of("10.10.10.10", "10.2.2.2", "10.3.3.3"));
    String current = "10.10.10.10";
    StringBuilder tried = new StringBuilder(current);
    for (int i = 0; i < 4; i++) {
      current = ezvpn.after(current).orElseThrow();
      tried.append(' ').append(current);
    }
    assertEquals("10.10.10.10 10.2.2.2 10.3.3.3 10.10.10.10 10.2.2.2", tried.toString());
  }

  @Test
  void singlePeer_isRetried() {
    assertEquals(Optional.of("10.2.80.209"), new PeerFailover(List.of("10.2.80.209")).after("10.2.80.209"));
  }

  @Test
  void deadPeerNoLongerListed_restartsAtTheTop() {
    PeerFailover edited = new PeerFailover(List.of("10.0.0.1", "10.0.0.3"));
    assertEquals(Optional.of("10.0.0.1"), edited.after("10.0.0.2"));
  }

  @Test
  void noPeerList_noFailover() {
    assertEquals(Optional.empty(), new PeerFailover(List.of()).after("10.0.0.1"));
  }

  @Test
  void repeatedSetPeer_keepsItsFirstPosition() {
    PeerFailover p = new PeerFailover(List.of("10.0.0.1", "10.0.0.2", "10.0.0.1"));
    assertEquals(List.of("10.0.0.1", "10.0.0.2"), p.peers());
    assertEquals(Optional.of("10.0.0.1"), p.after("10.0.0.2"));
  }
}
