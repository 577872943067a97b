package io.ipsecmesh.esp.fwd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipsecmesh.esp.Packets;
import io.ipsecmesh.esp.io.PacketBuffer;
import io.ipsecmesh.esp.spd.SecurityPolicyDatabase;
import io.ipsecmesh.proto.bus.FwdMessages;
import io.ipsecmesh.proto.config.AccessList;
import io.ipsecmesh.proto.config.AccessListEntry;
import io.ipsecmesh.proto.config.AddressMatch;
import io.ipsecmesh.proto.config.CryptoMapEntry;
import io.ipsecmesh.proto.config.GatewayConfig;
import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;
import io.ipsecmesh.proto.sa.TrafficSelector;
import io.ipsecmesh.proto.time.VirtualScheduler;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the forwarder does for an SA does not depend on the family of the peer: negotiated IPv6 selectors, an IPv6
 * peer, and on it the seed's idle timers and lifetimes (virtual time), anti-replay, NAT mapping follow and the
 * invalid-SPI report, each as for an IPv4 peer.
 */
class Ipv6PeerSaTest {

  private static final String LOCAL = "fd31:250::1";
  private static final String PEER = "fd31:250::2";
  private final VirtualScheduler clock = new VirtualScheduler();
  private final RecordingSink sink = new RecordingSink(clock::nowMillis);
  private final List<Object> events = sink.events;
  private final List<String> logs = sink.logs;
  private TestGateway gw;
  private SaSupervisor supervisor;

  @BeforeEach
  void setUp() {
    gw = new TestGateway();
    AccessList lan6 = new AccessList("LAN6", false, List.of(new AccessListEntry(AccessListEntry.Action.PERMIT,
        "ipv6", AddressMatch.ipv6Prefix("fd91:11::/64"), null, AddressMatch.ipv6Prefix("fd91:12::/64"), null, null)),
        true);
    GatewayConfig c = io.ipsecmesh.esp.ManualKeyConfigs.withMaps(List.of(new CryptoMapEntry("VPN6", 1,
        CryptoMapEntry.Keying.IPSEC_ISAKMP, List.of(PEER), List.of("GCM"), null, null, "LAN6", null, null, null)),
        List.of(lan6), "172.31.250.1");
    // interface wan0 / ipv6 address fd31:250::1/64 / ipv6 crypto map VPN6
    c = c.toBuilder()
        .interfaces(List.of(io.ipsecmesh.proto.config.InterfaceConfig.named("wan0").withIpv6(LOCAL + "/64",
            "VPN6")))
        .build();
    gw.sad.setSpd(SecurityPolicyDatabase.build(c));
    supervisor = new SaSupervisor("fwd-1", gw.sad, gw.plane.acquires(), gw.plane.invalidSpis(), clock, sink,
        peer -> peer.indexOf(':') >= 0 ? LOCAL : "172.31.250.1");
    supervisor.start();
  }

  /** An SA as ike-service installs it for the IPv6 crypto map: local/remote /64s, the peer an IPv6 address. */
  private SaPair install(long inSpi, long outSpi, String local, String remote, ChildSa.Lifetime lifetime, int idle) {
    byte[] k = new byte[EspTransform.AES_GCM_128.keyMaterialBytes()];
    ChildSa sa = new ChildSa("aa:bb", 7, "VPN6", 1, inSpi, outSpi, EspTransform.AES_GCM_128, ChildSa.Mode.TUNNEL,
        true, false, 64, LOCAL, 4500, PEER, 4500, List.of(TrafficSelector.anyPorts(local + "0", local + "ffff")),
        List.of(TrafficSelector.anyPorts(remote + "0", remote + "ffff")), lifetime, idle, "copy",
        gw.wrap.wrap(k), gw.wrap.wrap(k), clock.nowMillis());
    SaPair p = gw.factory.build(sa, false, gw.sad.spd());
    supervisor.started(p);
    return gw.install(p);
  }

  private static byte[] inner6(String src, String dst) throws Exception {
    return Packets.udp6(java.net.InetAddress.getByName(src).getAddress(),
        java.net.InetAddress.getByName(dst).getAddress(), 100);
  }

