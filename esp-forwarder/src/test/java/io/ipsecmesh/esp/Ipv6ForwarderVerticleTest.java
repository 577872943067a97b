package io.ipsecmesh.esp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ipsecmesh.esp.tun.InProcessPacketPort;
import io.ipsecmesh.proto.bus.FwdMessages;
import io.ipsecmesh.proto.bus.IkeMessages;
import io.ipsecmesh.proto.bus.SaMessages;
import io.ipsecmesh.proto.config.CryptoMapEntry;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.KeyWrap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two forwarder verticles whose peers are IPv6 addresses ({@code ::1}, the only IPv6 loopback address, so each
 * forwarder has its own port: 4500 and 4501), with in-process inner ports: their IPv6 UDP sockets beside the IPv4
 * ones ({@code bindAddress6}), Child SAs installed as ike-service installs them ({@code sa.child.installed}) for an
 * IPv6 and an IPv4 crypto map, IPv6 and IPv4 inner packets through real ESP-in-UDP over IPv6, and IKE on 4500 over
 * IPv6 ({@code ike.tx} → {@code ike.punt}). No root needed.
 */
class Ipv6ForwarderVerticleTest extends ForwarderPairTestBase {

  @org.junit.jupiter.api.io.TempDir
  static java.nio.file.Path STATE;
  private static final int PORT_A = 4500;
  private static final int PORT_B = 4501;

  private static boolean ipv6Loopback() {
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("::1", 0))) {
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /** The dual-stack configuration with IKE keying: the SAs come over the bus, not from session keys. */
  private static GatewayConfig isakmp(GatewayConfig manual) {
    List<CryptoMapEntry> maps = manual.cryptoMaps().stream().map(e -> new CryptoMapEntry(e.name(), e.seq(),
        CryptoMapEntry.Keying.IPSEC_ISAKMP, e.peers(), e.transformSets(), e.sa(), null, e.matchAddress(), null, null,
        null)).toList();
    return manual.toBuilder().cryptoMaps(maps).build();
  }

  @BeforeEach
  void start() throws Exception {
    assumeTrue(ipv6Loopback(), "no IPv6 loopback address (::1) on this host");
    fa = deploy(va, portA, "127.0.0.93", PORT_A, "fwd-a6");
    fb = deploy(vb, portB, "127.0.0.94", PORT_B, "fwd-b6");
    GatewayConfig a = ManualKeyConfigs.dualStack(true, "::1", "::1", "10.91.41.0", "10.91.42.0", "fd91:41::",
        "fd91:42::", true);
    GatewayConfig b = ManualKeyConfigs.dualStack(false, "::1", "::1", "10.91.42.0", "10.91.41.0", "fd91:42::",
        "fd91:41::", true);
    configure(isakmp(a), isakmp(b));
    KeyWrap wrap = KeyWrap.fromEnvironment();
    // the SAs ike-service would install: AES-GCM, the crypto maps' ACLs as selectors, the peer at its own port
    for (ChildSa sa : io.ipsecmesh.esp.fwd.ManualKeying.childSas(a, wrap, p -> { })) {
      install(va, ManualKeyConfigs.asNegotiatedGcm(sa, wrap).withPeerPort(PORT_B));
    }
    for (ChildSa sa : io.ipsecmesh.esp.fwd.ManualKeying.childSas(b, wrap, p -> { })) {
      install(vb, ManualKeyConfigs.asNegotiatedGcm(sa, wrap).withPeerPort(PORT_A));
    }
    await(va, () -> sending(fa) == 2 && sending(fb) == 2);
  }

  /** SA pairs whose outbound half has its sequence numbers (installed only once its reservation completed). */
  private static long sending(EspForwarderVerticle f) {
    return f.dataPlane().sad().pairs().stream().filter(p -> p.outbound().sequenceLimit() > 0).count();
  }

  /** Published after the configuration on the same bus, so the forwarder has the crypto map entry first. */
  private static void install(Vertx v, ChildSa sa) {
    v.eventBus().publish(SaMessages.CHILD_INSTALLED, new SaMessages.ChildSaInstalled(sa));
  }

  /** More forwarder options (a subclass's). */
  JsonObject options() {
    return new JsonObject();
  }

  private EspForwarderVerticle deploy(Vertx v, InProcessPacketPort port, String bind, int udpPort, String id)
      throws Exception {
    return deploy(v, port, options().put("stateDir", STATE.resolve(id).toString()).put("bindAddress", bind)
        .put("bindAddress6", "::1").put("port", udpPort).put("udpGro", false).put("forwarderId", id));
  }

  private static byte[] v6(String last) throws Exception {
    return java.net.InetAddress.getByName(last).getAddress();
  }

  private static byte[] cross(InProcessPacketPort from, InProcessPacketPort to, byte[] inner) throws Exception {
    from.inject(inner);
    return to.poll(10_000);
  }

  @Test
  void ipv6AndIpv4InnerPacketsCrossEspInUdpOverIpv6() throws Exception {
    byte[] six = Packets.udp6(v6("fd91:41::5"), v6("fd91:42::5"), 300);
    assertArrayEquals(six, cross(portA, portB, six), "IPv6 in IPv6");
    byte[] back = Packets.udp6(v6("fd91:42::5"), v6("fd91:41::5"), 30);
    assertArrayEquals(back, cross(portB, portA, back), "and back");
    byte[] four = Packets.udp4(new int[] {10, 91, 41, 5}, new int[] {10, 91, 42, 5}, 1, 2, 200);
    assertArrayEquals(four, cross(portA, portB, four), "IPv4 in IPv6");
  }

  @Test
  void ikeOn4500GoesOverIpv6AndIsPuntedWithTheRfc5952Address() throws Exception {
    CompletableFuture<IkeMessages.IkeDatagram> punted = new CompletableFuture<>();
    vb.eventBus().<IkeMessages.IkeDatagram>consumer(FwdMessages.IKE_PUNT, m -> punted.complete(m.body()));
    byte[] ike = new byte[40];
    ike[17] = 0x20;
    ike[18] = 35;
    va.eventBus().send(IkeMessages.IKE_TX, new IkeMessages.IkeDatagram("::1", PORT_A, "::1", PORT_B, ike));
    IkeMessages.IkeDatagram d = punted.get(10, TimeUnit.SECONDS);
    assertArrayEquals(ike, d.message());
    assertEquals("::1", d.peerAddress());
    assertEquals(PORT_A, d.peerPort(), "from A's IPv6 socket, on A's port");
  }

  /** RFC 3948 §2.3 keepalives ({@code natk.send}) to an IPv6 peer leave by the IPv6 socket. */
  @Test
  void natKeepalivesReachAnIpv6Peer() throws Exception {
    va.eventBus().send(io.ipsecmesh.proto.bus.NatKeepaliveMessages.SEND,
        new io.ipsecmesh.proto.bus.NatKeepaliveMessages.SendKeepalives(List.of(
            new io.ipsecmesh.proto.bus.NatKeepaliveMessages.Target("::1", PORT_A, "::1", PORT_B))));
    await(vb, () -> fb.dataPlane().stats().natKeepalivesReceived() == 1);
  }
}
