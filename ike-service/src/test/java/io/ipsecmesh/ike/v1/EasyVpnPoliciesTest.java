package io.ipsecmesh.ike.v1;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.ike.engine.RetransmitPolicy;
import io.ipsecmesh.proto.bus.IkeMessages.IkeDatagram;
import io.ipsecmesh.proto.config.EzvpnAttachment;
import io.ipsecmesh.proto.config.EzvpnClient;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.InterfaceConfig;
import io.ipsecmesh.proto.ikev1.IsakmpCodec;
import io.ipsecmesh.proto.ikev1.IsakmpConstants;
import io.ipsecmesh.proto.ikev1.IsakmpPayload.Identification;
import io.ipsecmesh.proto.time.VirtualScheduler;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The seed's Easy VPN remote as a configuration model (the DPD chapter's "Easy VPN Remote with DPD Enabled
 * Example", with the stored XAUTH credentials): its IKEv1 policies, and {@code connect auto} starting Aggressive
 * Mode with the group name as ID_KEY_ID to the first peer as soon as the configuration is applied.
 */
class EasyVpnPoliciesTest {

  private static GatewayConfig seedRemote(String username, EzvpnClient.Connect connect) {
    GatewayConfig e = GatewayConfig.empty();
    EzvpnClient c = new EzvpnClient("ezvpn-config", connect, "unity", "preshared", EzvpnClient.Mode.CLIENT,
        List.of("10.2.80.209", "10.2.80.210"), username, username == null ? null : "ezpass", "local");
    List<InterfaceConfig> itfs = List.of(
        new InterfaceConfig("Ethernet0", "10.2.3.4", "255.255.255.0", null, null, null,
            new EzvpnAttachment("ezvpn-config", false), null),
        new InterfaceConfig("FastEthernet0", "10.1.32.14", "255.255.255.0", null, null, null,
            new EzvpnAttachment("ezvpn-config", true), null));
    return e.toBuilder().interfaces(itfs).ezvpnClients(List.of(c)).complianceShieldDisabled(false).build();
  }

  @Test
  void oneAggressiveXauthPolicyPerPeerFromTheOutsideInterface() {
    List<Ikev1Policy> p = EasyVpnPolicies.from(seedRemote("ezuser", EzvpnClient.Connect.AUTO));
    assertEquals(List.of("10.2.80.209", "10.2.80.210"), p.stream().map(Ikev1Policy::peerAddress).toList(),
        "the peer list in order: DPD fails over along it");
    Ikev1Policy first = p.getFirst();
    assertTrue(first.aggressive());
    assertEquals("ezvpn-config", first.cryptoMap(), "dpd-service finds the peer list by this name");
    assertEquals("10.1.32.14", first.localAddress(), "the outside interface");
    assertEquals(new Ikev1Policy.Identity(IsakmpConstants.ID_KEY_ID, "unity"), first.localId(), "the group name");
    assertArrayEquals("preshared".getBytes(StandardCharsets.UTF_8), first.psk(), "the group key");
    assertEquals("ezuser", first.xauth().username());
    assertEquals(List.of(EasyVpnPolicies.DEFAULT_SUITE), first.suites(), "no crypto isakmp policy: the default");
  }

  @Test
  void withoutStoredCredentialsThereIsNoPolicyAndNothingIsSent() {
    assertEquals(List.of(), EasyVpnPolicies.from(seedRemote(null, EzvpnClient.Connect.AUTO)));
  }

  @Test
  void connectAutoStartsAggressiveModeToTheFirstPeerWhenConfiguredAndConnectManualWaits() throws Exception {
    List<IkeDatagram> sent = new ArrayList<>();
    Ikev1Service s = new Ikev1Service(new VirtualScheduler(), new TwoGateways.Events(), TwoGateways.WRAP,
        RetransmitPolicy.DEFAULT, sent::add);
    s.configure(seedRemote("ezuser", EzvpnClient.Connect.MANUAL), "10.1.32.14");
    assertEquals(List.of(), sent, "connect manual: nothing until the operator connects");

    s.configure(seedRemote("ezuser", EzvpnClient.Connect.AUTO), "10.1.32.14");
    assertEquals(1, sent.size());
    IkeDatagram am1 = sent.getFirst();
    assertEquals("10.2.80.209", am1.peerAddress());
    assertEquals(IsakmpConstants.EXCH_AGGRESSIVE, IsakmpCodec.decodeHeader(am1.message()).exchangeType());
    Identification id = IsakmpCodec.decode(am1.message()).first(Identification.class);
    assertEquals(IsakmpConstants.ID_KEY_ID, id.idType());
    assertEquals("unity", new String(id.data(), StandardCharsets.UTF_8));
    s.configure(seedRemote("ezuser", EzvpnClient.Connect.AUTO), "10.1.32.14");
    assertEquals(1, sent.size(), "a configuration applied again starts no second negotiation");
  }
}
