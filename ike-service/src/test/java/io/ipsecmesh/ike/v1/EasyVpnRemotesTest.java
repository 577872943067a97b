package io.ipsecmesh.ike.v1;

import io.ipsecmesh.ike.seam.IkeEventSink;
import io.ipsecmesh.proto.sa.IkeSaSummary;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.ike.engine.RetransmitPolicy;
import io.ipsecmesh.proto.bus.IkeMessages.IkeDatagram;
import io.ipsecmesh.proto.config.EzvpnAttachment;
import io.ipsecmesh.proto.config.EzvpnClient;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.InterfaceConfig;
import io.ipsecmesh.proto.ikev1.IsakmpCodec;
import io.ipsecmesh.proto.ikev1.IsakmpConstants;
import io.ipsecmesh.proto.ikev1.ModeConfigAttributes;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.sa.EzvpnStatus;
import io.ipsecmesh.proto.sa.TrafficSelector;
import io.ipsecmesh.proto.time.VirtualScheduler;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code connect manual} with the exec commands {@code crypto ipsec client ezvpn connect} and {@code clear crypto
 * ipsec client ezvpn}, and the state {@code show crypto ipsec client ezvpn} prints, as the engine's events move it
 * (the DPD chapter's seed remote with two peers). What the server answers is proven against strongSwan.
 */
class EasyVpnRemotesTest {

  private final List<IkeDatagram> sent = new ArrayList<>();
  private final List<EzvpnStatus> published = new ArrayList<>();
  private final List<String> removed = new ArrayList<>();
  private final Ikev1Service service = new Ikev1Service(new VirtualScheduler(), new IkeEventSink() {},
      TwoGateways.WRAP, RetransmitPolicy.DEFAULT, sent::add);

  EasyVpnRemotesTest() {
    service.setEasyVpnSink(new Ikev1Service.EasyVpnSink() {
      @Override
      public void changed(EzvpnStatus status) {
        published.add(status);
      }

      @Override
      public void removed(String name) {
        removed.add(name);
      }
    });
  }

  static GatewayConfig seedRemote(EzvpnClient.Connect connect, EzvpnClient.Mode mode, String... peers) {
    GatewayConfig e = GatewayConfig.empty();
    EzvpnClient c = new EzvpnClient("ezvpn-config", connect, "unity", "preshared", mode, List.of(peers), "ezuser",
        "ezpass", "local");
    List<InterfaceConfig> itfs = List.of(
        new InterfaceConfig("Ethernet0", "10.2.3.4", "255.255.255.0", null, null, null,
            new EzvpnAttachment("ezvpn-config", false), null),
        new InterfaceConfig("FastEthernet0", "10.1.32.14", "255.255.255.0", null, null, null,
            new EzvpnAttachment("ezvpn-config", true), null));
    return e.toBuilder().interfaces(itfs).ezvpnClients(List.of(c)).complianceShieldDisabled(false).build();
  }

  private EzvpnStatus last() {
    return published.getLast();
  }

  @Test
  void connectManualWaitsForTheExecCommandThenConnectsToTheFirstPeer() throws Exception {
    service.configure(seedRemote(EzvpnClient.Connect.MANUAL, EzvpnClient.Mode.CLIENT, "10.2.80.209", "10.2.2.2"),
        "10.1.32.14");
    assertEquals(List.of(), sent);
    assertEquals(EzvpnStatus.CONNECT_REQUIRED, last().state());
    assertTrue(service.waitsForConnect("ezvpn-config"), "an ACQUIRE does not connect a connect manual remote");

    sent.clear();
    assertNull(service.connect("ezvpn-config"));
    assertEquals(1, sent.size());
    assertEquals("10.2.80.209", sent.getFirst().peerAddress());
    assertEquals(IsakmpConstants.EXCH_AGGRESSIVE, IsakmpCodec.decodeHeader(sent.getFirst().message()).exchangeType());
    assertEquals(EzvpnStatus.READY, last().state());
    assertEquals("10.2.80.209", last().peer());
    assertNull(service.connect("ezvpn-config"), "connected already: nothing more");
    assertEquals(1, sent.size());
    assertEquals("% No such Easy VPN remote: other", service.connect("other"));

    assertEquals(1, service.clearEasyVpn("ezvpn-config"));
    assertEquals(EzvpnStatus.CONNECT_REQUIRED, last().state(), "cleared: connect manual waits again");
    assertEquals(0, service.activeSaCount());
  }

  @Test
  void clearingAConnectAutoRemoteConnectsItAgain() {
    service.configure(seedRemote(EzvpnClient.Connect.AUTO, EzvpnClient.Mode.CLIENT, "10.2.80.209"), "10.1.32.14");
    assertEquals(1, sent.size());
    assertEquals(1, service.clearEasyVpn(null));
    assertEquals(1, service.activeSaCount(), "IOS: a connect auto remote reconnects after clear");
    assertEquals(EzvpnStatus.READY, last().state());
    service.configure(GatewayConfig.empty(), "10.1.32.14");
    assertEquals(List.of("ezvpn-config"), removed, "a remote taken out of the configuration leaves the map");
  }

  @Test
  void modeConfigAndQuickModeMakeTheRemoteIpsecActiveAndDpdTakesItDown() {
    service.configure(seedRemote(EzvpnClient.Connect.AUTO, EzvpnClient.Mode.CLIENT, "10.2.80.209", "10.2.2.2"),
        "10.1.32.14");
    IkeEventSink events = service.engine().listener;
    ModeConfigAttributes.ModeConfig mc = new ModeConfigAttributes.ModeConfig("10.99.0.1", null,
        List.of("10.91.2.53"), List.of(), "hello", "corp.interop.test", false,
        List.of(new ModeConfigAttributes.Network("10.91.2.0", "255.255.255.0")));
    events.modeConfigReceived("a:b", "10.2.80.209", "ezvpn-config", mc);
    assertEquals(EzvpnStatus.READY, last().state());
    assertEquals("10.99.0.1", last().address());
    assertEquals(List.of("10.91.2.0/255.255.255.0"), last().splitIncludes());
    events.childSaInstalled(child("10.2.80.209"));
    assertEquals(EzvpnStatus.IPSEC_ACTIVE, last().state());
    assertEquals("SOCKET_UP", last().lastEvent());

    events.ikeSaDown(new IkeSaSummary("a:b", "10.2.80.209", "10.1.32.14", "MM_NO_STATE", 1, "ACTIVE", "", 1, 500, 500,
        "Initiator", 0), "dpd");
    assertEquals("IDLE", last().state());
    assertEquals("PEER_DEAD", last().lastEvent());
    assertNull(last().address(), "the pushed address goes with the SA");
    // the DPD failover's next peer (ike-service's dpd.peer.dead path) is the current peer from now on
    assertTrue(service.acquire("ezvpn-config", 0, "10.2.2.2"));
    assertEquals("10.2.2.2", last().peer());
    assertEquals(EzvpnStatus.READY, last().state());
  }

  private static ChildSa child(String peer) {
    return new ChildSa("a:b", 1, "ezvpn-config", 0, 1, 2, EspTransform.AES_CBC_256_HMAC_SHA256_128,
        ChildSa.Mode.TUNNEL, false, false, 64, "10.1.32.14", 500, peer, 500,
        List.of(TrafficSelector.anyPorts("10.99.0.1", "10.99.0.1")),
        List.of(TrafficSelector.anyPorts("10.91.2.0", "10.91.2.255")),
        new ChildSa.Lifetime(3240, 3600, 4_147_200, 4_608_000), 0, "copy", new byte[0], new byte[0], 0);
  }
}
