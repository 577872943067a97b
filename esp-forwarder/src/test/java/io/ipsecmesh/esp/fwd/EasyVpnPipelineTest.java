package io.ipsecmesh.esp.fwd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.esp.Packets;
import io.ipsecmesh.esp.ezvpn.EasyVpnDataPath;
import io.ipsecmesh.esp.ezvpn.EasyVpnDataPathTest;
import io.ipsecmesh.esp.spd.SecurityPolicyDatabase;
import io.ipsecmesh.proto.config.EzvpnClient;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.sa.EzvpnStatus;
import io.ipsecmesh.proto.sa.KeyWrap;
import io.ipsecmesh.proto.sa.TrafficSelector;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Easy VPN remote's data path through two data planes back to back: A is the remote (SPD entry of the remote,
 * Child SA with Mode Config's selectors, {@link EasyVpnDataPath} driven by the state ike-service publishes), B the
 * server's side of the same SA. Client mode: the LAN host's ping leaves A as the assigned address and B's answer to
 * that address comes back to the host; network-extension mode: the LAN's own addresses cross unchanged.
 */
class EasyVpnPipelineTest {

  private static final InetSocketAddress A_WAN = new InetSocketAddress("172.31.250.1", 4500);
  private static final InetSocketAddress B_WAN = new InetSocketAddress("172.31.250.2", 4500);
  private static final int[] LAN_HOST = {10, 91, 11, 10};
  private static final int[] SERVER_HOST = {10, 91, 12, 10};

  private final TestGateway a = new TestGateway();
  private final TestGateway b = new TestGateway();
  private final List<String> log = new ArrayList<>();
  private final EasyVpnDataPath remote = new EasyVpnDataPath(a.plane.outbound(), a.plane.inbound(), log::add);

  private void tunnel(EzvpnClient.Mode mode, String localFrom, String localTo) {
    GatewayConfig config = EasyVpnDataPathTest.remoteConfig(mode);
    a.sad.setSpd(EasyVpnDataPath.spd(SecurityPolicyDatabase.build(config), config));
    b.sad.setSpd(EasyVpnDataPath.spd(SecurityPolicyDatabase.empty(), config));
    remote.configure(config);
    TrafficSelector local = TrafficSelector.anyPorts(localFrom, localTo);
    TrafficSelector split = TrafficSelector.anyPorts("10.91.12.0", "10.91.12.255");
    a.install(a.factory.build(child(a.wrap, 0x1111, 0x2222, "172.31.250.1", "172.31.250.2", local, split), false,
        a.sad.spd()));
    b.install(b.factory.build(child(b.wrap, 0x2222, 0x1111, "172.31.250.2", "172.31.250.1", split, local), false,
        b.sad.spd()));
    remote.status(new EzvpnStatus("ezvpn-config", EzvpnStatus.IPSEC_ACTIVE, "SOCKET_UP", "172.31.250.2", "a:b",
        mode.keyword(), "10.99.0.1", "255.255.255.255", List.of(), null, null, null,
        List.of("10.91.12.0/255.255.255.0"), 0));
  }

  @Test
  void clientModeTranslatesTheLanToTheAssignedAddressAndBack() throws Exception {
    tunnel(EzvpnClient.Mode.CLIENT, "10.99.0.1", "10.99.0.1");
    byte[] echo = Packets.icmp4(LAN_HOST, SERVER_HOST, 8, 0x4242, 1);
    a.port.inject(echo);
    TestGateway.CapturingSender.Sent esp = a.sent.packets.poll();
    assertNotNull(esp, "A protected the ping: " + a.plane.stats().innerNoSa() + " without SA");
    b.receive(esp.packet(), A_WAN);
    byte[] atServer = b.port.poll(0);
    assertNotNull(atServer, "B decrypted it within its selectors");
    assertArrayEquals(new byte[] {10, 99, 0, 1}, java.util.Arrays.copyOfRange(atServer, 12, 16),
        "the server sees the assigned address");
    int id = (atServer[24] & 0xFF) << 8 | atServer[25] & 0xFF;

    byte[] reply = Packets.icmp4(SERVER_HOST, new int[] {10, 99, 0, 1}, 0, id, 1);
    b.port.inject(reply);
    a.receive(b.sent.packets.poll().packet(), B_WAN);
    byte[] atHost = a.port.poll(0);
    assertNotNull(atHost, "the answer reached the LAN");
    assertArrayEquals(new byte[] {10, 91, 11, 10}, java.util.Arrays.copyOfRange(atHost, 16, 20));
    assertEquals(0x4242, (atHost[24] & 0xFF) << 8 | atHost[25] & 0xFF);
    assertEquals(1, remote.translation().translatedIn);

    // the tunnel goes (DPD, clear): no translation, the LAN's packet is no longer the SA's
    remote.status(EzvpnStatus.idle("ezvpn-config", "IDLE", "PEER_DEAD", "172.31.250.2", "client", 1));
    a.port.inject(Packets.icmp4(LAN_HOST, SERVER_HOST, 8, 0x4242, 2));
    assertTrue(a.sent.packets.isEmpty());
    assertEquals(1, a.plane.stats().innerNoSa());
  }

  @Test
  void networkExtensionModeCarriesTheLanUnchanged() throws Exception {
    tunnel(EzvpnClient.Mode.NETWORK_EXTENSION, "10.91.11.0", "10.91.11.255");
    byte[] echo = Packets.icmp4(LAN_HOST, SERVER_HOST, 8, 0x4242, 1);
    a.port.inject(echo.clone());
    b.receive(a.sent.packets.poll().packet(), A_WAN);
    assertArrayEquals(echo, b.port.poll(0), "no translation in network-extension mode");
    assertEquals(null, remote.translation());
  }

  private static ChildSa child(KeyWrap w, long inSpi, long outSpi, String local, String peer,
      TrafficSelector localTs, TrafficSelector remoteTs) {
    byte[] k = new byte[EspTransform.AES_GCM_128.keyMaterialBytes()];
    k[0] = 7;
    return new ChildSa("a:b", 1, "ezvpn-config", 0, inSpi, outSpi, EspTransform.AES_GCM_128, ChildSa.Mode.TUNNEL,
        true, false, 64, local, 4500, peer, 4500, List.of(localTs), List.of(remoteTs),
        new ChildSa.Lifetime(0, 0, 0, 0), 0, "copy", w.wrap(k), w.wrap(k), 1);
  }
}
