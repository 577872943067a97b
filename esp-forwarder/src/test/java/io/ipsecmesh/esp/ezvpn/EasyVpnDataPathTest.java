package io.ipsecmesh.esp.ezvpn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.esp.fwd.DataPlane;
import io.ipsecmesh.esp.fwd.SaDatabase;
import io.ipsecmesh.esp.spd.SecurityPolicyDatabase;
import io.ipsecmesh.esp.tun.DiscardPacketPort;
import io.ipsecmesh.proto.config.EzvpnAttachment;
import io.ipsecmesh.proto.config.EzvpnClient;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.config.InterfaceConfig;
import io.ipsecmesh.proto.sa.EzvpnStatus;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the forwarder makes of the Easy VPN state: an SPD entry per remote, the split includes as routes while the
 * tunnel is up (and taken away when it goes), the client-mode translation only in client mode.
 */
public class EasyVpnDataPathTest {

  /** The DPD chapter's remote (inside FastEthernet1, outside FastEthernet0) in the given mode. */
  public static GatewayConfig remoteConfig(EzvpnClient.Mode mode) {
    GatewayConfig e = GatewayConfig.empty();
    EzvpnClient c = new EzvpnClient("ezvpn-config", EzvpnClient.Connect.AUTO, "unity", "preshared", mode,
        List.of("172.31.250.2"), "ezuser", "ezpass", "local");
    List<InterfaceConfig> itfs = List.of(
        new InterfaceConfig("FastEthernet1", "10.91.11.1", "255.255.255.0", null, null, null,
            new EzvpnAttachment("ezvpn-config", false), null),
        new InterfaceConfig("FastEthernet0", "172.31.250.1", "255.255.255.0", null, null, null,
            new EzvpnAttachment("ezvpn-config", true), null));
    return e.toBuilder().interfaces(itfs).ezvpnClients(List.of(c)).complianceShieldDisabled(false).build();
  }

  private static EzvpnStatus active(String mode, List<String> split) {
    return new EzvpnStatus("ezvpn-config", EzvpnStatus.IPSEC_ACTIVE, "SOCKET_UP", "172.31.250.2", "a:b", mode,
        "10.99.0.1", null, List.of(), null, null, null, split, 0);
  }

  private final DataPlane plane = new DataPlane(new SaDatabase(p -> { }), new DiscardPacketPort(), null, null);
  private final List<String> log = new ArrayList<>();
  private final EasyVpnDataPath path = new EasyVpnDataPath(plane.outbound(), plane.inbound(), log::add);

  @Test
  void eachRemoteHasAnSpdEntryAfterTheCryptoMaps() {
    GatewayConfig cfg = remoteConfig(EzvpnClient.Mode.CLIENT);
    SecurityPolicyDatabase spd = EasyVpnDataPath.spd(SecurityPolicyDatabase.build(cfg), cfg);
    assertEquals(1, spd.size());
    assertNotNull(spd.entry("ezvpn-config", 0));
    assertEquals(1, EasyVpnDataPath.spd(spd, cfg).size(), "added once");
  }

  @Test
  void splitIncludesAreRoutedWhileTheTunnelIsUpAndClientModeTranslates() {
    path.configure(remoteConfig(EzvpnClient.Mode.CLIENT));
    EasyVpnDataPath.RouteChange up = path.status(active("client", List.of("10.91.2.0/255.255.255.0",
        "10.91.3.0/255.255.255.128", "10.91.4.0/255.0.255.0", "0.0.0.0/0.0.0.0")));
    assertEquals(List.of("10.91.2.0/24", "10.91.3.0/25"), up.add(), "non-contiguous and default left out");
    assertEquals(List.of(), up.remove());
    assertEquals("10.99.0.1", path.translation().address());
    assertTrue(path.status(active("client", List.of("10.91.2.0/255.255.255.0",
        "10.91.3.0/255.255.255.128"))).empty(), "the same state again changes nothing");

    EasyVpnDataPath.RouteChange down = path.status(EzvpnStatus.idle("ezvpn-config", "IDLE", "PEER_DEAD",
        "172.31.250.2", "client", 1));
    assertEquals(List.of("10.91.2.0/24", "10.91.3.0/25"), down.remove());
    assertNull(path.translation());
  }

