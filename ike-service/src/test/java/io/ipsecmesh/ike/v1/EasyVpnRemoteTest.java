package io.ipsecmesh.ike.v1;

import static io.ipsecmesh.ike.v1.TwoGateways.A;
import static io.ipsecmesh.ike.v1.TwoGateways.B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.proto.ikev1.IsakmpCodec;
import io.ipsecmesh.proto.ikev1.IsakmpConstants;
import io.ipsecmesh.proto.sa.EspTransform;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Easy VPN remote's first message on the virtual wire, against our own responder (which is no XAUTH server):
 * Aggressive Mode offering XAUTHInitPreShared with the XAUTH and Cisco Unity vendor IDs, which a plain PSK
 * responder refuses. XAUTH, Mode Config and the CONF_XAUTH/CONF_ADDR states are proven against strongSwan as the
 * Easy VPN server in {@link EasyVpnClientStrongswanTest}.
 */
class EasyVpnRemoteTest {

  private static final Ikev1Suite SUITE = TwoGateways.suite(256, Ikev1Hash.SHA2_256, 14);
  private static final EspTransform ESP = EspTransform.AES_CBC_256_HMAC_SHA256_128;

  @Test
  void anXauthClientOffersXauthInitPreSharedWithTheVendorIdsAndAPlainResponderRefusesIt() throws Exception {
    TwoGateways g = new TwoGateways();
    Ikev1Policy a = TwoGateways.policy(A, B, "group-key", SUITE, ESP, "10.1.0", "10.2.0");
    Ikev1Policy remote = new Ikev1Policy(a.cryptoMap(), a.mapSequence(), a.peerAddress(), a.localAddress(),
        a.localId(), a.remote(), a.psk(), a.suites(),
        a.espTransforms(), null, a.localSelectors(), a.remoteSelectors(), a.mode(), a.replayWindow(),
        a.lifetimeSeconds(), a.lifetimeKilobytes(), a.idleTimeSeconds(), a.dfBit(), true,
        new Ikev1Policy.EasyVpnClient("ezvpn-config", "ezuser", "pw".getBytes(StandardCharsets.UTF_8)));
    // B is our responder, which is no XAUTH server: it cannot choose XAUTHInitPreShared
    g.configure(remote, TwoGateways.policy(B, A, "group-key", SUITE, ESP, "10.2.0", "10.1.0"));
    g.serviceA.acquire("vpn", 10, null);
    g.pump();

    var am1 = IsakmpCodec.decode(g.sentByA.getFirst().message());
    var offer = am1.first(io.ipsecmesh.proto.ikev1.IsakmpPayload.SecurityAssociation.class);
    assertEquals(IsakmpConstants.P1_AUTH_XAUTH_INIT_PSK, offer.proposals().getFirst().transforms().getFirst()
        .attribute(IsakmpConstants.P1_AUTHENTICATION_METHOD).value(), "AM1 offers XAUTHInitPreShared");
    List<byte[]> vids = am1.all(io.ipsecmesh.proto.ikev1.IsakmpPayload.VendorId.class).stream()
        .map(io.ipsecmesh.proto.ikev1.IsakmpPayload.VendorId::data).toList();
    assertTrue(vids.stream().anyMatch(v -> java.util.Arrays.equals(v, VendorIds.XAUTH)));
    assertTrue(vids.stream().anyMatch(v -> java.util.Arrays.equals(v, VendorIds.CISCO_UNITY)));
    assertEquals(1, g.sentByB.size(), "our responder answers an XAUTH client's offer with NO-PROPOSAL-CHOSEN");
    assertEquals("negotiation-failed: no-proposal-chosen", g.a.down.getFirst().reason());
    assertEquals(0, g.serviceB.activeSaCount(), "and keeps no state");
  }
}
