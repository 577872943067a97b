package io.ipsecmesh.ike.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipsecmesh.ike.exchange.Proposals;
import io.ipsecmesh.proto.ikev2.IkeConstants;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ACQUIREs follow DPD failover to the next {@code set peer} and stay there, per crypto map entry. */
class CurrentPeersTest {

  private static PeerPolicy policy(String map, int seq, String peer) {
    byte[] psk = "k".getBytes(StandardCharsets.UTF_8);
    return new PeerPolicy(map, seq, peer, "192.0.2.1", new PeerPolicy.Identity(IkeConstants.ID_IPV4_ADDR, "192.0.2.1"),
        PeerAuthorization.preShared(List.of(new io.ipsecmesh.proto.config.IdentityMatch(
            io.ipsecmesh.proto.config.IkeIdentity.Type.ADDRESS, peer + " 255.255.255.255", false))), psk, psk, List.of(Proposals.parseSuite("aes128gcm16-prfsha256-x25519")),
        List.of(EspTransform.AES_GCM_128), null, List.of(), List.of(), ChildSa.Mode.TUNNEL, 64, 3600, 4_608_000, 0,
        "copy", 86400);
  }

  @Test
  void acquireGoesToTheFirstPeerUntilAFailoverThenToThePeerItReached() {
    PolicyStore store = new PolicyStore();
    PeerPolicy b = policy("VPN", 10, "192.0.2.2");
    PeerPolicy c = policy("VPN", 10, "192.0.2.3");
    PeerPolicy other = policy("OTHER", 20, "198.51.100.9");
    store.replace(List.of(b, c, other));
    CurrentPeers current = new CurrentPeers();

    assertEquals("192.0.2.2", current.forAcquire(store, "VPN", 10).orElseThrow().peerAddress());
    current.failedOver(c);
    assertEquals("192.0.2.3", current.forAcquire(store, "VPN", 10).orElseThrow().peerAddress());
    assertEquals("198.51.100.9", current.forAcquire(store, "OTHER", 20).orElseThrow().peerAddress(),
        "another entry keeps its own peer");
    current.failedOver(b);
    assertEquals("192.0.2.2", current.forAcquire(store, "VPN", 10).orElseThrow().peerAddress(), "and back");
  }

  @Test
  void aPeerTheConfigurationNoLongerListsFallsBackToTheFirst() {
    PolicyStore store = new PolicyStore();
    PeerPolicy b = policy("VPN", 10, "192.0.2.2");
    PeerPolicy c = policy("VPN", 10, "192.0.2.3");
    store.replace(List.of(b, c));
    CurrentPeers current = new CurrentPeers();
    current.failedOver(c);
    store.replace(List.of(b));
    assertEquals("192.0.2.2", current.forAcquire(store, "VPN", 10).orElseThrow().peerAddress());
  }
}