  @Test
  void trafficLeavesForTheIpv6PeerAndTheIdleTimerDeletesTheSa() throws Exception {
    SaPair p = install(0x5001, 0x6001, "fd91:11::", "fd91:12::", new ChildSa.Lifetime(0, 0, 0, 0), 60);
    gw.port.inject(inner6("fd91:11::5", "fd91:12::5"));
    assertEquals(1, p.outbound().encaps());
    TestGateway.CapturingSender.Sent s = gw.sent.packets.poll();
    assertEquals(new InetSocketAddress(PEER, 4500), s.to(), "to the IPv6 peer on 4500");
    clock.advance(59_000);
    assertTrue(events.stream().noneMatch(e -> e instanceof FwdMessages.SaIdle));
    clock.advance(2_000);
    assertTrue(events.stream().anyMatch(e -> e instanceof FwdMessages.SaIdle), events.toString());
  }

  @Test
  void lifetimesExpireSoftThenHard() {
    install(0x5002, 0x6002, "fd91:11::", "fd91:12::", new ChildSa.Lifetime(108, 120, 0, 0), 0);
    clock.advance(109_000);
    assertTrue(events.stream().anyMatch(e -> e instanceof FwdMessages.SaExpired x
        && x.limit() == FwdMessages.Limit.SOFT), events.toString());
    clock.advance(12_000);
    assertTrue(events.stream().anyMatch(e -> e instanceof FwdMessages.SaExpired x
        && x.limit() == FwdMessages.Limit.HARD), events.toString());
  }

  /**
   * One gateway talking to itself: the SA towards the peer seals fd91:11 -> fd91:12, a second SA whose inbound SPI is
   * the first one's outbound (same key) opens it as if the peer had sent it. The replayed copy is refused (RFC 4303
   * §3.4.3), and a new source port of the peer's IPv6 address moves the outbound half (RFC 7296 §2.23).
   */
  @Test
  void antiReplayAndNatPortFollowOverIpv6() throws Exception {
    SaPair out = install(0x5003, 0x6003, "fd91:11::", "fd91:12::", new ChildSa.Lifetime(0, 0, 0, 0), 0);
    SaPair in = install(0x6003, 0x7003, "fd91:12::", "fd91:11::", new ChildSa.Lifetime(0, 0, 0, 0), 0);
    gw.port.inject(inner6("fd91:11::5", "fd91:12::5"));
    byte[] esp = gw.sent.packets.poll().packet();
    InetSocketAddress moved = new InetSocketAddress(PEER, 34567);
    for (int i = 0; i < 2; i++) {
      System.arraycopy(esp, 0, gw.rx.array(), PacketBuffer.HEADROOM, esp.length);
      gw.plane.inbound().onEsp(gw.rx, PacketBuffer.HEADROOM, esp.length, moved);
    }
    assertEquals(1, in.inbound().decaps());
    assertEquals(1, in.inbound().replayFailures());
    assertEquals(34567, in.outbound().peer().address().getPort(), "the NAT's new port is followed");
    assertEquals(out.outbound().peer().address().getAddress(), in.outbound().peer().address().getAddress());
  }

  @Test
  void invalidSpiFromAnIpv6PeerIsReportedWithOurIpv6Address() {
    byte[] junk = new byte[64];
    junk[3] = 0x42; // SPI 0x42, unknown
    System.arraycopy(junk, 0, gw.rx.array(), PacketBuffer.HEADROOM, junk.length);
    gw.plane.inbound().onEsp(gw.rx, PacketBuffer.HEADROOM, junk.length, new InetSocketAddress(PEER, 4500));
    clock.advance(1000);
    assertEquals(new FwdMessages.InvalidSpi(LOCAL, PEER, 4500, 0x42, 50), events.get(0));
    assertEquals("%CRYPTO-4-RECV_PKT_INV_SPI: decaps: rec'd IPSEC packet has invalid spi for destaddr=" + LOCAL
        + ", prot=50, spi=0x42(66), srcaddr=" + PEER, logs.get(0));
  }
}