  @Test
  void aScaledOutForwarderRefusesClientModeAndSaysWhatToDoInstead() {
    EasyVpnDataPath scaledOut = new EasyVpnDataPath(plane.outbound(), plane.inbound(), log::add, true);
    scaledOut.configure(remoteConfig(EzvpnClient.Mode.CLIENT));
    assertEquals(List.of("10.91.2.0/24"), scaledOut.status(active("client", List.of("10.91.2.0/255.255.255.0")))
        .add(), "the split include is still routed into the tunnel");
    assertNull(scaledOut.translation(), "no instance translates: the answers would reach the SA's owner");
    assertTrue(log.stream().anyMatch(l -> l.contains("ezvpn-config: mode client is refused with --esp-scale-out true")
        && l.contains("use mode network-extension or network-plus")), log.toString());
  }

  @Test
  void networkExtensionModeRoutesButDoesNotTranslateAndARemovedRemoteLosesItsRoutes() {
    path.configure(remoteConfig(EzvpnClient.Mode.NETWORK_EXTENSION));
    assertEquals(List.of("10.91.2.0/24"), path.status(active("network-extension",
        List.of("10.91.2.0/255.255.255.0"))).add());
    assertNull(path.translation());
    EasyVpnDataPath.RouteChange gone = path.configure(GatewayConfig.empty());
    assertEquals(List.of("10.91.2.0/24"), gone.remove());
    assertTrue(path.status(active("client", List.of("10.91.2.0/255.255.255.0"))).empty(),
        "a state of a remote the configuration does not have is ignored");
  }

  @Test
  void networkPlusPutsTheAssignedAddressOnTheTunWhileActiveAndTranslatesNothing() {
    path.configure(remoteConfig(EzvpnClient.Mode.NETWORK_PLUS));
    EasyVpnDataPath.RouteChange up = path.status(active("network-plus", List.of("10.91.2.0/255.255.255.0")));
    assertEquals(new EasyVpnDataPath.RouteChange(List.of(), List.of("10.91.2.0/24"), List.of(),
        List.of("10.99.0.1/32")), up);
    assertNull(path.translation(), "the inside network keeps its addresses");
    assertTrue(path.status(active("network-plus", List.of("10.91.2.0/255.255.255.0"))).empty());

    EasyVpnDataPath.RouteChange down = path.status(EzvpnStatus.idle("ezvpn-config", "IDLE", "PEER_DEAD",
        "172.31.250.2", "network-plus", 1));
    assertEquals(new EasyVpnDataPath.RouteChange(List.of("10.91.2.0/24"), List.of(), List.of("10.99.0.1/32"),
        List.of()), down);

    path.status(active("network-plus", List.of("10.91.2.0/255.255.255.0")));
    EasyVpnDataPath.RouteChange gone = path.configure(GatewayConfig.empty());
    assertEquals(List.of("10.99.0.1/32"), gone.removeAddresses(), "a removed remote's address goes");
  }

  @Test
  void networkExtensionModePutsNoAddressOnTheTun() {
    path.configure(remoteConfig(EzvpnClient.Mode.NETWORK_EXTENSION));
    assertEquals(List.of(), path.status(active("network-extension", List.of("10.91.2.0/255.255.255.0")))
        .addAddresses());
  }

  @Test
  void withoutASplitIncludeNoDefaultRouteIsInstalledAndTheOperatorIsTold() {
    path.configure(remoteConfig(EzvpnClient.Mode.CLIENT));
    assertTrue(path.status(active("client", List.of())).empty());
    assertTrue(log.stream().anyMatch(l -> l.contains("no split include")), log.toString());
  }
}
